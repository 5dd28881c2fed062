"""Sign-in throttling in the store all workers share (Redis, as in production and CI)."""
import threading
import uuid

import pytest
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Role

from .factories import PASSWORD, make_user
from .helpers import csrf_token, login

REDIS = "redis://127.0.0.1:6379"


@pytest.fixture
def shared_store(app, monkeypatch):
    """The app counting in the real Redis, under a key prefix of this test's own."""
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis unreachable at {REDIS} ({exc}) — SKIPPED")
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", REDIS)
    monkeypatch.setitem(app.config, "RATELIMIT_KEY_PREFIX", f"test-{uuid.uuid4().hex}")
    return app


def _users(app, *emails):
    with app.app_context():
        for email in emails:
            make_user(email, Role.staff)
        db.session.commit()


def _password_checks(app, email):
    """How many attempts reached the password check (refused ones are audited as «rate limited»)."""
    with app.app_context():
        reasons = db.session.execute(select(AuditEvent.reason).where(
            AuditEvent.event.in_(("auth.login_failed", "auth.login")), AuditEvent.subject == email)).scalars()
        return sum(1 for r in reasons if r != "rate limited")


@pytest.mark.commits
@pytest.mark.postgres_only  # 30 writers at once: SQLite would only say «database is locked»
def test_parallel_guesses_check_at_most_the_allowed_passwords(shared_store):
    app = shared_store
    _users(app, "target@x.ru")
    limit = app.config["LOGIN_FAILURES_PER_MINUTE"]
    clients = []
    for i in range(30):  # 30 browsers (as if 30 worker processes): each has its own session and token
        c = app.test_client()
        c.environ_base["REMOTE_ADDR"] = f"10.1.0.{i + 1}"
        clients.append((c, csrf_token(c, "/login")))
    codes: list[int] = []
    start = threading.Barrier(len(clients))

    def guess(c, token, n):
        start.wait()
        resp = c.post("/login", data={"csrf_token": token, "email": "target@x.ru", "password": f"guess-{n}-x1"})
        codes.append(resp.status_code)

    threads = [threading.Thread(target=guess, args=(c, t, n)) for n, (c, t) in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [400] * limit + [429] * (30 - limit)
    assert _password_checks(app, "target@x.ru") == limit
    # Even the right password now waits for the window to pass.
    resp = login(app.test_client(), "target@x.ru", PASSWORD)
    assert resp.status_code == 429
    assert "Слишком много неудачных попыток входа" in resp.get_data(as_text=True)


def test_locked_address_lets_a_known_device_sign_in(shared_store, monkeypatch):
    app = shared_store
    monkeypatch.setitem(app.config, "LOGIN_ATTEMPTS_PER_IP_PER_MINUTE", 5)
    _users(app, "teacher@x.ru", "head@x.ru")
    office = "10.2.0.1"  # one school's NAT: the attacker and the teachers share it
    teacher = app.test_client()
    teacher.environ_base["REMOTE_ADDR"] = office
    assert login(teacher, "teacher@x.ru").status_code == 302  # signed in here before: a known device
    teacher.post("/logout", data={"csrf_token": csrf_token(teacher, "/")})

    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = office
    for i in range(6):
        login(attacker, f"guess{i}@x.ru", "wrong-password-1")
    locked = login(attacker, "head@x.ru", PASSWORD)  # a browser unknown for this account: the address lock
    assert locked.status_code == 429
    assert "Слишком много неудачных попыток входа" in locked.get_data(as_text=True)

    assert login(teacher, "teacher@x.ru").status_code == 302  # the known device passes the address lock
    # ...but the cookie vouches only for its own account, and never for the account's own limit.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = office
    other.set_cookie(app.config["LOGIN_DEVICE_COOKIE"], teacher.get_cookie(app.config["LOGIN_DEVICE_COOKIE"]).value)
    assert login(other, "head@x.ru", PASSWORD).status_code == 429
    for _ in range(5):
        login(other, "teacher@x.ru", "wrong-password-1")
    assert login(other, "teacher@x.ru", PASSWORD).status_code == 429


def test_forged_device_cookie_does_not_pass(shared_store, monkeypatch):
    app = shared_store
    monkeypatch.setitem(app.config, "LOGIN_ATTEMPTS_PER_IP_PER_MINUTE", 2)
    _users(app, "a@x.ru")
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = "10.3.0.1"
    c.set_cookie(app.config["LOGIN_DEVICE_COOKIE"], "WzFd.forged.signature")
    for _ in range(2):
        login(c, "nobody@x.ru", "wrong-password-1")
    assert login(c, "a@x.ru").status_code == 429
