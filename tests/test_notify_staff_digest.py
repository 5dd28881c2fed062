"""The staff's daily digest: counts of what waits for them with links, once a day, nobody gets an empty one;
an approver hears of their own visas only."""
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import OutboxMessage, Role
from workflow_app.models.base import utcnow
from workflow_app.models.competition import Campaign, Entry, EntryStatus, Organization
from workflow_app.models.orders import Order, OrderApproval, OrderKind, OrderStatus
from workflow_app.notifications.dispatch import dispatch_pending
from workflow_app.notifications.jobs import staff_digests
from workflow_app.timeutil import display_tz

from .factories import accepted, make_entry, make_expert, make_user, make_world, review_stage


def _at(hour: int) -> datetime:
    today = utcnow().astimezone(display_tz()).date()
    return datetime(today.year, today.month, today.day, hour, tzinfo=display_tz()).astimezone(UTC)


def _setup(app):
    with app.app_context():
        w = make_world()
        c = db.session.get(Campaign, w.campaign_id)
        org_b = db.session.get(Organization, w.org_b)
        for _ in range(3):
            make_entry(c, org_b, status=EntryStatus.submitted)
        late = make_entry(c, org_b, status=EntryStatus.returned, correction_due=utcnow() - timedelta(days=2))
        a = accepted(db.session.get(Entry, w.entry_id), review_stage(c), make_expert("exp@x.ru"))
        a.due_at = utcnow() - timedelta(days=1)
        approver = make_user("visa@x.ru", Role.expert, name="Согласующий")
        order = Order(kind=list(OrderKind)[0], title="О составе жюри", year=2026, status=OrderStatus.approval)
        db.session.add(order)
        db.session.flush()
        db.session.add(OrderApproval(order_id=order.id, approver_id=approver.id, position=0, round=1))
        db.session.add(OutboxMessage(dedup_key="email:dead", channel="email", recipient_email="z@x.ru",
                                     subject="Не дошло", body="", failed=True, attempts=8))
        db.session.commit()
        return late.code


def test_staff_and_approvers_get_a_compact_digest_once_a_day(app, smtp_server):
    _setup(app)
    assert staff_digests(app, now=_at(7))["digests"] == 0  # before DIGEST_HOUR (8:00 Moscow)
    assert staff_digests(app, now=_at(9))["digests"] == 3  # two staff members and the approver
    assert staff_digests(app, now=_at(15))["digests"] == 0
    with app.app_context():
        for row in db.session.execute(select(OutboxMessage).where(
                OutboxMessage.dedup_key.like("email:staff-digest:%"))).scalars():
            row.next_attempt_at = utcnow()
        db.session.commit()
        assert dispatch_pending()["sent"] == 3
    [mail] = smtp_server.to("staff@x.ru")
    assert mail["Subject"].startswith("Что ждёт вас сегодня")
    text = smtp_server.text(mail)
    assert "Заявок ждут проверки: 3 («Инновационный поиск 2026»: 3)" in text
    assert "http://127.0.0.1:5000/entries/staff?status=submitted" in text
    assert "Просрочена доработка заявок: 1" in text and "Просрочены листы оценки экспертов: 1" in text
    assert "Недоставленных писем: 1" in text and "/staff/outbox/?state=failed" in text
    assert "визы" not in text  # the staff member has no visa to give
    [visa] = smtp_server.to("visa@x.ru")
    body = smtp_server.text(visa)
    assert "1 приказ ждёт вашей визы" in body and "Заявок ждут проверки" not in body
    assert smtp_server.to("exp@x.ru") == [] and smtp_server.to("appa@x.ru") == []


def test_nothing_waiting_means_no_digest(app):
    with app.app_context():
        make_user("calm@x.ru", Role.staff)
        db.session.commit()
    assert staff_digests(app, now=_at(9))["digests"] == 0
