"""API tokens: the CLI prints one once and keeps only its hash; a bearer token acts as its user through
the same policy; revoked tokens and blocked users get 401; the web's session cookie is never accepted by
the API (so CSRF has nothing to protect there), and the web pages list, issue and revoke tokens."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import time_machine
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Role, User, UserStatus
from workflow_app.models.api_token import ApiToken
from workflow_app.models.base import utcnow

from .api_client import bearer, issue_token
from .factories import make_user, make_world
from .helpers import login, post_form


def _user(email: str) -> User:
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def _tokens(email: str) -> list[ApiToken]:
    return list(db.session.execute(
        select(ApiToken).join(ApiToken.user).where(User.email == email).order_by(ApiToken.id)).scalars())


def test_cli_creates_lists_and_revokes_and_only_the_hash_is_stored(app, client):
    with app.app_context():
        make_world()
        db.session.commit()
    runner = app.test_cli_runner()
    out = runner.invoke(args=["api-token", "create", "--email", "staff@x.ru", "--name", "Выгрузка в 1С"])
    assert out.exit_code == 0, out.output
    secret = out.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"wfa_[A-Za-z0-9_-]{43}", secret)
    with app.app_context():
        (token,) = _tokens("staff@x.ru")
        assert token.name == "Выгрузка в 1С"
        assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        stored = " ".join(str(getattr(token, c.key)) for c in ApiToken.__table__.columns)
        assert secret not in stored and secret[10:] not in stored  # only a prefix and the hash
        token_id = token.id
        assert db.session.execute(select(AuditEvent).where(AuditEvent.event == "api_token.created")).scalar_one()
    assert client.get("/api/v1/campaigns", headers=bearer(secret)).status_code == 200

    listed = runner.invoke(args=["api-token", "list", "--email", "staff@x.ru"])
    assert listed.exit_code == 0 and "Выгрузка в 1С" in listed.output and secret[:10] in listed.output
    assert secret not in listed.output
    assert "Токенов нет." in runner.invoke(args=["api-token", "list", "--email", "appa@x.ru"]).output

    revoked = runner.invoke(args=["api-token", "revoke", str(token_id)])
    assert revoked.exit_code == 0 and "отозван" in revoked.output
    resp = client.get("/api/v1/campaigns", headers=bearer(secret))
    assert resp.status_code == 401 and "токен" in resp.get_json()["error"]
    assert "отозван" in runner.invoke(args=["api-token", "list"]).output
    # and the mistakes are said in Russian, nothing issued
    bad = runner.invoke(args=["api-token", "create", "--email", "nobody@x.ru", "--name", "x"])
    assert bad.exit_code != 0 and "не найден" in bad.output
    again = runner.invoke(args=["api-token", "revoke", str(token_id)])
    assert again.exit_code != 0 and "уже отозван" in again.output


def test_requests_without_a_valid_token_are_401_json(app, client):
    with app.app_context():
        make_world()
        secret = issue_token("appa@x.ru")
    for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": "Bearer wfa_not-a-token"},
                    {"Authorization": f"Basic {secret}"}, {"Authorization": secret}):
        resp = client.get("/api/v1/entries", headers=headers)
        assert resp.status_code == 401, headers
        assert resp.mimetype == "application/json" and resp.get_json()["fields"] == {}
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/entries", headers=bearer(secret)).status_code == 200


def test_a_blocked_users_tokens_stop_working(app, client):
    with app.app_context():
        make_world()
        secret = issue_token("appa@x.ru")
        _user("appa@x.ru").status = UserStatus.deactivated
        db.session.commit()
    assert client.get("/api/v1/entries", headers=bearer(secret)).status_code == 401
    with app.app_context():
        _user("appa@x.ru").status = UserStatus.active
        db.session.commit()
    assert client.get("/api/v1/entries", headers=bearer(secret)).status_code == 200


def test_last_use_is_recorded_at_most_every_few_minutes(app, client):
    with app.app_context():
        make_world()
        secret = issue_token("appa@x.ru")
        assert _tokens("appa@x.ru")[0].last_used_at is None
    start = utcnow()
    with time_machine.travel(start, tick=False):
        client.get("/api/v1/entries", headers=bearer(secret))
    with app.app_context():
        assert _tokens("appa@x.ru")[0].last_used_at == start
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        client.get("/api/v1/entries", headers=bearer(secret))
    with app.app_context():
        assert _tokens("appa@x.ru")[0].last_used_at == start  # not rewritten a minute later
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        client.get("/api/v1/entries", headers=bearer(secret))
    with app.app_context():
        assert _tokens("appa@x.ru")[0].last_used_at == start + timedelta(minutes=6)


def test_the_web_session_cookie_is_not_accepted_by_the_api(app, client):
    """Signed in to the site, the browser's cookie opens nothing under /api/: no token, 401 — for reads
    and for writes alike, so a forged cross-site POST cannot act (which is why the API needs no CSRF)."""
    with app.app_context():
        w = make_world()
    assert login(client, "appa@x.ru").status_code == 302
    assert client.get("/entries/").status_code == 200  # the session works on the site
    assert client.get("/api/v1/entries").status_code == 401
    resp = client.post(f"/api/v1/campaigns/{w.campaign_id}/entries",
                       json={"organization_id": w.org_a, "track": "ОО"})
    assert resp.status_code == 401 and resp.get_json()["error"].startswith("Нужен действующий токен")
    resp = client.post(f"/api/v1/entries/{w.entry_id}/submit")
    assert resp.status_code == 401
    with app.app_context():
        assert db.session.execute(select(AuditEvent).where(AuditEvent.event == "entry.submit")).first() is None


def test_bearer_requests_need_no_csrf_token(app, client):
    """CSRF is on for the site (a POST without its token is refused) and off for the API's bearer requests."""
    with app.app_context():
        w = make_world()
        secret = issue_token("appa@x.ru")
    assert app.config["WTF_CSRF_ENABLED"]
    resp = client.post(f"/api/v1/entries/{w.entry_id}/submit", headers=bearer(secret))
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["state"] == "submitted"
    login(client, "appa@x.ru")
    refused = client.post(f"/entries/{w.entry_id}/withdraw", data={"reason": "без токена CSRF"})
    assert refused.status_code == 400


