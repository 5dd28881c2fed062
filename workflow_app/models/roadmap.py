"""Roadmaps (ДК) of network-status holders (КРЦ/РЦОО, ЛСВ): one plan per organisation and year in the grid
shape (№, activity, period, audience, responsible; group rows), approved by staff by the year's deadline,
with staff notes on its content and the November completion report against its rows."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, VersionedMixin, checked_enum, utcnow
from .org import Organization
from .user import User


class RoadmapStatus(enum.Enum):
    draft = "Черновик"
    submitted = "Представлена"
    returned = "Возвращена на доработку"
    resubmitted = "Представлена повторно"
    approved = "Утверждена"
    reported = "Отчёт о выполнении представлен"


class Roadmap(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "roadmap"
    __table_args__ = (
        sa.UniqueConstraint("organization_id", "year", name="uq_roadmap_org_year"),
        sa.Index("ix_roadmap_year_status", "year", "status"),
        sa.CheckConstraint("(status IN ('approved', 'reported')) = (approved_at IS NOT NULL)",
                           name="approved_at_iff_approved"),
        sa.CheckConstraint("status <> 'reported' OR reported_at IS NOT NULL", name="reported_at_when_reported"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    year: Mapped[int] = mapped_column(sa.Integer)
    title: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[RoadmapStatus] = mapped_column(
        checked_enum(RoadmapStatus, "status", 16), default=RoadmapStatus.draft)
    # The plan in the shared grid shape (services/documents/grid.py).
    plan: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    remarks: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), nullable=True)
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_doc.id"), nullable=True)
    # The completion report: one entry per plan row (by its index among the plan's rows):
    # {"row": int, "fact": done|partly|not_done|moved, "new_date": "ДД.ММ.ГГГГ" | "", "comment": str}.
    completion: Mapped[list] = mapped_column(sa.JSON, default=list)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    organization: Mapped[Organization] = relationship(lazy="joined")
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    order = relationship("Order", foreign_keys=[order_id])
    notes: Mapped[list[RoadmapNote]] = relationship(back_populates="roadmap", order_by="RoadmapNote.id",
                                                    cascade="all, delete-orphan")


class RoadmapNote(db.Model):
    """A staff note on the roadmap's content (the September content analysis): dated, signed by its author,
    never edited (a correction is a new note)."""

    __tablename__ = "roadmap_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    roadmap_id: Mapped[int] = mapped_column(sa.ForeignKey("roadmap.id"), index=True)
    noted_on: Mapped[date] = mapped_column(sa.Date)
    text: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    roadmap: Mapped[Roadmap] = relationship(back_populates="notes")
    author: Mapped[User] = relationship(lazy="joined")
