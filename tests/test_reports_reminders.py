"""Report deadlines have reminders like every deadline: planned when a report falls due, moved when its
date moves (a return with a new date), cancelled when it is handed in."""
from __future__ import annotations

from datetime import date

import time_machine
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import OrgType, Role
from workflow_app.models.reminder import Reminder, ReminderStatus
from workflow_app.services.reports import review
from workflow_app.timeutil import end_of_day

from .factories import make_org, make_user
from .test_reports_flow import PLAN_GRID, TODAY, _award, _filled, _reports


def _pending(report) -> list[tuple[int, int, bool, object]]:
    rows = db.session.execute(select(Reminder).where(
        Reminder.kind == "report", Reminder.object_type == "status_report", Reminder.object_id == report.id,
        Reminder.status == ReminderStatus.pending).order_by(Reminder.recipient_id, Reminder.offset_days)).scalars()
    return [(r.recipient_id, r.offset_days, r.escalation, r.deadline_at) for r in rows]


def test_a_due_report_reminds_its_holder_and_escalates_to_staff_and_follows_its_date(ctx):
    from workflow_app.services.reports import filing

    staff = make_user("s@x.ru", Role.staff)
    org = make_org("Школа № 5", "sochi", org_type=OrgType.OO)
    holder = make_user("h@x.ru", (Role.applicant, org))
    award = _award(staff, org=org, plan=PLAN_GRID)  # granted on 30.11.2026
    report = _reports(award)[1]  # the 2026 yearly report, due 1 December 2026
    due = end_of_day(report.due_date)
    pending = _pending(report)
    # the holder before and after the date (1 day before — 14 and 3 are past —; 1 and 7 after); staff only
    # once it is overdue
    assert [(uid, off) for uid, off, esc, _ in pending if uid == holder.id] == [
        (holder.id, -1), (holder.id, 1), (holder.id, 7)]
    assert {(off, esc) for uid, off, esc, _ in pending if uid == staff.id} == {(1, True), (7, True)}
    assert {at for *_, at in pending} == {_as_stored(due, pending)}

    filing.save(holder, report, _filled(report))
    filing.submit(holder, report)
    assert _pending(report) == []  # handed in: nothing more goes out

    with time_machine.travel(TODAY, tick=False):
        review.return_for_revision(staff, report, "Добавьте ссылки", date(2026, 12, 20))
    moved = _pending(report)
    assert moved and {at for *_, at in moved} == {_as_stored(end_of_day(date(2026, 12, 20)), moved)}


def _as_stored(value, rows):
    return value.replace(tzinfo=None) if rows[0][3].tzinfo is None else value
