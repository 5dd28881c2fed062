"""Delivery against a real SMTP server (aiosmtpd): a server that is stopped and started again, one that
answers 4xx or 5xx, a sender killed while the server takes the message. Retries with backoff, dead letters
on the staff page with «Отправить повторно», never a loss and never a second copy sent on its own."""
import os
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import AuditEvent, OutboxMessage, Role
from workflow_app.models.base import utcnow
from workflow_app.notifications import dispatch
from workflow_app.notifications.dispatch import MAX_ATTEMPTS, SENDING_LEASE, backoff, dispatch_pending
from workflow_app.services.platform import outbox

from .factories import make_user
from .helpers import login, post_form

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _queue(app, key="m1", to="a@x.ru"):
    with app.app_context():
        row = outbox.queue_email(key, email=to, subject=f"Письмо {key}", body="Текст письма")
        db.session.commit()
        return row.id


def _row(app, rid) -> OutboxMessage:
    with app.app_context():
        row = db.session.get(OutboxMessage, rid)
        db.session.expunge(row)
        return row


def _time_passes(app, rid):
    """The backoff has run out: the row is due again."""
    with app.app_context():
        db.session.get(OutboxMessage, rid).next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()


def test_stopped_server_means_retry_with_backoff_then_delivery_once(app, smtp_server):
    rid = _queue(app)
    smtp_server.stop()
    with app.app_context():
        before = utcnow()
        assert dispatch_pending() == {"sent": 0, "failed": 1}
        assert dispatch_pending() == {"sent": 0, "failed": 0}  # not due again before its backoff
    row = _row(app, rid)
    assert row.sent_at is None and not row.failed and row.attempts == 1
    assert "Почтовый сервер недоступен" in row.last_error
    assert row.next_attempt_at >= before + backoff(1)

    _time_passes(app, rid)
    with app.app_context():
        assert dispatch_pending() == {"sent": 0, "failed": 1}
    row = _row(app, rid)
    assert row.attempts == 2 and row.next_attempt_at - utcnow() > backoff(1)  # the wait grows

    smtp_server.start()
    _time_passes(app, rid)
    with app.app_context():
        assert dispatch_pending() == {"sent": 1, "failed": 0}
        assert dispatch_pending() == {"sent": 0, "failed": 0}
    assert [m["Subject"] for m in smtp_server.to("a@x.ru")] == ["Письмо m1"]
    assert _row(app, rid).sent_at is not None


def test_server_down_through_every_attempt_gives_a_dead_letter_staff_can_resend(app, client, smtp_server):
    rid = _queue(app, "lost", "lost@x.ru")
    with app.app_context():
        make_user("staff@x.ru", Role.staff)
        db.session.commit()
    smtp_server.stop()
    for _ in range(MAX_ATTEMPTS):
        _time_passes(app, rid)
        with app.app_context():
            dispatch_pending()
    row = _row(app, rid)
    assert row.failed and row.attempts == MAX_ATTEMPTS and row.sent_at is None
    _time_passes(app, rid)
    with app.app_context():
        assert dispatch_pending() == {"sent": 0, "failed": 0}  # a dead letter is not tried again on its own

    login(client, "staff@x.ru")
    html = client.get("/staff/outbox/?state=failed").get_data(as_text=True)
    assert f'data-outbox-id="{rid}"' in html and "Не доставлено" in html
    assert "Почтовый сервер недоступен" in html and ">Отправить повторно</button>" in html

    smtp_server.start()
    resp = post_form(client, f"/staff/outbox/{rid}/retry", {}, form_url="/staff/outbox/?state=failed",
                     follow_redirects=True)
    assert "снова поставлено в очередь" in resp.get_data(as_text=True)
    with app.app_context():
        ev = db.session.execute(select(AuditEvent).where(AuditEvent.event == "outbox.retry")).scalar_one()
        assert ev.object_id == rid and ev.payload["attempts"] == MAX_ATTEMPTS
        assert "недоступен" in ev.payload["last_error"]
        assert dispatch_pending() == {"sent": 1, "failed": 0}
    assert len(smtp_server.to("lost@x.ru")) == 1


