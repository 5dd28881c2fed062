"""A meeting of a campaign's commission: what its protocol records."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin
from .competition import Campaign


class CommissionMeeting(TimestampMixin, db.Model):
    __tablename__ = "commission_meeting"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), index=True)
    number: Mapped[str] = mapped_column(sa.String(32), default="")
    held_on: Mapped[date] = mapped_column(sa.Date)
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    chair: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # {"name", "position"}
    secretary: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    members_present: Mapped[list] = mapped_column(sa.JSON, default=list)  # [{"name", "position"}]
    members_total: Mapped[int] = mapped_column(sa.Integer, default=0)
    agenda: Mapped[str] = mapped_column(sa.Text, default="")
    heard: Mapped[str] = mapped_column(sa.Text, default="")
    decided: Mapped[str] = mapped_column(sa.Text, default="")
    vote_yes: Mapped[int] = mapped_column(sa.Integer, default=0)
    vote_no: Mapped[int] = mapped_column(sa.Integer, default=0)
    vote_abstained: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), nullable=True)

    campaign: Mapped[Campaign] = relationship()
