"""Immediate mail or a daily digest: the user's choice on the profile page, mandatory kinds that always go
at once, and the digest job — once per user per day at the configured Moscow hour, even with two
schedulers on PostgreSQL — delivered through a real SMTP server."""
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import AuditEvent, OutboxMessage, Role, User
from workflow_app.models.base import utcnow
from workflow_app.models.notification import MailMode, NotificationSetting
from workflow_app.models.reminder import Reminder
from workflow_app.notifications import kinds
from workflow_app.notifications.dispatch import dispatch_pending
from workflow_app.notifications.jobs import daily_digests
from workflow_app.services.platform import outbox
from workflow_app.timeutil import display_tz

from .factories import make_user
from .helpers import csrf_token, login, post_form


def _moscow(day_offset: int, hour: int) -> datetime:
    today = utcnow().astimezone(display_tz()).date() + timedelta(days=day_offset)
    return datetime(today.year, today.month, today.day, hour, 0, tzinfo=display_tz()).astimezone(UTC)


def _user(app, email, mode: MailMode | None = None) -> int:
    with app.app_context():
        u = make_user(email, Role.expert, name=f"Пользователь {email}")
        if mode is not None:
            db.session.add(NotificationSetting(user_id=u.id, mail_mode=mode))
        db.session.commit()
        return u.id


def _mail(app, uid, key, subject):
    with app.app_context():
        user = db.session.get(User, uid)
        outbox.notify(key, user=user, subject=subject, body=f"Текст: {subject}")
        db.session.commit()


def _reminder(uid: int, offset: int) -> int:
    now = utcnow()
    r = Reminder(kind="review", object_type="review_assignment", object_id=1, recipient_id=uid,
                 offset_days=offset, title="Экспертиза", deadline_at=now, due_at=now)
    db.session.add(r)
    db.session.flush()
    return r.id


def test_each_kind_is_classified_in_one_place(app):
    with app.app_context():
        uid = make_user("k@x.ru", Role.expert).id
        early, last, late = _reminder(uid, -14), _reminder(uid, -1), _reminder(uid, 7)
        expected = {
            "password-reset:1": "account", "invite:2": "account", "entry:5:returned:3:9": "return",
            "reopen:4:2": "return", "entry:5:rejected:2:9": "decision", "entry:5:admitted:2:9": "decision",
            f"reminder:{early}": "reminder", f"reminder:{last}": "overdue", f"reminder:{late}": "overdue",
            "assign:1:2:abc:9": "request", "order:3:visa:1:9": "request", "entry:5:extension:2:9": "progress",
            "group:1:9": "group", "something-new:1": "other",
        }
        for key in expected:
            db.session.add(OutboxMessage(dedup_key=f"email:{key}", channel="email", recipient_email="k@x.ru",
                                         subject=key, body=""))
        db.session.flush()
        got = dict(db.session.execute(select(OutboxMessage.subject, kinds.kind_expr())).all())
        db.session.rollback()
    assert got == expected
    mandatory = {k for k, v in expected.items() if kinds.BY_CODE[v].mandatory}
    assert {"password-reset:1", "entry:5:returned:3:9", "entry:5:rejected:2:9", f"reminder:{late}",
            f"reminder:{last}", "something-new:1"} <= mandatory
    assert f"reminder:{early}" not in mandatory and "assign:1:2:abc:9" not in mandatory


def test_digest_reader_gets_urgent_mail_at_once_and_the_rest_once_a_day(app, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "DIGEST_HOUR", 9)
    reader = _user(app, "digest@x.ru", MailMode.digest)
    plain = _user(app, "plain@x.ru")
    _mail(app, reader, f"assign:1:1:f:{reader}", "Вам предложена заявка ИП-1")
    _mail(app, reader, f"order:7:visa:1:{reader}", "Проект приказа на согласование")
    _mail(app, reader, f"entry:5:returned:2:{reader}", "Заявка ИП-5 возвращена на доработку")
    _mail(app, plain, f"assign:2:1:f:{plain}", "Вам предложена заявка ИП-2")
    with app.app_context():
        assert dispatch_pending()["sent"] == 2
    assert [m["Subject"] for m in smtp_server.to("digest@x.ru")] == ["Заявка ИП-5 возвращена на доработку"]
    assert [m["Subject"] for m in smtp_server.to("plain@x.ru")] == ["Вам предложена заявка ИП-2"]

    assert daily_digests(app, now=_moscow(0, 8)) == {"digests": 0, "items": 0}  # before the hour
    assert daily_digests(app, now=_moscow(0, 9)) == {"digests": 1, "items": 2}
    assert daily_digests(app, now=_moscow(0, 15)) == {"digests": 0, "items": 0}  # once a day
    with app.app_context():
        assert dispatch_pending()["sent"] == 1
    [digest] = smtp_server.to("digest@x.ru")[1:]
    assert digest["Subject"].startswith("Сводка уведомлений за день")
    text = smtp_server.text(digest)
    assert "всего: 2" in text and "Вам предложена заявка ИП-1" in text and "Проект приказа" in text
    assert "/profile/notifications/" in text
    assert "возвращена" not in text  # the urgent one went on its own
    with app.app_context():
        items = db.session.execute(select(OutboxMessage).where(
            OutboxMessage.recipient_id == reader, OutboxMessage.channel == "email",
            OutboxMessage.subject.like("Вам%") | OutboxMessage.subject.like("Проект%"))).scalars().all()
        assert {outbox.state_of(r) for r in items} == {"digest"}

    _mail(app, reader, f"assign:9:1:f:{reader}", "Вам предложена заявка ИП-9")  # after today's digest
    assert daily_digests(app, now=_moscow(0, 20)) == {"digests": 0, "items": 0}
    with app.app_context():
        assert dispatch_pending()["sent"] == 0
    with time_machine.travel(_moscow(1, 9), tick=True):  # tomorrow
        assert daily_digests(app) == {"digests": 1, "items": 1}
        with app.app_context():
            dispatch_pending()
    assert "ИП-9" in smtp_server.text(smtp_server.to("digest@x.ru")[-1])
    assert smtp_server.to("plain@x.ru")[-1]["Subject"] == "Вам предложена заявка ИП-2"  # never digested