# --- the web pages ----------------------------------------------------------------------------------

def test_a_user_issues_sees_once_and_revokes_own_tokens(app, client):
    with app.app_context():
        make_world()
    login(client, "appa@x.ru")
    page = client.get("/account/api-tokens")
    assert page.status_code == 200 and "Токенов пока нет." in page.get_data(as_text=True)
    resp = post_form(client, "/account/api-tokens", {"name": "Учётная система"})
    html = resp.get_data(as_text=True)
    secret = re.search(r'value="(wfa_[^"]+)"', html).group(1)
    assert resp.status_code == 200 and "показывается один раз" in html
    assert resp.headers["Cache-Control"] == "no-store"
    again = client.get("/account/api-tokens").get_data(as_text=True)
    assert "Учётная система" in again and secret not in again and secret[:10] in again
    assert client.get("/api/v1/entries", headers=bearer(secret)).status_code == 200

    empty = post_form(client, "/account/api-tokens", {"name": "  "})
    assert empty.status_code == 422 and "Укажите название токена" in empty.get_data(as_text=True)

    with app.app_context():
        (token,) = _tokens("appa@x.ru")
    resp = post_form(client, f"/api-tokens/{token.id}/revoke", {}, form_url="/account/api-tokens")
    assert resp.status_code == 302
    assert "отозван" in client.get("/account/api-tokens").get_data(as_text=True).lower()
    assert client.get("/api/v1/entries", headers=bearer(secret)).status_code == 401
    with app.app_context():
        from workflow_app.services.platform.audit_journal import describe

        row = db.session.execute(select(AuditEvent).where(AuditEvent.event == "api_token.revoked")).scalar_one()
        assert row.object_type == "user_account" and row.object_id == _user("appa@x.ru").id
        text = str(describe(row))
        assert "Отозван токен API" in text and "Учётная система" in text


def test_others_tokens_are_admins_business_only(app, client):
    with app.app_context():
        make_world()
        make_user("admin@x.ru", Role.admin, name="Администратор")
        db.session.commit()
        issue_token("appb@x.ru", "Токен Б")
        (token_b,) = _tokens("appb@x.ru")
    login(client, "appa@x.ru")
    assert "Токен Б" not in client.get("/account/api-tokens").get_data(as_text=True)
    assert client.get("/admin/api-tokens").status_code == 403
    resp = post_form(client, f"/api-tokens/{token_b.id}/revoke", {}, form_url="/account/api-tokens")
    assert resp.status_code == 403
    client.post("/logout", data={})
    client.delete_cookie("session")

    admin = app.test_client()
    login(admin, "admin@x.ru")
    page = admin.get("/admin/api-tokens?q=Заявитель Б").get_data(as_text=True)
    assert "Токен Б" in page and "appb@x.ru" in page
    assert "Токены API" in admin.get("/").get_data(as_text=True)  # in the admin's menu
    resp = post_form(admin, f"/api-tokens/{token_b.id}/revoke", {"back": "all"}, form_url="/admin/api-tokens")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/api-tokens")
    with app.app_context():
        assert db.session.get(ApiToken, token_b.id).revoked_at is not None
        assert db.session.get(ApiToken, token_b.id).revoked_by_id == _user("admin@x.ru").id


def test_tokens_over_the_api_list_own_and_revoke(app, client):
    with app.app_context():
        make_world()
        mine = issue_token("appa@x.ru", "Мой")
        other = issue_token("appb@x.ru", "Чужой")
        (token_b,) = _tokens("appb@x.ru")
    body = client.get("/api/v1/tokens", headers=bearer(mine)).get_json()
    assert body["total"] == 1 and body["items"][0]["name"] == "Мой" and "token_hash" not in body["items"][0]
    assert client.delete(f"/api/v1/tokens/{token_b.id}", headers=bearer(mine)).status_code == 403
    assert client.delete("/api/v1/tokens/999999", headers=bearer(mine)).status_code == 404
    resp = client.delete(f"/api/v1/tokens/{token_b.id}", headers=bearer(other))
    assert resp.status_code == 200 and resp.get_json()["revoked_at"]
    assert client.get("/api/v1/tokens", headers=bearer(other)).status_code == 401
