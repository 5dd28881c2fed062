"""Status awards: who holds which status (КИП, КРЦ, ЛСВ, ФИП…), for which project and term, by which order."""
from __future__ import annotations

import enum
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, VersionedMixin, checked_enum
from .org import Organization
from .status_type import StatusType


class AwardStatus(enum.Enum):
    proposed = "Предложен"
    scheduled = "Присвоен, срок не начался"
    active = "Действует"
    suspended = "Приостановлен"
    completed = "Завершён"
    terminated = "Прекращён досрочно"


# States in which the term decides whether the award holds on a date (a scheduled award holds from its
# start; a completed or terminated one held until its end).
IN_FORCE_STATES = (AwardStatus.scheduled, AwardStatus.active, AwardStatus.completed, AwardStatus.terminated)


class StatusAward(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "status_award"
    __table_args__ = (
        sa.Index("ix_status_award_type_status", "status_type_id", "status"),
        # The registry and the figures select by term: «in force on a date», «in force during a year».
        sa.Index("ix_status_award_term", "term_from", "term_to"),
        sa.CheckConstraint("term_from <= term_to", name="term_order"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    status_type_id: Mapped[int] = mapped_column(sa.ForeignKey("status_type.id"))
    theme: Mapped[str] = mapped_column(sa.String(500), default="")
    term_from: Mapped[date] = mapped_column(sa.Date)
    term_to: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[AwardStatus] = mapped_column(
        checked_enum(AwardStatus, "status", 16), default=AwardStatus.proposed)
    granted_by_order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_doc.id"), nullable=True)
    ended_by_order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_doc.id"), nullable=True)
    entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("entry.id"), nullable=True, index=True)
    end_reason: Mapped[str] = mapped_column(sa.Text, default="")

    organization: Mapped[Organization] = relationship(lazy="joined")
    status_type: Mapped[StatusType] = relationship(lazy="joined")
    granted_by = relationship("Order", foreign_keys=[granted_by_order_id])
    ended_by = relationship("Order", foreign_keys=[ended_by_order_id])

    # --- what holds on a given date (derived, never stored) -------------------------------------------

    @classmethod
    def in_force_between(cls, start: Any, end: Any) -> sa.ColumnElement[bool]:
        """SQL: the award held on some day of [start, end] — granted (not merely proposed), its term
        meeting the period, and not ended by an order (completion, early termination) before `start`.
        `start`/`end` are dates or SQL date expressions."""
        from .orders import Order

        ended_on = sa.select(Order.order_date).where(Order.id == cls.ended_by_order_id).scalar_subquery()
        return sa.and_(
            cls.status.in_(IN_FORCE_STATES),
            cls.term_from <= end, cls.term_to >= start,
            sa.or_(cls.ended_by_order_id.is_(None), ended_on.is_(None), ended_on > start))

    @classmethod
    def current_on(cls, day: date) -> sa.ColumnElement[bool]:
        """SQL: the award is in force on `day` — granted (not merely proposed, not suspended), within its
        term, and not yet ended by a later order (completion or early termination) on or before that day."""
        return cls.in_force_between(day, day)

    def ended_on(self) -> date | None:
        """The date of the order that completed or terminated the award, if any."""
        return self.ended_by.order_date if self.ended_by is not None else None

    def is_current_on(self, day: date) -> bool:
        """The same rule as current_on(), for one loaded award."""
        return held_on(self.status, self.term_from, self.term_to, self.ended_on(), day)

    def state_on(self, day: date) -> str:
        """What the award is on `day`, as users read it (see `state_label`)."""
        return state_label(self.status, self.term_from, self.term_to, self.ended_on(), day)


def held_on(status: AwardStatus, term_from: date, term_to: date, ended: date | None, day: date) -> bool:
    """`StatusAward.current_on` for plain values (a loaded award or a registry row)."""
    return status in IN_FORCE_STATES and term_from <= day <= term_to and (ended is None or ended > day)


def state_label(status: AwardStatus, term_from: date, term_to: date, ended: date | None, day: date) -> str:
    """What an award is on `day`, as users read it: «Действует», «с 01.01.2027», «истёк 31.12.2025»,
    «Завершён 15.01.2026», «Прекращён досрочно 01.03.2026», «Приостановлен», «Предложен»."""
    if held_on(status, term_from, term_to, ended, day):
        return AwardStatus.active.value
    if status in (AwardStatus.proposed, AwardStatus.suspended):
        return status.value
    if day < term_from:
        return f"с {term_from:%d.%m.%Y}"
    if status in (AwardStatus.completed, AwardStatus.terminated):
        return f"{status.value} {ended or term_to:%d.%m.%Y}"
    return f"истёк {term_to:%d.%m.%Y}"
