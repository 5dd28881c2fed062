"""Reminders before and after deadlines: planned when the deadline is set, moved with it, cancelled when
the task is done, sent once at 09:00 Moscow time by the scheduler's sweep — and never late for a
deadline that has passed. The clock is moved with time-machine."""
import threading
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Channel, OutboxMessage, User
from workflow_app.models.competition import Entry, EntryStatus
from workflow_app.models.reminder import Reminder, ReminderStatus
from workflow_app.services import reminders
from workflow_app.services.competition import dossier as dossier_svc
from workflow_app.services.competition import entry_check
from workflow_app.timeutil import end_of_day

from .factories import make_world

MSK_9 = 6  # 09:00 Moscow is 06:00 UTC


def _user(email):
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def _returned_entry(due: date) -> Entry:
    """A submitted entry of org A (two applicants; a coordinator in Krasnodar), returned until `due`."""
    w = make_world()
    entry = db.session.get(Entry, w.entry_id)
    dossier_svc.submit(_user("appa@x.ru"), entry)
    entry_check.return_for_correction(_user("staff@x.ru"), entry, "Приложите договоры", due)
    return entry


def _rows(entry):
    return db.session.execute(select(Reminder).where(Reminder.object_id == entry.id)
                              .order_by(Reminder.recipient_id, Reminder.offset_days)).scalars().all()


def _slots(entry, status=ReminderStatus.pending):
    return sorted((r.recipient.email if hasattr(r, "recipient") else _email(r.recipient_id), r.offset_days)
                  for r in _rows(entry) if r.status == status)


def _email(uid):
    return db.session.get(User, uid).email


def _reminder_mail():
    return db.session.execute(select(OutboxMessage).where(
        OutboxMessage.channel == Channel.email, OutboxMessage.dedup_key.like("email:reminder:%"))
        .order_by(OutboxMessage.recipient_email)).scalars().all()


@time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False)
def test_a_return_plans_reminders_for_applicants_and_escalation_for_the_coordinator(ctx):
    entry = _returned_entry(date(2026, 3, 20))
    assert _slots(entry) == [
        ("appa2@x.ru", -14), ("appa2@x.ru", -3), ("appa2@x.ru", -1), ("appa2@x.ru", 1), ("appa2@x.ru", 7),
        ("appa@x.ru", -14), ("appa@x.ru", -3), ("appa@x.ru", -1), ("appa@x.ru", 1), ("appa@x.ru", 7),
        ("coord-krd@x.ru", 1), ("coord-krd@x.ru", 7),  # the coordinator hears only once it is overdue
    ]
    first = min(_rows(entry), key=lambda r: r.due_at)
    # 14 days before 20.03 is 06.03, at 09:00 Moscow time
    assert first.due_at == datetime(2026, 3, 6, MSK_9, 0, tzinfo=UTC)


@time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False)
def test_before_reminders_whose_moment_has_passed_are_not_planned(ctx):
    entry = _returned_entry(date(2026, 3, 4))  # 2 days away: «14 days before» and «3 days before» are gone
    assert {off for _, off in _slots(entry)} == {-1, 1, 7}


def test_moving_the_deadline_moves_pending_reminders_and_finishing_cancels_them(ctx):
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False):
        entry = _returned_entry(date(2026, 3, 20))
        entry.correction_due = end_of_day(date(2026, 3, 27))
        from workflow_app.services.reminders.hooks import plan_correction

        plan_correction(entry)
        due = {r.offset_days: r.due_at for r in _rows(entry) if r.recipient_id == _user("appa@x.ru").id}
        assert due[-1] == datetime(2026, 3, 26, MSK_9, tzinfo=UTC)
        assert due[7] == datetime(2026, 4, 3, MSK_9, tzinfo=UTC)
        dossier_svc.submit(_user("appa@x.ru"), entry)  # the corrected entry is in: nothing more to remind
        assert entry.status == EntryStatus.submitted
        assert _slots(entry) == []
        assert len(_slots(entry, ReminderStatus.cancelled)) == 12


def test_the_sweep_sends_each_due_reminder_once_with_a_link(ctx):
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False):
        entry = _returned_entry(date(2026, 3, 20))
    with time_machine.travel(datetime(2026, 3, 6, 5, 59, tzinfo=UTC), tick=False):
        assert reminders.sweep() == {"sent": 0, "skipped": 0}  # one minute before 09:00 MSK
    with time_machine.travel(datetime(2026, 3, 6, 6, 0, tzinfo=UTC), tick=False):
        assert reminders.sweep() == {"sent": 2, "skipped": 0}
        assert reminders.sweep() == {"sent": 0, "skipped": 0}
    mails = _reminder_mail()
    assert [m.recipient_email for m in mails] == ["appa2@x.ru", "appa@x.ru"]
    assert f"Заявка {entry.code}" in mails[0].subject and "осталось дней: 14" in mails[0].subject
    assert f"/entries/{entry.id}" in mails[0].body and "20.03.2026 23:59" in mails[0].body
    inapp = db.session.execute(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.channel == Channel.inapp, OutboxMessage.dedup_key.like("inapp:reminder:%"))).scalar_one()
    assert inapp == 2


