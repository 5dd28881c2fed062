"""Applications of a ТМС for a network status (КРЦ/РЦОО, ЛСВ): the figures it states against each minimum
requirement of the status type, its theme and supporting text and file, staff review, the методический
совет decision with its protocol, and the granting order."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, VersionedMixin, checked_enum
from .files import StoredFile
from .org import Organization
from .status_type import StatusType


class ApplicationStatus(enum.Enum):
    draft = "Черновик"
    submitted = "Подана"
    returned = "Возвращена на доработку"
    resubmitted = "Подана повторно"
    under_review = "Передана на методический совет"
    council_approved = "Одобрена методическим советом"
    council_rejected = "Отклонена методическим советом"
    granted = "Статус присвоен"


# States in which the методический совет has decided: the protocol is recorded.
DECIDED = ("council_approved", "council_rejected", "granted")


class StatusApplication(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "status_application"
    __table_args__ = (
        sa.Index("ix_status_application_year_status", "year", "status"),
        sa.CheckConstraint(
            f"(status IN ({', '.join(repr(s) for s in DECIDED)})) = "
            "(council_date IS NOT NULL AND council_number <> '')", name="protocol_iff_decided"),
        sa.CheckConstraint("status <> 'granted' OR award_id IS NOT NULL", name="award_when_granted"),
        sa.CheckConstraint("shortfalls >= 0", name="shortfalls_non_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    status_type_id: Mapped[int] = mapped_column(sa.ForeignKey("status_type.id"))
    year: Mapped[int] = mapped_column(sa.Integer)
    status: Mapped[ApplicationStatus] = mapped_column(
        checked_enum(ApplicationStatus, "status", 16), default=ApplicationStatus.draft)
    theme: Mapped[str] = mapped_column(sa.String(500), default="")
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    # The type's requirements as they were when the figures were stated, each with the stated value:
    # [{"code", "name", "min", "unit", "value": number | None}] — the application is judged against these.
    figures: Mapped[list] = mapped_column(sa.JSON, default=list)
    # How many requirements the stated figures fall short of (written with the figures, for the lists).
    shortfalls: Mapped[int] = mapped_column(sa.Integer, default=0)
    file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"), nullable=True)
    remarks: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    council_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    council_number: Mapped[str] = mapped_column(sa.String(32), default="")
    council_decision: Mapped[str] = mapped_column(sa.Text, default="")
    council_file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"), nullable=True)
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_doc.id"), nullable=True)
    award_id: Mapped[int | None] = mapped_column(sa.ForeignKey("status_award.id"), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), nullable=True)

    organization: Mapped[Organization] = relationship(lazy="joined")
    status_type: Mapped[StatusType] = relationship(lazy="joined")
    file: Mapped[StoredFile | None] = relationship(foreign_keys=[file_id])
    council_file: Mapped[StoredFile | None] = relationship(foreign_keys=[council_file_id])
    order = relationship("Order", foreign_keys=[order_id])
    award = relationship("StatusAward", foreign_keys=[award_id])
