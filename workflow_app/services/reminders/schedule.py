"""Materialising a deadline's reminders: a row per recipient and offset, moved with the deadline.

Offsets are days: before the deadline (14, 3, 1 by default) and after it, overdue (1 and 7). A reminder
goes out at REMINDER_HOUR local time (Europe/Moscow) on its day, the day counted from the deadline's
local date. Escalation recipients (the municipal coordinator, staff) get only the «after» reminders.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import insert, select, update

from ...extensions import db
from ...models.base import utcnow
from ...models.reminder import Reminder, ReminderStatus
from ...timeutil import display_tz

DEFAULT_BEFORE: tuple[int, ...] = (14, 3, 1)
DEFAULT_AFTER: tuple[int, ...] = (1, 7)
REMINDER_HOUR = time(9, 0)


@dataclass(frozen=True)
class Recipient:
    user_id: int
    escalation: bool = False  # told only once the deadline has passed


def due_at(deadline: datetime, offset_days: int) -> datetime:
    """REMINDER_HOUR local time on the deadline's local day shifted by offset_days, in UTC."""
    tz = display_tz()
    day = deadline.astimezone(tz).date() + timedelta(days=offset_days)
    return datetime.combine(day, REMINDER_HOUR, tzinfo=tz).astimezone(UTC)


def _offsets(before: Sequence[int], after: Sequence[int], escalation: bool) -> list[int]:
    return ([] if escalation else [-d for d in before]) + [d for d in after]


def plan(kind: str, object_type: str, object_id: int, deadline: datetime | None,
         recipients: Iterable[Recipient], *, title: str, link: str = "",
         before: Sequence[int] = DEFAULT_BEFORE, after: Sequence[int] = DEFAULT_AFTER) -> int:
    """Make the pending reminders of one deadline match (deadline, recipients, offsets).

    New slots are added, pending ones move with the deadline, slots no longer wanted are cancelled;
    reminders already sent or skipped stay as the record of what happened. No deadline: all pending
    ones are cancelled. Returns the number of pending reminders afterwards.
    """
    wanted: dict[tuple[int, int], Recipient] = {}
    if deadline is not None:
        for r in recipients:
            for off in _offsets(before, after, r.escalation):
                wanted[(r.user_id, off)] = r
    rows = db.session.execute(
        select(Reminder).where(Reminder.kind == kind, Reminder.object_type == object_type,
                               Reminder.object_id == object_id)).scalars().all()
    existing = {(r.recipient_id, r.offset_days): r for r in rows}
    now = utcnow()
    pending = 0
    for key, row in existing.items():
        if key in wanted and deadline is not None:
            when = due_at(deadline, key[1])
            if row.status == ReminderStatus.pending or (
                    row.status == ReminderStatus.cancelled and when > now):
                # A moved deadline moves the reminder; one cancelled earlier comes back if wanted again.
                row.status, row.done_at = ReminderStatus.pending, None
                row.deadline_at, row.due_at, row.title, row.link = deadline, when, title, link
                pending += 1
        elif row.status == ReminderStatus.pending:
            row.status, row.done_at = ReminderStatus.cancelled, now
    for (user_id, off), r in wanted.items():
        if (user_id, off) in existing:
            continue
        if off < 0 and due_at(deadline, off) <= now:
            continue  # «14 days before» a deadline 5 days away: that moment is gone, nothing to send
        db.session.add(Reminder(kind=kind, object_type=object_type, object_id=object_id, recipient_id=user_id,
                                offset_days=off, escalation=r.escalation, title=title, link=link,
                                deadline_at=deadline, due_at=due_at(deadline, off),
                                status=ReminderStatus.pending))
        pending += 1
    db.session.flush()
    return pending


@dataclass(frozen=True)
class Deadline:
    """One new deadline to remind of (its object has no reminders yet)."""

    kind: str
    object_type: str
    object_id: int
    deadline: datetime | None
    recipients: tuple[Recipient, ...]
    title: str
    link: str = ""


def plan_new(deadlines: Iterable[Deadline], *, before: Sequence[int] = DEFAULT_BEFORE,
             after: Sequence[int] = DEFAULT_AFTER) -> int:
    """The reminders of deadlines just created (e.g. every offer of an assignment plan), inserted in one
    statement: nothing to move or cancel, so no query per deadline. Returns how many were planned."""
    now = utcnow()
    rows = [
        {"kind": d.kind, "object_type": d.object_type, "object_id": d.object_id, "recipient_id": r.user_id,
         "offset_days": off, "escalation": r.escalation, "title": d.title, "link": d.link,
         "deadline_at": d.deadline, "due_at": due_at(d.deadline, off), "status": ReminderStatus.pending,
         "created_at": now}
        for d in deadlines if d.deadline is not None
        for r in d.recipients
        for off in _offsets(before, after, r.escalation)
        if off > 0 or due_at(d.deadline, off) > now
    ]
    if rows:
        db.session.execute(insert(Reminder.__table__), rows)
    return len(rows)


def cancel(kind: str, object_type: str, object_id: int, recipient_id: int | None = None) -> int:
    """The task is done (or withdrawn): its pending reminders will not go out. Returns how many."""
    stmt = (update(Reminder)
            .where(Reminder.kind == kind, Reminder.object_type == object_type,
                   Reminder.object_id == object_id, Reminder.status == ReminderStatus.pending)
            .values(status=ReminderStatus.cancelled, done_at=utcnow())
            .execution_options(synchronize_session="fetch"))
    if recipient_id is not None:
        stmt = stmt.where(Reminder.recipient_id == recipient_id)
    return db.session.execute(stmt).rowcount


def pending_for(object_type: str, object_id: int) -> list[Reminder]:
    """The upcoming reminders of an object's deadlines, soonest first (shown to staff on its page)."""
    return list(db.session.execute(
        select(Reminder).where(Reminder.object_type == object_type, Reminder.object_id == object_id,
                               Reminder.status == ReminderStatus.pending)
        .order_by(Reminder.due_at, Reminder.id)).scalars())
