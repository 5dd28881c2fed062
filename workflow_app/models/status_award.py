"""Status awards: who holds which status (КИП, КРЦ, ЛСВ, ФИП…), for which project and term, by which order."""
from __future__ import annotations

import enum
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, VersionedMixin, checked_enum
from .org import Organization


class StatusType(enum.Enum):
    KIP = "Краевая инновационная площадка (КИП)"
    KRC = "Краевой ресурсный центр (КРЦ)"
    RCOO = "Ресурсный центр общего образования (РЦОО)"
    LSV = "Лидер сетевого взаимодействия (ЛСВ)"
    MRC = "Межрегиональный ресурсный центр (МРЦ)"
    INTERNSHIP = "Стажировочная площадка"
    BEST_PRACTICE = "Площадка передового педагогического опыта"
    FIP = "Федеральная инновационная площадка (ФИП)"
    MIP = "Муниципальная инновационная площадка (МИП)"

    @property
    def short(self) -> str:
        return {"INTERNSHIP": "СП", "BEST_PRACTICE": "ППО"}.get(self.name, self.value.split("(")[-1].rstrip(")"))


class AwardStatus(enum.Enum):
    proposed = "Предложен"
    active = "Действует"
    suspended = "Приостановлен"
    completed = "Завершён"
    terminated = "Прекращён досрочно"


class StatusAward(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "status_award"
    __table_args__ = (sa.Index("ix_status_award_type_status", "status_type", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    status_type: Mapped[StatusType] = mapped_column(checked_enum(StatusType, "status_type", 16))
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
    granted_by = relationship("Order", foreign_keys=[granted_by_order_id])
    ended_by = relationship("Order", foreign_keys=[ended_by_order_id])
