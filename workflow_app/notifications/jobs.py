"""The scheduler's notification jobs. Links in mail are built from BASE_URL (a request context made for
it, never a visitor's Host header), then the services run and the job commits."""
from __future__ import annotations

from flask import Flask, url_for

from ..extensions import db


def _link_context(app: Flask):
    return app.test_request_context("/", base_url=app.config["BASE_URL"] or "http://localhost")


def daily_digests(app: Flask, now=None) -> dict[str, int]:
    from ..views.main import NOTICE_LINKS
    from .digest import send_daily_digests

    with app.app_context(), _link_context(app):
        def link_of(object_type: str, object_id: int | None) -> str | None:
            build = NOTICE_LINKS.get(object_type)
            if build is None or object_id is None:
                return None
            return app.config["BASE_URL"].rstrip("/") + build(object_id)

        result = send_daily_digests(now, link_of=link_of, notices_url=url_for("main.notices", _external=True),
                                    settings_url=url_for("notify_prefs.settings", _external=True))
        db.session.commit()
        return result


def staff_digests(app: Flask, now=None) -> dict[str, int]:
    from .staff_digest import send_staff_digests

    with app.app_context(), _link_context(app):
        result = send_staff_digests(now, urls={
            "entries": url_for("dossier.staff_index", status="submitted", _external=True),
            "orders": url_for("orders.register", _external=True),
            "outbox": url_for("outbox.index", state="failed", _external=True),
            "home": url_for("main.dashboard", _external=True)})
        db.session.commit()
        return result
