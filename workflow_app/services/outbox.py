"""Queueing notices. Rows are written in the caller's transaction; the dispatcher sends them later."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Channel, OutboxMessage, User


def _queue(channel: Channel, dedup_key: str, *, subject: str, body: str,
           email: str = "", user: User | None = None) -> OutboxMessage:
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
    )
    db.session.add(row)
    return row


def queue_email(dedup_key: str, *, subject: str, body: str, email: str = "",
                user: User | None = None) -> OutboxMessage:
    return _queue(Channel.email, f"email:{dedup_key}", subject=subject, body=body, email=email, user=user)


def queue_notice(dedup_key: str, *, user: User, subject: str, body: str) -> OutboxMessage:
    """An in-app notice: it shows in the user's notice list at once (no sending step)."""
    return _queue(Channel.inapp, f"inapp:{dedup_key}", subject=subject, body=body, user=user)


def notify(dedup_key: str, *, user: User, subject: str, body: str) -> None:
    """Both channels: a notice in the app and an e-mail."""
    queue_notice(dedup_key, user=user, subject=subject, body=body)
    queue_email(dedup_key, user=user, subject=subject, body=body)