def test_temporary_refusal_4xx_is_retried(app, smtp_server):
    rid = _queue(app)
    smtp_server.reply = "451 4.3.0 Mailbox temporarily unavailable"
    with app.app_context():
        assert dispatch_pending() == {"sent": 0, "failed": 1}
    row = _row(app, rid)
    assert not row.failed and row.sending_at is None and "Временный отказ сервера 451" in row.last_error
    smtp_server.reply = ""
    _time_passes(app, rid)
    with app.app_context():
        assert dispatch_pending()["sent"] == 1
    assert len(smtp_server.messages) == 1


def test_permanent_refusal_5xx_is_a_dead_letter_at_once(app, client, smtp_server):
    rid = _queue(app, "bad", "nobody@x.ru")
    other = _queue(app, "good", "b@x.ru")
    smtp_server.reply = "550 5.1.1 No such user here"
    with app.app_context():
        result = dispatch_pending()
    assert result == {"sent": 0, "failed": 2}
    row = _row(app, rid)
    assert row.failed and row.attempts == 1
    assert "Окончательный отказ сервера 550" in row.last_error and "No such user" in row.last_error
    smtp_server.reply = ""
    with app.app_context():
        make_user("staff@x.ru", Role.staff)
        db.session.commit()
        assert db.session.get(OutboxMessage, other).failed  # the same answer for it
    login(client, "staff@x.ru")
    html = client.get("/staff/outbox/?state=failed").get_data(as_text=True)
    assert "No such user here" in html


_CHILD = """
import sys
from workflow_app import create_app
from workflow_app.config import TestConfig
from workflow_app.notifications.dispatch import dispatch_pending
cfg = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
cfg.update(SQLALCHEMY_DATABASE_URI=sys.argv[1], SMTP_HOST="127.0.0.1", SMTP_PORT=int(sys.argv[2]))
app = create_app(cfg, instance_path=sys.argv[3])
with app.app_context():
    print(dispatch_pending(), flush=True)
"""


def test_sender_killed_while_the_server_takes_the_message_never_sends_it_twice(app, client, smtp_server, tmp_path):
    """At most once: the row was marked «sending» before the hand-over, so after the crash it is not sent
    again on its own; once the lease is over it shows as «Не доставлено» with the reason, for a person."""
    rid = _queue(app, "decision", "d@x.ru")
    with app.app_context():
        make_user("staff@x.ru", Role.staff)
        db.session.commit()
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, app.config["SQLALCHEMY_DATABASE_URI"], str(smtp_server.port),
         str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    smtp_server.on_data = lambda msg: os.kill(child.pid, signal.SIGKILL)  # dies before it hears «250»
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    smtp_server.on_data = None
    assert len(smtp_server.to("d@x.ru")) == 1  # the server has it

    row = _row(app, rid)
    assert row.sending_at is not None and row.sent_at is None and row.attempts == 1
    with app.app_context():
        assert dispatch_pending() == {"sent": 0, "failed": 0}  # the next run leaves it alone
        assert dispatch.recover_interrupted(now=utcnow() + SENDING_LEASE + timedelta(minutes=1)) == 1
        assert dispatch_pending() == {"sent": 0, "failed": 0}
    assert len(smtp_server.to("d@x.ru")) == 1  # never a second copy on its own
    row = _row(app, rid)
    assert row.failed and row.sending_at is None and "Неизвестно, получил ли его адресат" in row.last_error

    login(client, "staff@x.ru")
    html = client.get("/staff/outbox/?state=failed").get_data(as_text=True)
    assert f'data-outbox-id="{rid}"' in html and "Письмо могло уже дойти до адресата" in html


@pytest.mark.postgres_only
def test_two_dispatchers_at_once_send_each_message_once(app, smtp_server):
    """PostgreSQL: rows are claimed with SKIP LOCKED and marked «sending» before the hand-over."""
    import threading

    for i in range(12):
        _queue(app, f"c{i}", f"c{i}@x.ru")
    smtp_server.delay = 0.05
    results = []

    def run():
        with app.app_context():
            results.append(dispatch_pending())

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(r["sent"] for r in results) == 12
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(f"c{i}@x.ru" for i in range(12))