def test_after_downtime_overdue_reminders_go_once_and_stale_before_ones_are_skipped(ctx):
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False):
        _returned_entry(date(2026, 3, 20))
    # The scheduler was down until the day after the deadline.
    with time_machine.travel(datetime(2026, 3, 21, 12, 0, tzinfo=UTC), tick=False):
        assert reminders.sweep() == {"sent": 3, "skipped": 6}
        assert reminders.sweep() == {"sent": 0, "skipped": 0}
    sent = [(m.recipient_email, "срок прошёл" in m.subject) for m in _reminder_mail()]
    assert sent == [("appa2@x.ru", True), ("appa@x.ru", True), ("coord-krd@x.ru", True)]
    row = db.session.execute(select(AuditEvent).where(AuditEvent.event == "reminder.sweep")).scalar_one()
    assert row.payload["skipped"] == 6 and len(row.payload["skipped_ids"]) == 6


def test_an_offer_plans_the_experts_reminders_and_declining_cancels_them(ctx):
    from workflow_app.machines.base import fire
    from workflow_app.machines.review import assignment_lifecycle
    from workflow_app.models import Role
    from workflow_app.services.competition import assignment

    from .factories import admitted_entry, make_campaign, make_expert, make_user, review_stage

    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False):
        c = make_campaign()
        st = review_stage(c)
        st.deadline = datetime(2026, 4, 1, 20, 59, tzinfo=UTC)
        e = admitted_entry(c)
        x = make_expert("x@x.ru", "sochi")
        staff = make_user("staff@x.ru", Role.staff)
        a = assignment.manual_assign(e, st, x.id, staff, reason="профиль совпадает")
        pending = sorted((r.recipient.email, r.offset_days) for r in reminders.pending_for("review_assignment", a.id))
        # the expert before and after the due date; the staff once it is overdue (the review rule's escalation)
        assert pending == [("staff@x.ru", 1), ("staff@x.ru", 7),
                           ("x@x.ru", -14), ("x@x.ru", -3), ("x@x.ru", -1), ("x@x.ru", 1), ("x@x.ru", 7)]
        fire(assignment_lifecycle, a, "decline", actor=x, reason="Болею")
        assert reminders.pending_for("review_assignment", a.id) == []


@pytest.mark.commits
@pytest.mark.postgres_only
def test_two_schedulers_sweeping_at_once_send_every_reminder_once(app):
    with app.app_context():
        with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False):
            _returned_entry(date(2026, 3, 20))
        db.session.commit()
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            with app.app_context():
                barrier.wait()
                results.append(reminders.sweep(now=datetime(2026, 4, 30, 6, 0, tzinfo=UTC), batch=3))
                db.session.commit()
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    with app.app_context():
        keys = db.session.execute(select(OutboxMessage.dedup_key).where(
            OutboxMessage.dedup_key.like("email:reminder:%"))).scalars().all()
        statuses = db.session.execute(select(Reminder.status, func.count()).group_by(Reminder.status)).all()
    assert len(keys) == len(set(keys)) == 6  # 2 applicants × (+1, +7), the coordinator × (+1, +7)
    assert sum(r["sent"] for r in results) == 6 and sum(r["skipped"] for r in results) == 6
    assert dict(statuses) == {ReminderStatus.sent: 6, ReminderStatus.skipped: 6}


def test_staff_see_the_upcoming_reminders_on_the_entry_page_and_see_them_move(app, client):
    from .helpers import login

    with app.app_context(), time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False):
        entry = _returned_entry(date(2026, 3, 20))
        db.session.commit()
        entry_id = entry.id
    with time_machine.travel(datetime(2026, 3, 3, 10, 0, tzinfo=UTC), tick=False):
        login(client, "staff@x.ru")  # signed cookies carry their time: sign in on the travelled clock
        page = client.get(f"/entries/{entry_id}").get_data(as_text=True)
    assert "Напоминания" in page and "06.03.2026 09:00" in page and "Заявитель А2" in page
    assert "через 7 дн. после срока" in page
    with app.app_context():
        from workflow_app.services.reminders.hooks import plan_correction

        with time_machine.travel(datetime(2026, 3, 3, 10, 0, tzinfo=UTC), tick=False):
            e = db.session.get(Entry, entry_id)
            e.correction_due = end_of_day(date(2026, 3, 27))
            plan_correction(e)
            db.session.commit()
    with time_machine.travel(datetime(2026, 3, 3, 10, 0, tzinfo=UTC), tick=False):
        page = client.get(f"/entries/{entry_id}").get_data(as_text=True)
    assert "06.03.2026 09:00" not in page and "13.03.2026 09:00" in page


def test_an_assignment_plan_plans_every_offers_reminders_in_one_go(ctx):
    from workflow_app.models import Role
    from workflow_app.services.competition import assignment

    from .factories import admitted_entry, make_campaign, make_expert, make_user, review_stage

    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False):
        c = make_campaign(experts_per_entry=1)
        st = review_stage(c)
        st.deadline = datetime(2026, 4, 1, 20, 59, tzinfo=UTC)
        for i in range(6):
            admitted_entry(c, title=f"Тема {i}")
        for i in range(3):
            make_expert(f"x{i}@x.ru", "sochi")
        staff = make_user("staff@x.ru", Role.staff)
        db.session.flush()
        plan = assignment.apply_plan(c, st, staff)
        assert len(plan.picks) == 6
        rows = db.session.execute(select(Reminder).where(Reminder.escalation.is_(False))).scalars().all()
        assert len(rows) == 6 * 5 and {r.offset_days for r in rows} == {-14, -3, -1, 1, 7}
        assert len({r.object_id for r in rows}) == 6
