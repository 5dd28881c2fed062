"""Password reset end to end through the outbox and a real SMTP server; the dispatcher's guarantees."""
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Channel, OutboxMessage, PasswordResetToken, Role, User
from workflow_app.models.base import utcnow
from workflow_app.notifications.dispatch import MAX_ATTEMPTS, dispatch_pending
from workflow_app.services.platform import outbox
from workflow_app.services.platform.passwords import verify_password

from .factories import PASSWORD, make_user
from .helpers import login, post_form

NEW_PASSWORD = "brand-new-7"
SENT_NOTE = "Если такой адрес зарегистрирован, на него отправлено письмо"
LINK = re.compile(r"http://\S+/password/reset/(\S+)")


def _request_reset(client, email):
    return post_form(client, "/password/reset", {"email": email}, follow_redirects=True)


def _outbox(app):
    with app.app_context():
        return db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()


def _dispatch(app):
    with app.app_context():
        return dispatch_pending()


def test_reset_end_to_end_over_smtp(app, client, smtp_server):
    with app.app_context():
        uid = make_user("r@x.ru", Role.staff, name="Петрова Анна Сергеевна").id
        db.session.commit()
    resp = _request_reset(client, "R@X.ru ")
    assert SENT_NOTE in resp.get_data(as_text=True)

    # The outbox row was committed with the request; nothing is sent until the dispatcher runs.
    [row] = _outbox(app)
    assert row.channel == Channel.email and row.recipient_email == "r@x.ru" and row.sent_at is None
    assert smtp_server.messages == []
    assert _dispatch(app) == {"sent": 1, "failed": 0}

    [msg] = smtp_server.messages
    assert msg["To"] == "r@x.ru" and msg["Subject"] == "Восстановление пароля"
    body = smtp_server.text(msg)
    assert "Петрова Анна Сергеевна" in body
    url = LINK.search(body).group(0)
    path = "/password/reset/" + LINK.search(body).group(1)
    assert url.endswith(path)
    [row] = _outbox(app)
    assert row.sent_at is not None and row.attempts == 1

    # The link works once.
    assert client.get(path).status_code == 200
    resp = post_form(client, path, {"password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert resp.status_code == 302 and resp.location.endswith("/login")
    with app.app_context():
        user = db.session.get(User, uid)
        assert verify_password(user.password_hash, NEW_PASSWORD)
        assert user.session_epoch == 1
    assert login(app.test_client(), "r@x.ru", NEW_PASSWORD).status_code == 302

    again = client.get(path)
    assert again.status_code == 400
    assert "недействительна или устарела" in again.get_data(as_text=True)

    with app.app_context():
        events = db.session.execute(select(AuditEvent.event).order_by(AuditEvent.id)).scalars().all()
    assert events == ["auth.reset_requested", "auth.password_reset", "auth.login"]
    assert _dispatch(app) == {"sent": 0, "failed": 0}  # never sent twice
    assert len(smtp_server.messages) == 1


def test_reset_link_expires_after_ttl(app, client, smtp_server):
    with app.app_context():
        uid = make_user("r@x.ru", Role.staff).id
        db.session.commit()
    _request_reset(client, "r@x.ru")
    _dispatch(app)
    path = "/password/reset/" + LINK.search(smtp_server.text(smtp_server.messages[0])).group(1)
    with app.app_context():
        token = db.session.execute(select(PasswordResetToken)).scalar_one()
        ttl = app.config["PASSWORD_RESET_TTL_MINUTES"]
        assert abs((token.expires_at - token.created_at) - timedelta(minutes=ttl)) < timedelta(seconds=1)
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    resp = client.get(path)
    assert resp.status_code == 400
    assert "недействительна или устарела" in resp.get_data(as_text=True)
    resp = client.post(path, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert resp.status_code == 400
    with app.app_context():
        assert verify_password(db.session.get(User, uid).password_hash, PASSWORD)


def test_reset_mismatch_keeps_link_usable(app, client, smtp_server):
    with app.app_context():
        make_user("r@x.ru", Role.staff)
        db.session.commit()
    _request_reset(client, "r@x.ru")
    _dispatch(app)
    path = "/password/reset/" + LINK.search(smtp_server.text(smtp_server.messages[0])).group(1)
    resp = post_form(client, path, {"password": "short", "repeat": "short"})
    assert resp.status_code == 200 and "Не менее 8 символов" in resp.get_data(as_text=True)
    assert post_form(client, path, {"password": NEW_PASSWORD, "repeat": NEW_PASSWORD}).status_code == 302


def test_reset_for_unknown_email_says_the_same_and_sends_nothing(app, client, smtp_server):
    resp = _request_reset(client, "ghost@x.ru")
    assert SENT_NOTE in resp.get_data(as_text=True)
    assert _outbox(app) == []
    assert _dispatch(app) == {"sent": 0, "failed": 0}
    assert smtp_server.messages == []
    with app.app_context():
        row = db.session.execute(select(AuditEvent)).scalar_one()
    assert (row.event, row.subject, row.object_id) == ("auth.reset_requested", "ghost@x.ru", None)


def test_using_one_link_spends_the_others(app, client, smtp_server):
    with app.app_context():
        make_user("r@x.ru", Role.staff)
        db.session.commit()
    _request_reset(client, "r@x.ru")
    _request_reset(client, "r@x.ru")
    _dispatch(app)
    first, second = ("/password/reset/" + LINK.search(smtp_server.text(m)).group(1)
                     for m in smtp_server.messages)
    assert post_form(client, second, {"password": NEW_PASSWORD, "repeat": NEW_PASSWORD}).status_code == 302
    assert client.get(first).status_code == 400


def test_reset_mails_per_address_are_limited(app, client, smtp_server):
    with app.app_context():
        make_user("r@x.ru", Role.staff)
        db.session.commit()
    for _ in range(5):
        resp = _request_reset(client, "r@x.ru")
        assert SENT_NOTE in resp.get_data(as_text=True)  # the page says the same every time
    assert len(_outbox(app)) == 3
    with app.app_context():
        reasons = db.session.execute(select(AuditEvent.reason).where(
            AuditEvent.event == "auth.reset_requested").order_by(AuditEvent.id)).scalars().all()
    assert reasons == ["", "", "", "limit reached, no mail", "limit reached, no mail"]


def _queue(app, n=1, prefix="m"):
    with app.app_context():
        for i in range(n):
            outbox.queue_email(f"{prefix}-{i}", email=f"{prefix}{i}@x.ru", subject=f"Тема {i}",
                               body="Текст письма")
        db.session.commit()


def test_smtp_down_keeps_row_pending_with_backoff_then_sends(app, smtp_server):
    _queue(app, 2)
    before = utcnow()
    with smtp_server.down():
        assert _dispatch(app) == {"sent": 0, "failed": 1}  # unreachable: the run stops there
    first, second = _outbox(app)
    assert first.sent_at is None and not first.failed
    assert first.attempts == 1
    assert "ConnectionRefusedError" in first.last_error
    assert before + timedelta(seconds=59) <= first.next_attempt_at <= utcnow() + timedelta(minutes=1)
    assert second.attempts == 0  # waits for the next run

    # Back up: the due row goes now, the backed-off one waits its turn.
    assert _dispatch(app) == {"sent": 1, "failed": 0}
    assert [m["To"] for m in smtp_server.messages] == ["m1@x.ru"]
    with app.app_context():
        row = db.session.get(OutboxMessage, first.id)
        row.next_attempt_at = utcnow() - timedelta(seconds=1)  # its minute has passed
        db.session.commit()
    assert _dispatch(app) == {"sent": 1, "failed": 0}
    first, second = _outbox(app)
    assert first.sent_at is not None and first.attempts == 2 and first.last_error == ""
    assert sorted(m["To"] for m in smtp_server.messages) == ["m0@x.ru", "m1@x.ru"]


def test_backoff_grows_and_gives_up_after_max_attempts(app, smtp_server):
    _queue(app, 1)
    gaps = []
    with smtp_server.down():
        for _ in range(MAX_ATTEMPTS):
            t0 = utcnow()
            _dispatch(app)
            [row] = _outbox(app)
            gaps.append(round((row.next_attempt_at - t0).total_seconds() / 60))
            with app.app_context():
                db.session.get(OutboxMessage, row.id).next_attempt_at = utcnow()
                db.session.commit()
    assert gaps == [1, 2, 4, 8, 16, 32, 64, 128]
    [row] = _outbox(app)
    assert row.failed and row.attempts == MAX_ATTEMPTS and row.sent_at is None
    assert _dispatch(app) == {"sent": 0, "failed": 0}  # given up: only a person puts it back


def test_dispatch_twice_sends_each_message_once(app, smtp_server):
    _queue(app, 3)
    assert _dispatch(app) == {"sent": 3, "failed": 0}
    assert _dispatch(app) == {"sent": 0, "failed": 0}
    assert sorted(m["To"] for m in smtp_server.messages) == ["m0@x.ru", "m1@x.ru", "m2@x.ru"]
    ids = {m["Message-ID"] for m in smtp_server.messages}
    assert len(ids) == 3


def test_queueing_the_same_notice_twice_is_a_noop(app, smtp_server):
    _queue(app, 1)
    _queue(app, 1)  # a later transaction
    with app.app_context():
        a = outbox.queue_email("same", email="s@x.ru", subject="Одно", body="Раз")
        b = outbox.queue_email("same", email="s@x.ru", subject="Одно", body="Раз")  # same transaction
        assert a is b
        db.session.commit()
    assert len(_outbox(app)) == 2
    _dispatch(app)
    assert sorted(m["To"] for m in smtp_server.messages) == ["m0@x.ru", "s@x.ru"]


def test_row_without_address_fails_at_once(app, smtp_server):
    with app.app_context():
        user = make_user("n@x.ru", Role.staff)
        user.email = ""
        outbox.queue_email("no-address", user=user, subject="Тема", body="Текст")
        db.session.commit()
    assert _dispatch(app) == {"sent": 0, "failed": 1}
    [row] = _outbox(app)
    assert row.failed and "Не указан адрес получателя" in row.last_error
    assert smtp_server.messages == []


@pytest.mark.postgres_only
def test_two_concurrent_dispatchers_send_each_message_exactly_once(app, smtp_server):
    n = 24
    _queue(app, n)
    smtp_server.delay = 0.02  # each delivery takes a moment, so the two runs overlap
    start = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            with app.app_context():
                start.wait(timeout=10)
                results.append(dispatch_pending())
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sum(r["sent"] for r in results) == n
    assert all(r["sent"] > 0 for r in results), results  # both really worked the queue at once
    to = sorted(m["To"] for m in smtp_server.messages)
    assert to == sorted(f"m{i}@x.ru" for i in range(n))  # each exactly once
    assert all(r.sent_at is not None and r.attempts == 1 for r in _outbox(app))
