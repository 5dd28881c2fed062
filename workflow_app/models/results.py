"""Results of a campaign: staff changes to the proposed commission decision, and the approved decision.

The proposal itself is never stored: it is computed from the ranking each time, so only the staff's
deliberate departures from it (with their reasons) are rows here.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, checked_enum, utcnow
from .competition import Decision, Entry
from .user import User


class DecisionOverride(db.Model):
    """Staff changed the ranking's proposal for one entry (winner ↔ not selected), with a reason."""

    __tablename__ = "decision_override"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"), unique=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    decision: Mapped[Decision] = mapped_column(checked_enum(Decision, "decision", 16))
    reason: Mapped[str] = mapped_column(sa.Text)
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), nullable=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry: Mapped[Entry] = relationship()
    changed_by: Mapped[User | None] = relationship()


class CampaignDecision(db.Model):
    """The approved commission decision of a campaign: once this row exists, results are locked."""

    __tablename__ = "campaign_decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), unique=True)
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), nullable=True)
    winners: Mapped[int] = mapped_column(sa.Integer, default=0)
    not_selected: Mapped[int] = mapped_column(sa.Integer, default=0)
    # Per track: {"track code": {"winners": n, "quota": q, "threshold_pct": x}}
    summary: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    approved_by: Mapped[User | None] = relationship()
