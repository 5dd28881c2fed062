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
from .base import TimestampMixin, UTCDateTime, checked_enum, utcnow


class ReminderStatus(enum.Enum):
    pending = "Ожидает"
    sent = "Отправлено"
    skipped = "Пропущено"      # a «before» reminder that came due only after its deadline (downtime)
    cancelled = "Отменено"     # the task was done, withdrawn, or the recipient changed


PENDING = sa.text("status = 'pending'")
PENDING_SERIES = sa.text("status = 'pending' AND series <> ''")
DEFAULT_SCOPE = sa.text("campaign_id IS NULL AND status_type IS NULL")


class Reminder(db.Model):
    __tablename__ = "reminder"
    __table_args__ = (
        # Also the lookup of an object's reminders (its leading columns).
        sa.UniqueConstraint("object_type", "object_id", "kind", "recipient_id", "offset_days",
                            name="uq_reminder_slot"),
        # The sweep reads only pending rows that are due: a partial index keeps it independent of the
        # millions of rows already sent or cancelled. The other secondary indexes are partial too, so a
        # swept row (pending → sent) is re-indexed only in the primary key and the slot key.
        sa.Index("ix_reminder_pending_due", "due_at", postgresql_where=PENDING, sqlite_where=PENDING),
        sa.Index("ix_reminder_pending_recipient", "recipient_id", "due_at",
                 postgresql_where=PENDING, sqlite_where=PENDING),
        sa.Index("ix_reminder_pending_series", "series", postgresql_where=PENDING_SERIES,
                 sqlite_where=PENDING_SERIES),
    )
    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int] = mapped_column(sa.Integer)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    # Days relative to the deadline: negative before it, positive after it (overdue).
    offset_days: Mapped[int] = mapped_column(sa.Integer)
    escalation: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    title: Mapped[str] = mapped_column(sa.String(300))   # «Заявка ИП-2026-001: доработка»
    link: Mapped[str] = mapped_column(sa.String(300), default="")  # path inside the site, e.g. /entries/5
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[ReminderStatus] = mapped_column(checked_enum(ReminderStatus, "status", 10),
                                                   default=ReminderStatus.pending)
    # Deadlines shared by many objects (a campaign stage's date): "stage:<id>". Moving the shared date
    # moves the pending reminders of the series in one statement.
    series: Mapped[str] = mapped_column(sa.String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    recipient = relationship("User", lazy="joined")


class ReminderRule(TimestampMixin, db.Model):
    """When and whom to remind of one kind of deadline: for a campaign, for a status type (by its short
    name, e.g. «КИП»), or the default (neither). The most specific rule wins; without any rule the
    kind's built-in defaults apply (services/reminders/rules.py)."""

    __tablename__ = "reminder_rule"
    __table_args__ = (
        sa.CheckConstraint("campaign_id IS NULL OR status_type IS NULL", name="one_scope"),
        sa.Index("uq_reminder_rule_campaign", "kind", "campaign_id", unique=True,
                 postgresql_where=sa.text("campaign_id IS NOT NULL"), sqlite_where=sa.text("campaign_id IS NOT NULL")),
        sa.Index("uq_reminder_rule_status_type", "kind", "status_type", unique=True,
                 postgresql_where=sa.text("status_type IS NOT NULL"), sqlite_where=sa.text("status_type IS NOT NULL")),
        sa.Index("uq_reminder_rule_default", "kind", unique=True, postgresql_where=DEFAULT_SCOPE,
                 sqlite_where=DEFAULT_SCOPE),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"),
                                                    nullable=True, index=True)
    status_type: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    before_days: Mapped[list] = mapped_column(sa.JSON, default=list)   # [14, 3, 1]
    after_days: Mapped[list] = mapped_column(sa.JSON, default=list)    # [1, 7]
    escalate_coordinator: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    escalate_staff: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # Deadlines with no date of their own (an order's visa, its signature): working days after the request.
    due_working_days: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)


class OverdueMark(db.Model):
    """A task found overdue by the scheduler's job (a review, a correction, a report): marked once, with
    its audit row; lists show «Просрочено» from it. Removed when the task is done or its deadline moves
    past now."""

    __tablename__ = "overdue_mark"
    __table_args__ = (sa.UniqueConstraint("object_type", "object_id", "kind", name="uq_overdue_mark"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int] = mapped_column(sa.Integer)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime())
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
