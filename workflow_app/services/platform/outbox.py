"""Queueing notices. Rows are written in the caller's transaction; the dispatcher sends them later."""
from __future__ import annotations

from sqlalchemy import Select, or_, select, update

from ... import audit
from ...errors import DomainError
from ...extensions import db
from ...models import Channel, OutboxMessage, User
from ...models.base import utcnow

About = tuple[str, int]  # (object_type, object_id) of what a notice is about: the view links to it


def _queue(channel: Channel, dedup_key: str, *, subject: str, body: str,
           email: str = "", user: User | None = None, about: About | None = None,
           needs_action: bool = False) -> OutboxMessage:
    existing = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.dedup_key == dedup_key)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    row = OutboxMessage(
        dedup_key=dedup_key,
        channel=channel,
        recipient_email=email or (user.email if user else ""),
        recipient_id=user.id if user else None,
        subject=subject,
        body=body,
        object_type=about[0] if about else "",
        object_id=about[1] if about else None,
        needs_action=needs_action and channel == Channel.inapp,
    )
    db.session.add(row)
    return row


def queue_email(dedup_key: str, *, subject: str, body: str, email: str = "",
                user: User | None = None) -> OutboxMessage:
    return _queue(Channel.email, f"email:{dedup_key}", subject=subject, body=body, email=email, user=user)


def queue_notice(dedup_key: str, *, user: User, subject: str, body: str, about: About | None = None,
                 needs_action: bool = False) -> OutboxMessage:
    """An in-app notice: it shows in the user's notice list at once (no sending step). `about` is the
    object it links to; `needs_action` marks a request (accept, give a visa, sign) that resolve() closes."""
    return _queue(Channel.inapp, f"inapp:{dedup_key}", subject=subject, body=body, user=user, about=about,
                  needs_action=needs_action)


def notify(dedup_key: str, *, user: User, subject: str, body: str, about: About | None = None,
           needs_action: bool = False) -> None:
    """Both channels: a notice in the app and an e-mail."""
    queue_notice(dedup_key, user=user, subject=subject, body=body, about=about, needs_action=needs_action)
    queue_email(dedup_key, user=user, subject=subject, body=body)


def resolve(object_type: str, object_id: int, *, user_id: int | None = None) -> int:
    """The task a notice asked for is done (or moot): mark the open requests about this object resolved —
    only those of `user_id` when given. They leave the unread and «to do» counts. Returns how many."""
    stmt = (update(OutboxMessage)
            .where(OutboxMessage.channel == Channel.inapp, OutboxMessage.needs_action.is_(True),
                   OutboxMessage.resolved_at.is_(None), OutboxMessage.object_type == object_type,
                   OutboxMessage.object_id == object_id)
            .values(resolved_at=utcnow())
            .execution_options(synchronize_session="fetch"))
    if user_id is not None:
        stmt = stmt.where(OutboxMessage.recipient_id == user_id)
    return db.session.execute(stmt).rowcount or 0


# --- the staff queue page -----------------------------------------------------------------------

QUEUE_STATES = {"pending": "В очереди", "held": "Ждёт сводки", "sending": "Отправляется", "digest": "В сводке",
                "sent": "Отправлено", "failed": "Не доставлено"}


def state_of(row: OutboxMessage, held: bool = False) -> str:
    """`held`: the row waits for its recipient's daily digest (queue_query's second column)."""
    if row.sent_at is not None:
        return "sent"
    if row.failed:
        return "failed"
    if row.digest_id is not None:
        return "digest"
    if row.sending_at is not None:
        return "sending"
    return "held" if held else "pending"


def queue_query(state: str = "", q: str = "") -> Select:
    """E-mails (in-app notices are not sent, so they never queue), newest first: rows of
    (OutboxMessage, held)."""
    from ...listing import like_pattern
    from ...notifications.kinds import waits_for_digest

    m = OutboxMessage
    held = waits_for_digest()
    stmt = select(m, held.label("held")).where(m.channel == Channel.email)
    unsent = (m.sent_at.is_(None), m.failed.is_(False))
    if state == "pending":
        stmt = stmt.where(*unsent, m.digest_id.is_(None), m.sending_at.is_(None), ~held)
    elif state == "held":
        stmt = stmt.where(held)
    elif state == "sending":
        stmt = stmt.where(*unsent, m.sending_at.is_not(None))
    elif state == "digest":
        stmt = stmt.where(*unsent, m.digest_id.is_not(None))
    elif state == "sent":
        stmt = stmt.where(m.sent_at.is_not(None))
    elif state == "failed":
        stmt = stmt.where(m.sent_at.is_(None), m.failed.is_(True))
    if q:
        pattern = like_pattern(q)
        stmt = stmt.where(or_(m.recipient_email.ilike(pattern, escape="\\"),
                              m.subject.ilike(pattern, escape="\\")))
    return stmt.order_by(m.created_at.desc(), m.id.desc())


def retry(message_id: int, *, actor: User) -> OutboxMessage:
    """«Отправить повторно»: put an undelivered message (a dead letter) back into the queue with a fresh
    set of attempts. A person decides this, so it is audited with the error that stopped the sending."""
    row = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.id == message_id).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        raise DomainError("Письмо не найдено.")
    if state_of(row) != "failed":
        raise DomainError("Отправить повторно можно только недоставленное письмо.")
    audit.record("outbox.retry", actor=actor, obj=row,
                 payload={"attempts": row.attempts, "last_error": row.last_error,
                          "recipient": row.recipient_email})
    row.failed = False
    row.attempts = 0
    row.next_attempt_at = utcnow()
    row.sending_at = None
    db.session.flush()
    return row
