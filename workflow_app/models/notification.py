"""The outbox: every notice to send, written in the same transaction as its cause."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
        sa.CheckConstraint("digest_id IS NULL OR sent_at IS NULL", name="digested_is_not_sent"),
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
    # Set (and committed) just before the SMTP hand-over, cleared when the outcome is recorded. A row
    # still «sending» after a crash is never re-sent on its own: see notifications/dispatch.py.
    sending_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # A non-urgent e-mail of a user who reads a daily digest: the digest message it went out in.
    digest_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox.id"), nullable=True, index=True)


class MailMode(enum.Enum):
    immediate = "Сразу, отдельным письмом"
    digest = "Раз в день, одной сводкой"


class NotificationSetting(db.Model):
    """A user's choice for non-urgent e-mail (no row: immediate). Mandatory kinds ignore it."""

    __tablename__ = "notification_setting"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    mail_mode: Mapped[MailMode] = mapped_column(checked_enum(MailMode, "mail_mode", 10), default=MailMode.immediate)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class CalendarToken(db.Model):
    """The secret of a personal calendar feed; only its SHA-256 is stored. Revoked rows are kept."""

    __tablename__ = "calendar_token"
    __table_args__ = (
        # At most one live token per user: regenerating revokes the old one in the same transaction.
        sa.Index("uq_calendar_token_live", "user_id", unique=True,
                 postgresql_where=sa.text("revoked_at IS NULL"), sqlite_where=sa.text("revoked_at IS NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class GroupMail(db.Model):
    """A message staff wrote to a filtered group; its e-mails are outbox rows `group:<id>:<user>`."""

    __tablename__ = "group_mail"
    __table_args__ = (sa.CheckConstraint("recipients > 0", name="has_recipients"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    audience: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # the filter, as chosen
    audience_label: Mapped[str] = mapped_column(sa.String(500))   # the filter in Russian words
    recipients: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    author = relationship("User")