def test_switching_back_to_immediate_sends_what_waited(app, client, smtp_server):
    reader = _user(app, "digest@x.ru", MailMode.digest)
    _mail(app, reader, f"assign:1:1:f:{reader}", "Вам предложена заявка ИП-1")
    with app.app_context():
        assert dispatch_pending()["sent"] == 0
    login(client, "digest@x.ru")
    post_form(client, "/profile/notifications/", {"mail_mode": "immediate"})
    with app.app_context():
        assert dispatch_pending()["sent"] == 1
    assert [m["Subject"] for m in smtp_server.to("digest@x.ru")] == ["Вам предложена заявка ИП-1"]


def test_profile_page_sets_the_choice_lists_mandatory_kinds_and_is_audited(app, client):
    uid = _user(app, "u@x.ru")
    login(client, "u@x.ru")
    html = client.get("/profile/notifications/").get_data(as_text=True)
    assert "Раз в день, одной сводкой" in html
    assert re.search(r'<input checked[^>]*value="immediate"', html)  # no row yet: immediate
    mandatory = html[html.index('data-testid="mandatory"'):]
    for label in ("Решения по заявкам", "Возвраты на доработку", "Просроченные сроки", "пароль"):
        assert label in mandatory
    resp = post_form(client, "/profile/notifications/", {"mail_mode": "digest"}, follow_redirects=True)
    assert "Настройки уведомлений сохранены" in resp.get_data(as_text=True)
    bad = client.post("/profile/notifications/", data={"mail_mode": "never",
                                                       "csrf_token": csrf_token(client, "/profile/notifications/")})
    assert bad.status_code == 422 and "Not a valid choice" not in bad.get_data(as_text=True)
    assert client.post("/profile/notifications/", data={"mail_mode": "immediate"}).status_code == 400  # CSRF
    with app.app_context():
        setting = db.session.execute(
            select(NotificationSetting).where(NotificationSetting.user_id == uid)).scalar_one()
        assert setting.mail_mode == MailMode.digest
        ev = db.session.execute(select(AuditEvent).where(AuditEvent.event == "notification.mail_mode")).scalar_one()
        assert ev.object_id == uid and ev.payload["to"] == MailMode.digest.value


@pytest.mark.postgres_only
def test_two_schedulers_at_once_make_one_digest_per_user(app, smtp_server):
    users = [_user(app, f"d{i}@x.ru", MailMode.digest) for i in range(5)]
    for uid in users:
        for n in range(3):
            _mail(app, uid, f"assign:{n}:1:f:{uid}", f"Заявка {n}")
    when = _moscow(0, 12)
    results, errors = [], []
    start = threading.Barrier(2)

    def run():
        try:
            start.wait()
            results.append(daily_digests(app, now=when))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(r["digests"] for r in results) == [0, 5]
    with app.app_context():
        dispatch_pending()
    for i in range(5):
        [digest] = smtp_server.to(f"d{i}@x.ru")
        assert "всего: 3" in smtp_server.text(digest)


def test_the_scheduler_runs_both_digest_jobs():
    from workflow_app.scheduler import runner

    assert {"daily_digest", "staff_digest", "dispatch_outbox"} <= set(runner.JOBS)
    assert runner.JOBS["daily_digest"][0] <= 3600  # checked often enough to go out soon after the hour


def test_staff_queue_shows_mail_waiting_for_a_digest(app, client):
    reader = _user(app, "digest@x.ru", MailMode.digest)
    _mail(app, reader, f"assign:1:1:f:{reader}", "Вам предложена заявка ИП-1")
    _mail(app, reader, f"entry:5:returned:2:{reader}", "Заявка ИП-5 возвращена на доработку")
    with app.app_context():
        make_user("staff@x.ru", Role.staff)
        db.session.commit()
    login(client, "staff@x.ru")
    held = client.get("/staff/outbox/?state=held").get_data(as_text=True)
    assert "Вам предложена заявка ИП-1" in held and "Ждёт сводки" in held and "ИП-5" not in held
    pending = client.get("/staff/outbox/?state=pending").get_data(as_text=True)
    assert "ИП-5 возвращена" in pending and "ИП-1" not in pending
