"""Appeals against a campaign's published results: one per entry and appealed stage (unless withdrawn),
its attachments, and the campaign's appeal settings (window and decision term, in working days)."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, VersionedMixin, checked_enum
from .competition import Campaign, Entry, Stage
from .files import StoredFile
from .orders import Order
from .user import User

DEFAULT_WINDOW_DAYS = 3
DEFAULT_DECISION_DAYS = 5


class AppealStatus(enum.Enum):
    submitted = "Подана"
    under_review = "На рассмотрении"
    upheld = "Удовлетворена"
    rejected = "Отклонена"
    withdrawn = "Отозвана"


DECIDED = (AppealStatus.upheld, AppealStatus.rejected)
OPEN = (AppealStatus.submitted, AppealStatus.under_review)


class Appeal(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "appeal"
    __table_args__ = (
        # One live appeal per entry and appealed stage; a withdrawn one frees the slot.
        sa.Index("uq_appeal_entry_stage_live", "entry_id", "stage_id", unique=True,
                 postgresql_where=sa.text("status <> 'withdrawn'"),
                 sqlite_where=sa.text("status <> 'withdrawn'")),
        sa.Index("ix_appeal_campaign_status", "campaign_id", "status"),
        sa.CheckConstraint("(status IN ('upheld', 'rejected')) = (decided_at IS NOT NULL)",
                           name="decided_at_iff_decided"),
        sa.CheckConstraint("status NOT IN ('upheld', 'rejected') OR decision_reason <> ''",
                           name="decision_has_reason"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"))
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id"), index=True)
    stage_id: Mapped[int] = mapped_column(sa.ForeignKey("stage.id"))
    status: Mapped[AppealStatus] = mapped_column(checked_enum(AppealStatus, "status", 16),
                                                 default=AppealStatus.submitted)
    grounds: Mapped[str] = mapped_column(sa.Text)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), nullable=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When the decision is due (the campaign's decision term in working days from submission).
    decision_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), nullable=True)
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # What an upheld appeal changed: {"scores": [...], "decision": {...}, "entry": {"before", "after"}}
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    amending_order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_doc.id"), nullable=True)

    campaign: Mapped[Campaign] = relationship()
    entry: Mapped[Entry] = relationship()
    stage: Mapped[Stage] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    amending_order: Mapped[Order | None] = relationship()
    attachments: Mapped[list[AppealAttachment]] = relationship(
        back_populates="appeal", order_by="AppealAttachment.id", cascade="all, delete-orphan")

    @property
    def number(self) -> str:
        return f"{self.id}"


class AppealAttachment(db.Model):
    __tablename__ = "appeal_attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(sa.ForeignKey("appeal.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id"), index=True)

    appeal: Mapped[Appeal] = relationship(back_populates="attachments")
    file: Mapped[StoredFile] = relationship(lazy="joined")


class AppealSettings(db.Model):
    """A campaign's appeal terms in working days; no row: the defaults."""

    __tablename__ = "appeal_settings"
    __table_args__ = (
        sa.CheckConstraint("window_days BETWEEN 1 AND 30", name="window_days_range"),
        sa.CheckConstraint("decision_days BETWEEN 1 AND 60", name="decision_days_range"),
    )
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    window_days: Mapped[int] = mapped_column(sa.Integer, default=DEFAULT_WINDOW_DAYS)
    decision_days: Mapped[int] = mapped_column(sa.Integer, default=DEFAULT_DECISION_DAYS)
