"""Signing in and out, CSRF, remember-me, password change, rate limit, open redirects."""
import time

import pytest
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Role, User, UserStatus
from workflow_app.services.platform.passwords import verify_password

from .factories import PASSWORD, make_user
from .helpers import csrf_token, login, post_form

NEW_PASSWORD = "new-secret-22"


def _user(app, email="u@x.ru", *roles):
    with app.app_context():
        user = make_user(email, *(roles or (Role.staff,)))
        db.session.commit()
        return user.id


def _events(app, event=None):
    with app.app_context():
        stmt = select(AuditEvent).order_by(AuditEvent.id)
        if event:
            stmt = stmt.where(AuditEvent.event == event)
        return db.session.execute(stmt).scalars().all()


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


def test_login_then_logout_with_csrf(app, client):
    uid = _user(app)
    assert login(client, "u@x.ru").status_code == 302
    assert _signed_in(client)
    resp = post_form(client, "/logout", {}, form_url="/")
    assert resp.status_code == 302 and resp.location.endswith("/login")
    assert not _signed_in(client)
    assert [(e.event, e.actor_id) for e in _events(app)] == [("auth.login", uid), ("auth.logout", uid)]


def test_logout_is_post_only(app, client):
    _user(app)
    login(client, "u@x.ru")
    resp = client.get("/logout")
    assert resp.status_code == 405
    assert "Действие недоступно" in resp.get_data(as_text=True)
    assert _signed_in(client)


def test_post_without_csrf_token_is_refused_and_changes_nothing(app, client):
    uid = _user(app)
    login(client, "u@x.ru")
    # Logout without a token: still signed in.
    resp = client.post("/logout")
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "Форма устарела" in page and "обновите страницу" in page
    assert _signed_in(client)
    # Password change without a token: the password stays.
    resp = client.post("/password", data={"current": PASSWORD, "password": NEW_PASSWORD,
                                          "repeat": NEW_PASSWORD})
    assert resp.status_code == 400
    with app.app_context():
        user = db.session.get(User, uid)
        assert verify_password(user.password_hash, PASSWORD)
        assert user.session_epoch == 0
    # A login with a forged token signs nobody in and writes nothing.
    anon = app.test_client()
    resp = anon.post("/login", data={"csrf_token": "forged", "email": "u@x.ru", "password": PASSWORD})
    assert resp.status_code == 400
    assert not _signed_in(anon)
    assert [e.event for e in _events(app)] == ["auth.login"]


def test_remember_me_cookie_signs_in_a_new_client(app, client):
    _user(app)
    resp = login(client, "u@x.ru", remember=True)
    cookies = {c.split("=", 1)[0]: c for c in resp.headers.getlist("Set-Cookie")}
    assert "remember_token" in cookies
    assert "HttpOnly" in cookies["remember_token"] and "SameSite=Lax" in cookies["remember_token"]
    token = client.get_cookie("remember_token").value

    fresh = app.test_client()
    fresh.set_cookie("remember_token", token)
    assert _signed_in(fresh)

    without = app.test_client()
    assert not _signed_in(without)


def test_login_without_remember_sets_no_remember_cookie(app, client):
    _user(app)
    login(client, "u@x.ru")
    assert client.get_cookie("remember_token") is None


def test_change_password_wrong_current_is_refused_in_russian(app, client):
    uid = _user(app)
    login(client, "u@x.ru")
    resp = post_form(client, "/password", {"current": "not-my-password1", "password": NEW_PASSWORD,
                                           "repeat": NEW_PASSWORD})
    assert resp.status_code == 422
    assert "Текущий пароль введён неверно" in resp.get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, uid)
        assert verify_password(user.password_hash, PASSWORD)
        assert user.session_epoch == 0
    assert _events(app, "auth.password_changed") == []


def test_change_password_weak_or_mismatched_is_refused(app, client):
    uid = _user(app)
    login(client, "u@x.ru")
    resp = post_form(client, "/password", {"current": PASSWORD, "password": "abcdefghij",
                                           "repeat": "abcdefghij"})
    assert resp.status_code == 422
    assert "и буквы, и цифры" in resp.get_data(as_text=True)
    resp = post_form(client, "/password", {"current": PASSWORD, "password": NEW_PASSWORD,
                                           "repeat": NEW_PASSWORD + "x"})
    assert "Пароли не совпадают" in resp.get_data(as_text=True)
    with app.app_context():
        assert verify_password(db.session.get(User, uid).password_hash, PASSWORD)


