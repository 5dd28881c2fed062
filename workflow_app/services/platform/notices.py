"""A user's in-app notices: the list, read/unread, and the unread count shown in the navbar."""
from __future__ import annotations

from sqlalchemy import Select, func, select, update

from ...extensions import db
from ...models import Channel, OutboxMessage, User
from ...models.base import utcnow


def _mine(user: User):
    return (OutboxMessage.channel == Channel.inapp, OutboxMessage.recipient_id == user.id)


def inbox_query(user: User) -> Select:
    return (select(OutboxMessage).where(*_mine(user))
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()))


def unread_count(user: User) -> int:
    """One query; runs on every page for the navbar badge. A request whose task is done is not counted."""
    return db.session.execute(
        select(func.count(OutboxMessage.id)).where(*_mine(user), OutboxMessage.read_at.is_(None),
                                                   OutboxMessage.resolved_at.is_(None))
    ).scalar_one()


def todo_count(user: User) -> int:
    """Notices asking the user to do something (accept, give a visa, sign) that is not done yet."""
    return db.session.execute(
        select(func.count(OutboxMessage.id)).where(*_mine(user), OutboxMessage.needs_action.is_(True),
                                                   OutboxMessage.resolved_at.is_(None))
    ).scalar_one()


def mark_read(user: User, rows: list[OutboxMessage]) -> set[int]:
    """Mark the shown notices read; returns the ids that were unread (shown as «Новое» this once)."""
    ids = {r.id for r in rows if r.read_at is None}
    if ids:
        db.session.execute(
            update(OutboxMessage)
            .where(*_mine(user), OutboxMessage.id.in_(ids), OutboxMessage.read_at.is_(None))
            .values(read_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    return ids
