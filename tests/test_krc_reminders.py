"""Roadmap deadlines have reminders like every deadline: approval (kind «roadmap») while the roadmap is a
draft or returned, the completion report (kind «report») once approved; handing in cancels them, and a change
of the year's dates on «Сроки цикла» moves those of that year's open roadmaps only."""
from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.machines.base import fire
from workflow_app.machines.roadmap import roadmap_lifecycle
from workflow_app.models import OrgType, Role
from workflow_app.models.reminder import Reminder, ReminderRule, ReminderStatus
from workflow_app.models.roadmap import RoadmapStatus
from workflow_app.services.krc import deadlines, roadmaps
from workflow_app.services.statuses import awards, grounding
from workflow_app.timeutil import end_of_day

from .factories import make_org, make_user, status_type
from .test_krc_cycle import PLAN

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def _pending(roadmap, kind: str) -> list[tuple[int, int, bool, datetime]]:
    rows = db.session.execute(select(Reminder).where(
        Reminder.kind == kind, Reminder.object_type == "roadmap", Reminder.object_id == roadmap.id,
        Reminder.status == ReminderStatus.pending).order_by(Reminder.recipient_id, Reminder.offset_days)).scalars()
    return [(r.recipient_id, r.offset_days, r.escalation, _aware(r.deadline_at)) for r in rows]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _dates(rows) -> set[datetime]:
    return {at for *_, at in rows}


def _holder():
    staff = make_user("staff@x.ru", Role.staff)
    tms = make_org("МКУ ЦРО Сочи", "sochi", org_type=OrgType.TMS)
    holder = make_user("tms@x.ru", (Role.applicant, tms))
    order = grounding.register_external(staff, "ГБОУ ИРО КК", "К-1", date(2025, 12, 20))
    awards.grant(order, staff, tms.id, status_type("KRC"), "Сеть наставников", date(2026, 1, 1),
                 date(2028, 12, 31))
    return staff, tms, holder


def test_roadmap_reminders_follow_its_lifecycle_and_the_years_dates(ctx):
    with time_machine.travel(NOW, tick=False):
        staff, tms, holder = _holder()
        roadmap = roadmaps.create(holder, tms, 2026, "", PLAN)
        next_year = roadmaps.create(holder, tms, 2027, "", PLAN)
        pending = _pending(roadmap, "roadmap")
        # the holder before and after the default 31 August; staff once it is overdue (the КРЦ rule's escalation)
        assert [(uid, off) for uid, off, _, _ in pending if uid == holder.id] == [
            (holder.id, -14), (holder.id, -3), (holder.id, -1), (holder.id, 1), (holder.id, 7)]
        assert {(off, esc) for uid, off, esc, _ in pending if uid == staff.id} == {(1, True), (7, True)}
        assert _dates(pending) == {end_of_day(date(2026, 8, 31))}

        deadlines.set_deadlines(staff, 2026, date(2026, 8, 20), date(2026, 11, 20))
        assert _dates(_pending(roadmap, "roadmap")) == {end_of_day(date(2026, 8, 20))}
        assert _dates(_pending(next_year, "roadmap")) == {end_of_day(date(2027, 8, 31))}  # another year

        roadmaps.submit(roadmap, holder)
        assert _pending(roadmap, "roadmap") == []            # handed in
        fire(roadmap_lifecycle, roadmap, "return", actor=staff, reason="Добавьте ответственных")
        assert _dates(_pending(roadmap, "roadmap")) == {end_of_day(date(2026, 8, 20))}
        roadmaps.submit(roadmap, holder)
        assert roadmap.status == RoadmapStatus.resubmitted and _pending(roadmap, "roadmap") == []

        fire(roadmap_lifecycle, roadmap, "approve", actor=staff)
        assert _pending(roadmap, "roadmap") == []
        completion = _pending(roadmap, "report")
        assert _dates(completion) == {end_of_day(date(2026, 11, 20))}
        assert {(uid, off) for uid, off, esc, _ in completion if not esc} >= {(holder.id, -14), (holder.id, 1)}

        deadlines.set_deadlines(staff, 2026, date(2026, 8, 20), date(2026, 11, 25))
        assert _dates(_pending(roadmap, "report")) == {end_of_day(date(2026, 11, 25))}

        rows = roadmaps.reportable(roadmaps.plan_rows(roadmap))
        roadmaps.save_completion(roadmap, holder, {r["index"]: roadmaps.Fact("done") for r in rows})
        roadmaps.report(roadmap, holder)
        assert _pending(roadmap, "report") == []
        assert _pending(next_year, "roadmap")  # untouched by the other roadmap's steps


def test_the_status_types_rule_decides_the_offsets(ctx):
    with time_machine.travel(NOW, tick=False):
        staff, tms, holder = _holder()
        db.session.add(ReminderRule(kind="roadmap", status_type="КРЦ", before_days=[5], after_days=[2],
                                    escalate_coordinator=False, escalate_staff=False))
        db.session.flush()
        roadmap = roadmaps.create(holder, tms, 2026, "", PLAN)
        assert [(uid, off, esc) for uid, off, esc, _ in _pending(roadmap, "roadmap")] == [
            (holder.id, -5, False), (holder.id, 2, False)]
