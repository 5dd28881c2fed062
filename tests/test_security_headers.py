"""Security headers on every page, cookie flags, the production key check, error pages that say nothing."""
import re

import pytest
from sqlalchemy import select

from workflow_app import audit, create_app
from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Role
from workflow_app.services.platform import passwords

from .factories import make_org, make_user
from .helpers import login


def _check_headers(resp, url):
    h = resp.headers
    csp = h.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp and "style-src 'self'" in csp, url
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
    assert "frame-ancestors 'none'" in csp, url
    assert h.get("X-Frame-Options") == "DENY", url
    assert h.get("X-Content-Type-Options") == "nosniff", url


def _check_html(resp, url):
    html = resp.get_data(as_text=True)
    # CSP forbids inline code and styles; a page that has them is broken in the browser.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"inline <script> on {url}"
    assert not re.search(r"\sstyle=", html), f"style attribute on {url}"
    assert not re.search(r"\son[a-z]+=", html), f"inline event handler on {url}"


def _plain_get_urls(app):
    """Every GET route without URL arguments: pages other areas add are covered too."""
    urls = []
    for r in app.url_map.iter_rules():
        if "GET" in r.methods and not r.arguments and r.endpoint != "static":
            urls.append(r.rule)
    return sorted(urls)


@pytest.fixture
def people(app):
    with app.app_context():
        org = make_org()
        make_user("staff@x.ru", Role.staff, Role.admin)
        make_user("app@x.ru", (Role.applicant, org))
        db.session.commit()


@pytest.mark.slow
def test_every_html_response_has_the_security_headers(app, people):
    pages = 0
    for who in (None, "app@x.ru", "staff@x.ru"):
        client = app.test_client()
        if who:
            login(client, who)
        for url in _plain_get_urls(app) + ["/no-such-page", "/password/reset/dead-token"]:
            resp = client.get(url)
            _check_headers(resp, url)
            if resp.mimetype == "text/html":
                _check_html(resp, url)
                pages += 1
        # A CSRF refusal is a page too.
        resp = client.post("/password/reset", data={"email": "x@x.ru"})
        assert resp.status_code == 400
        _check_headers(resp, "csrf")
    assert pages > 15


def test_static_files_are_not_sniffed(app, client):
    resp = client.get("/static/app.js")
    assert resp.status_code == 200
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_session_and_remember_cookies_are_httponly_and_samesite(app, client, people):
    resp = login(client, "staff@x.ru", remember=True)
    cookies = {c.split("=", 1)[0]: c for c in resp.headers.getlist("Set-Cookie")}
    assert {"session", "remember_token"} <= set(cookies)
    for name in ("session", "remember_token"):
        assert "HttpOnly" in cookies[name], name
        assert "SameSite=Lax" in cookies[name], name


def test_production_refuses_the_default_secret_key(app, monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("BASE_URL", "https://iro.example.ru")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    try:
        with pytest.raises(RuntimeError, match="SECRET_KEY"):
            create_app({"UPLOAD_DIR": str(tmp_path / "u")}, instance_path=str(tmp_path))
        monkeypatch.setenv("SECRET_KEY", "too-short")
        with pytest.raises(RuntimeError, match="SECRET_KEY"):
            create_app({"UPLOAD_DIR": str(tmp_path / "u")}, instance_path=str(tmp_path))
        monkeypatch.setenv("SECRET_KEY", "k" * 64)
        prod = create_app({"UPLOAD_DIR": str(tmp_path / "u")}, instance_path=str(tmp_path))
        assert prod.config["SECRET_KEY"] == "k" * 64
        assert prod.config["SESSION_COOKIE_SECURE"] and prod.config["REMEMBER_COOKIE_SECURE"]
        assert not prod.config["TESTING"] and not prod.debug
    finally:
        passwords.configure(app.config)  # the production app set full-cost hashing


def test_403_and_404_pages_are_russian_and_plain(app, client, people):
    login(client, "app@x.ru")
    resp = client.get("/staff/audit/")
    assert resp.status_code == 403
    html = resp.get_data(as_text=True)
    assert "Доступ запрещён" in html and "audit.view" not in html
    resp = client.get("/no-such-page")
    assert resp.status_code == 404
    assert "Страница не найдена" in resp.get_data(as_text=True)


@pytest.fixture
def crashing_app(app):
    """A second app on the same database with a test-only route that fails mid-transaction."""
    config = dict(app.config, PROPAGATE_EXCEPTIONS=False, TESTING=False)
    crash = create_app(config, instance_path=app.instance_path)

    @crash.route("/__test/crash")
    def boom():
        audit.record("test.before_crash", reason="written, then the request fails")
        db.session.flush()
        raise RuntimeError("secret internals: password=hunter2 at /srv/app/x.py")

    yield crash
    with crash.app_context():
        db.session.remove()
        db.engine.dispose()


def test_500_page_reveals_nothing_and_rolls_back(app, crashing_app):
    resp = crashing_app.test_client().get("/__test/crash")
    assert resp.status_code == 500
    html = resp.get_data(as_text=True)
    assert "Внутренняя ошибка" in html and "Изменения не сохранены" in html
    for leak in ("Traceback", "RuntimeError", "hunter2", "secret internals", "/srv/app"):
        assert leak not in html
    _check_headers(resp, "500")
    with app.app_context():
        assert db.session.execute(
            select(AuditEvent).where(AuditEvent.event == "test.before_crash")).first() is None


def test_a_conflict_found_only_at_commit_keeps_nothing_and_says_so(app):
    """Two rows that break a unique rule only when committed (a race with another request)."""
    from sqlalchemy import func, select

    from workflow_app.models import Municipality, Organization, OrgType

    racing = create_app(dict(app.config), instance_path=app.instance_path)

    @racing.route("/__test/commit-conflict")
    def _commit_conflict():
        muni = db.session.execute(select(Municipality).limit(1)).scalar_one()
        for _ in range(2):
            db.session.add(Organization(org_type=OrgType.OO, full_name="Одинаковая школа", short_name="ОШ",
                                        municipality_id=muni.id))
        return "ok"

    resp = racing.test_client().get("/__test/commit-conflict")
    assert resp.status_code == 409
    assert "одновременно изменил другой пользователь" in resp.get_data(as_text=True)
    assert resp.headers["X-Frame-Options"] == "DENY"
    with app.app_context():
        assert db.session.execute(select(func.count(Organization.id))).scalar_one() == 0
