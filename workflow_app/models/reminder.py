"""Reminders: one row per (deadline, recipient, offset), materialised when the deadline is set.

Rows, not timers: a moved deadline moves its pending rows, a finished task cancels them, and the
scheduler's sweep only reads rows that are due — so restarts, missed runs and several nodes change
nothing, and the sweep's cost follows the due rows, not the table.
"""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, checked_enum, utcnow


class ReminderStatus(enum.Enum):
    pending = "Ожидает"
    sent = "Отправлено"
    skipped = "Пропущено"      # a «before» reminder that came due only after its deadline (downtime)
    cancelled = "Отменено"     # the task was done, withdrawn, or the recipient changed


class Reminder(db.Model):
    __tablename__ = "reminder"
    __table_args__ = (
        sa.UniqueConstraint("kind", "object_type", "object_id", "recipient_id", "offset_days",
                            name="uq_reminder_slot"),
        # The sweep reads only pending rows that are due: a partial index keeps it independent of the
        # millions of rows already sent or cancelled.
        sa.Index("ix_reminder_pending_due", "due_at", postgresql_where=sa.text("status = 'pending'"),
                 sqlite_where=sa.text("status = 'pending'")),
        sa.Index("ix_reminder_object", "object_type", "object_id"),
    )
    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int] = mapped_column(sa.Integer)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    # Days relative to the deadline: negative before it, positive after it (overdue).
    offset_days: Mapped[int] = mapped_column(sa.Integer)
    escalation: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    title: Mapped[str] = mapped_column(sa.String(300))   # «Заявка ИП-2026-001: доработка»
    link: Mapped[str] = mapped_column(sa.String(300), default="")  # path inside the site, e.g. /entries/5
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[ReminderStatus] = mapped_column(checked_enum(ReminderStatus, "status", 10),
                                                   default=ReminderStatus.pending)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    recipient = relationship("User", lazy="joined")
