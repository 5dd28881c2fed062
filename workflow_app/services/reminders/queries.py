"""What the pages list: the upcoming reminders of a deadline, and of everything (the staff's list)."""
from __future__ import annotations

from sqlalchemy import Select, or_, select

from ...extensions import db
from ...listing import like_pattern
from ...models import User
from ...models.competition import Stage
from ...models.reminder import Reminder, ReminderStatus
from .rules import KINDS

SORTABLE = {"due": Reminder.due_at, "deadline": Reminder.deadline_at, "kind": Reminder.kind,
            "recipient": User.full_name}
EXPORT_HEADERS = ["Когда", "Кому", "Эскалация", "Вид срока", "О чём", "Срок", "Смещение, дней"]
STAGE_LIMIT = 200


def pending_of_stage(stage: Stage, limit: int = STAGE_LIMIT) -> list[Reminder]:
    """The upcoming reminders of a stage's date, soonest first (shown on the stage's page)."""
    return list(db.session.execute(
        select(Reminder).where(Reminder.series == f"stage:{stage.id}", Reminder.status == ReminderStatus.pending)
        .order_by(Reminder.due_at, Reminder.id).limit(limit)).scalars())


def upcoming_query(kind: str = "", q: str = "") -> Select:
    """Pending reminders with their recipient (one query per page)."""
    stmt = (select(Reminder).join(User, User.id == Reminder.recipient_id)
            .where(Reminder.status == ReminderStatus.pending))
    if kind in KINDS:
        stmt = stmt.where(Reminder.kind == kind)
    if q:
        pat = like_pattern(q)
        stmt = stmt.where(or_(Reminder.title.ilike(pat, escape="\\"), User.full_name.ilike(pat, escape="\\"),
                              User.email.ilike(pat, escape="\\")))
    return stmt


def export_rows(stmt: Select):
    for r in db.session.execute(stmt).scalars():
        yield [r.due_at, r.recipient.full_name, "да" if r.escalation else "", KINDS[r.kind].label
               if r.kind in KINDS else r.kind, r.title, r.deadline_at, r.offset_days]
