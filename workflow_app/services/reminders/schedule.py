"""Materialising a deadline's reminders: a row per recipient and offset, moved with the deadline.

Offsets are days: before the deadline (14, 3, 1 by default) and after it, overdue (1 and 7). A reminder
goes out at REMINDER_HOUR local time (Europe/Moscow) on its day, the day counted from the deadline's
local date. Escalation recipients (the municipal coordinator, staff) get only the «after» reminders.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import and_, case, insert, not_, or_, select, update

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


@dataclass(frozen=True)
class Deadline:
    """One deadline to remind of: who is responsible (and who hears on escalation), when, and about what.

    `series` names a date many deadlines share ("stage:<id>"): `move_series` moves them all in one
    statement. Any new kind of deadline (yearly and final reports, roadmap approval) is planned the same
    way: `plan_many([Deadline(kind="report", object_type="report", object_id=..., ...)])`.
    """

    kind: str
    object_type: str
    object_id: int
    deadline: datetime | None
    recipients: tuple[Recipient, ...]
    title: str
    link: str = ""
    before: tuple[int, ...] = DEFAULT_BEFORE
    after: tuple[int, ...] = DEFAULT_AFTER
    series: str = ""


def _wanted(d: Deadline) -> dict[tuple[int, int], Recipient]:
    if d.deadline is None:
        return {}
    return {(r.user_id, off): r for r in d.recipients for off in _offsets(d.before, d.after, r.escalation)}


def plan_many(deadlines: Iterable[Deadline]) -> int:
    """Make the pending reminders of each deadline match (date, recipients, offsets), in a few statements
    for all of them: one read of their rows, one insert of the new slots, the changed rows updated.

    New slots are added, pending ones move with the deadline, slots no longer wanted are cancelled;
    reminders already sent or skipped stay as the record of what happened. No date: all pending ones are
    cancelled. Returns the number of pending reminders afterwards.
    """
    todo = {(d.kind, d.object_type, d.object_id): d for d in deadlines}
    if not todo:
        return 0
    by_type: dict[str, set[int]] = {}
    for _, otype, oid in todo:
        by_type.setdefault(otype, set()).add(oid)
    rows = db.session.execute(select(Reminder).where(
        Reminder.kind.in_({k for k, _, _ in todo}),
        or_(*(and_(Reminder.object_type == t, Reminder.object_id.in_(ids)) for t, ids in by_type.items()))
    )).scalars().all()
    existing: dict[tuple, dict[tuple[int, int], Reminder]] = {}
    for row in rows:
        existing.setdefault((row.kind, row.object_type, row.object_id), {})[(row.recipient_id, row.offset_days)] = row
    now = utcnow()
    pending = 0
    new_rows: list[dict] = []
    for key, d in todo.items():
        wanted = _wanted(d)
        have = existing.get(key, {})
        for slot, row in have.items():
            if slot in wanted and d.deadline is not None:
                when = due_at(d.deadline, slot[1])
                if row.status == ReminderStatus.pending or (
                        row.status == ReminderStatus.cancelled and when > now):
                    # A moved deadline moves the reminder; one cancelled earlier comes back if wanted again.
                    row.status, row.done_at = ReminderStatus.pending, None
                    row.deadline_at, row.due_at, row.title, row.link = d.deadline, when, d.title, d.link
                    row.series, row.escalation = d.series, wanted[slot].escalation
                    pending += 1
            elif row.status == ReminderStatus.pending:
                row.status, row.done_at = ReminderStatus.cancelled, now
        for (user_id, off), r in wanted.items():
            if (user_id, off) in have or d.deadline is None:
                continue
            if off < 0 and due_at(d.deadline, off) <= now:
                continue  # «14 days before» a deadline 5 days away: that moment is gone, nothing to send
            new_rows.append({
                "kind": d.kind, "object_type": d.object_type, "object_id": d.object_id, "recipient_id": user_id,
                "offset_days": off, "escalation": r.escalation, "title": d.title, "link": d.link,
                "deadline_at": d.deadline, "due_at": due_at(d.deadline, off), "status": ReminderStatus.pending,
                "series": d.series, "created_at": now})
    db.session.flush()
    if new_rows:
        db.session.execute(insert(Reminder.__table__), new_rows)
    return pending + len(new_rows)


def plan(kind: str, object_type: str, object_id: int, deadline: datetime | None,
         recipients: Iterable[Recipient], *, title: str, link: str = "",
         before: Sequence[int] = DEFAULT_BEFORE, after: Sequence[int] = DEFAULT_AFTER, series: str = "") -> int:
    """`plan_many` for one deadline."""
    return plan_many([Deadline(kind, object_type, object_id, deadline, tuple(recipients), title, link,
                               tuple(before), tuple(after), series)])


def plan_new(deadlines: Iterable[Deadline]) -> int:
    """The reminders of deadlines just created (e.g. every offer of an assignment plan), inserted in one
    statement: nothing to move or cancel, so no read at all. Returns how many were planned."""
    now = utcnow()
    rows = [
        {"kind": d.kind, "object_type": d.object_type, "object_id": d.object_id, "recipient_id": user_id,
         "offset_days": off, "escalation": r.escalation, "title": d.title, "link": d.link,
         "deadline_at": d.deadline, "due_at": due_at(d.deadline, off), "status": ReminderStatus.pending,
         "series": d.series, "created_at": now}
        for d in deadlines if d.deadline is not None
        for (user_id, off), r in _wanted(d).items()
        if off > 0 or due_at(d.deadline, off) > now
    ]
    if rows:
        db.session.execute(insert(Reminder.__table__), rows)
    return len(rows)


def move_series(series: str, deadline: datetime, *, keep=None) -> int:
    """A shared date moved (a campaign stage's deadline): every pending reminder of the series moves in
    one UPDATE — the due moment of each offset computed once here — and «before» reminders whose moment
    is now gone are cancelled. `keep` (an SQL condition on Reminder) spares rows that follow a date of
    their own, e.g. an entry's individual extension. Returns how many moved."""
    now = utcnow()
    # Only rows whose date differs: saving a stage without moving its date writes nothing.
    where = [Reminder.series == series, Reminder.series != "", Reminder.status == ReminderStatus.pending,
             Reminder.deadline_at != deadline]
    if keep is not None:
        where.append(not_(keep))
    offsets = db.session.execute(select(Reminder.offset_days).where(*where).distinct()).scalars().all()
    if not offsets:
        return 0
    gone = [o for o in offsets if o < 0 and due_at(deadline, o) <= now]
    if gone:
        db.session.execute(update(Reminder).where(*where, Reminder.offset_days.in_(gone))
                           .values(status=ReminderStatus.cancelled, done_at=now)
                           .execution_options(synchronize_session="fetch"))
    when = case({o: due_at(deadline, o) for o in offsets if o not in gone}, value=Reminder.offset_days)
    moved = db.session.execute(update(Reminder).where(*where).values(deadline_at=deadline, due_at=when)
                               .execution_options(synchronize_session="fetch")).rowcount
    return moved


def cancel(kind: str | Sequence[str], object_type: str, object_id: int, recipient_id: int | None = None) -> int:
    """The task is done (or withdrawn): its pending reminders will not go out. Returns how many."""
    kinds = [kind] if isinstance(kind, str) else list(kind)
    stmt = (update(Reminder)
            .where(Reminder.kind.in_(kinds), Reminder.object_type == object_type,
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