def test_change_password_signs_out_other_sessions_and_remember_cookies(app, client):
    uid = _user(app)
    other = app.test_client()
    login(other, "u@x.ru")
    remembered = app.test_client()
    login(remembered, "u@x.ru", remember=True)
    token = remembered.get_cookie("remember_token").value
    login(client, "u@x.ru")

    resp = post_form(client, "/password", {"current": PASSWORD, "password": NEW_PASSWORD,
                                           "repeat": NEW_PASSWORD})
    assert resp.status_code == 302
    assert _signed_in(client)  # this session carries on
    assert not _signed_in(other)
    only_cookie = app.test_client()
    only_cookie.set_cookie("remember_token", token)
    assert not _signed_in(only_cookie)

    with app.app_context():
        user = db.session.get(User, uid)
        assert verify_password(user.password_hash, NEW_PASSWORD)
        assert user.session_epoch == 1
    assert [e.actor_id for e in _events(app, "auth.password_changed")] == [uid]
    fresh = app.test_client()
    assert login(fresh, "u@x.ru", PASSWORD).status_code == 400
    assert login(fresh, "u@x.ru", NEW_PASSWORD).status_code == 302


def test_rate_limit_per_account(app, client):
    _user(app)
    for _ in range(5):
        resp = login(client, "u@x.ru", "wrong-password-1")
        assert resp.status_code == 400
    resp = login(client, "u@x.ru", PASSWORD)  # the right password, refused all the same
    assert resp.status_code == 429
    assert "Слишком много неудачных попыток" in resp.get_data(as_text=True)
    assert not _signed_in(client)
    failed = _events(app, "auth.login_failed")
    assert len(failed) == 6
    assert {e.subject for e in failed} == {"u@x.ru"}
    assert [e.reason for e in failed][-1] == "rate limited"
    assert all(e.ip == "127.0.0.1" for e in failed)
    assert _events(app, "auth.login") == []


def test_rate_limit_per_address_across_accounts(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ATTEMPTS_PER_IP_PER_MINUTE", 5)
    _user(app, "victim@x.ru")
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "10.0.0.1"
    for i in range(5):
        login(attacker, f"nobody{i}@x.ru", "wrong-password-1")
    resp = login(attacker, "victim@x.ru", PASSWORD)
    assert resp.status_code == 429
    assert "Слишком много неудачных попыток" in resp.get_data(as_text=True)
    # The account itself was not attacked: from another address it signs in.
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    assert login(owner, "victim@x.ru", PASSWORD).status_code == 302
    failed = _events(app, "auth.login_failed")
    assert len(failed) == 6 and {e.ip for e in failed} == {"10.0.0.1"}


def test_rate_limit_window(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_WINDOW_SECONDS", 2)
    _user(app)
    for _ in range(5):
        login(client, "u@x.ru", "wrong-password-1")
    assert login(client, "u@x.ru", PASSWORD).status_code == 429
    time.sleep(2.1)  # the window is over: the failures are old
    assert login(client, "u@x.ru", PASSWORD).status_code == 302


def test_deactivated_account_cannot_log_in(app, client):
    uid = _user(app)
    with app.app_context():
        db.session.get(User, uid).status = UserStatus.deactivated
        db.session.commit()
    resp = login(client, "u@x.ru", PASSWORD)
    assert resp.status_code == 400
    assert "Учётная запись заблокирована" in resp.get_data(as_text=True)
    assert not _signed_in(client)
    assert [e.reason for e in _events(app, "auth.login_failed")] == ["account deactivated"]


def test_deactivation_ends_an_open_session(app, client):
    uid = _user(app)
    login(client, "u@x.ru")
    with app.app_context():
        db.session.get(User, uid).status = UserStatus.deactivated
        db.session.commit()
    assert not _signed_in(client)


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example",
    "http:/evil.example", "/\t/evil.example", "javascript:alert(1)",
])
def test_open_redirect_via_next_is_ignored(app, client, target):
    _user(app)
    token = csrf_token(client, "/login")
    resp = client.post("/login", query_string={"next": target},
                       data={"csrf_token": token, "email": "u@x.ru", "password": PASSWORD})
    assert resp.status_code == 302
    assert resp.location == "/"


def test_next_on_this_site_is_followed(app, client):
    _user(app)
    page = client.get("/notices")  # a signed-out visit sends to the login page with next=
    assert page.status_code == 302 and "next=" in page.location
    token = csrf_token(client, "/login")
    resp = client.post("/login?next=/notices?page=2",
                       data={"csrf_token": token, "email": "u@x.ru", "password": PASSWORD})
    assert resp.location == "/notices?page=2"


def test_special_use_domain_and_padded_address_sign_in(app, client):
    """The demo accounts live at iro.local; people paste addresses with spaces and capitals."""
    uid = _user(app, "admin@iro.local")
    assert login(client, "  Admin@IRO.local ").status_code == 302
    assert [e.actor_id for e in _events(app, "auth.login")] == [uid]
