"""The outbox: every notice to send, written in the same transaction as its cause."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, checked_enum, utcnow


class Channel(enum.Enum):
    email = "email"
    inapp = "inapp"


class OutboxMessage(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (
        sa.Index("ix_outbox_pending", "sent_at", "next_attempt_at"),
        sa.CheckConstraint("NOT failed OR sent_at IS NULL", name="sent_is_not_failed"),
        sa.Index("ix_outbox_object", "object_type", "object_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique per notice: writing the same notice twice is a no-op, so a retried cause never sends twice.
    dedup_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    channel: Mapped[Channel] = mapped_column(checked_enum(Channel, "channel", 10))
    recipient_email: Mapped[str] = mapped_column(sa.String(254), default="")
    recipient_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id"), nullable=True, index=True
    )
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    failed: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # What the notice is about (the view turns it into a link: models.notification.NOTICE_OBJECTS) and,
    # for a notice that asks for an action, when that action was done: a resolved notice leaves the
    # unread and «to do» counts and shows as done.
    object_type: Mapped[str] = mapped_column(sa.String(40), default="")
    object_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    needs_action: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
