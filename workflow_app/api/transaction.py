"""The API request's commit: like the web's (one commit after the handler, nothing kept on 4xx/5xx),
but a conflict found at commit time answers with the JSON error, not the web's HTML page."""
from __future__ import annotations

from flask import Flask, g, make_response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from .errors import MESSAGES, is_api_request, payload


def install(app: Flask) -> None:
    # Registered after the web's after_request, so it runs before it (Flask runs them in reverse):
    # the web's commit then finds nothing left to commit.
    @app.after_request
    def commit_api(response):
        if not is_api_request():
            return response
        if response.status_code < 400 and not g.get("rollback_only"):
            try:
                db.session.commit()
            except (IntegrityError, StaleDataError):
                db.session.rollback()
                body, status = payload(MESSAGES[409], 409)
                return make_response(body, status)
        else:
            db.session.rollback()
        return response
