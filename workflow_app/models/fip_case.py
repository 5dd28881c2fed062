"""КИП → ФИП preparation: a case per organisation and project, its federal form (18 items), the review
rounds with the methodologist's remarks, the council's recommendation and the ministry's outcome."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, VersionedMixin, checked_enum, utcnow
from .org import Organization


class FipStatus(enum.Enum):
    readiness = "Самооценка готовности"
    drafting = "Подготовка заявки"
    review = "На рецензии у методиста"
    revision = "На доработке"
    recommended = "Рекомендована Координационным советом"
    submitted = "Подана в Минпросвещения России"
    recognised = "Признана ФИП"
    not_recognised = "Не признана ФИП"
    withdrawn = "Отозвана"


FINAL = (FipStatus.recognised, FipStatus.not_recognised, FipStatus.withdrawn)
# The organisation writes the form only in these states; the frozen rounds keep what was reviewed.
EDITABLE = (FipStatus.readiness, FipStatus.drafting, FipStatus.revision)


class FipCase(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "fip_case"
    __table_args__ = (
        sa.Index("ix_fip_case_org_status", "organization_id", "status"),
        sa.CheckConstraint(
            "council_date IS NOT NULL OR status NOT IN ('recommended', 'submitted', 'recognised', "
            "'not_recognised')", name="council_before_submission"),
        sa.CheckConstraint(
            "submitted_on IS NOT NULL OR status NOT IN ('submitted', 'recognised', 'not_recognised')",
            name="submitted_before_outcome"),
        sa.CheckConstraint(
            "(status = 'recognised') = (ministry_order_id IS NOT NULL AND fip_award_id IS NOT NULL)",
            name="recognised_iff_order"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    # The КИП award the case builds on (its entry's dossier prefills the form); none for a project
    # prepared without a КИП (the readiness check then says so).
    kip_award_id: Mapped[int | None] = mapped_column(sa.ForeignKey("status_award.id"), nullable=True)
    project: Mapped[str] = mapped_column(sa.String(500))
    year: Mapped[int] = mapped_column(sa.Integer)   # the federal call the application goes to
    status: Mapped[FipStatus] = mapped_column(checked_enum(FipStatus, "status", 16), default=FipStatus.readiness)
    # {"1": text, …, "11": grid dict, "13": grid dict}: the 18 items by number (services/fip/form.py).
    form: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    infographic_file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"), nullable=True)
    # The manual readiness items staff ticked (their texts, as configured at the time).
    manual_checks: Mapped[list] = mapped_column(sa.JSON, default=list)
    council_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    council_protocol: Mapped[str] = mapped_column(sa.String(64), default="")
    council_decision: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    ministry_order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_doc.id"), nullable=True)
    fip_award_id: Mapped[int | None] = mapped_column(sa.ForeignKey("status_award.id"), nullable=True)
    outcome_note: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), nullable=True)

    organization: Mapped[Organization] = relationship(lazy="joined")
    kip_award = relationship("StatusAward", foreign_keys=[kip_award_id])
    fip_award = relationship("StatusAward", foreign_keys=[fip_award_id])
    ministry_order = relationship("Order", foreign_keys=[ministry_order_id])
    infographic = relationship("StoredFile", foreign_keys=[infographic_file_id])
    rounds: Mapped[list[FipRound]] = relationship(
        back_populates="case", order_by="FipRound.number", cascade="all, delete-orphan")

    @property
    def current_round(self) -> FipRound | None:
        return self.rounds[-1] if self.rounds else None


class FipRound(db.Model):
    """One review round: the form as sent for review (frozen), the methodologist's remarks per item."""

    __tablename__ = "fip_round"
    __table_args__ = (sa.UniqueConstraint("case_id", "number", name="uq_fip_round_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("fip_case.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(sa.Integer)
    content: Mapped[dict] = mapped_column(sa.JSON)          # the form's items at sending
    comments: Mapped[dict] = mapped_column(sa.JSON, default=dict)   # {"8": "Сократить до …"}
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), nullable=True)

    case: Mapped[FipCase] = relationship(back_populates="rounds")
    reviewer = relationship("User", foreign_keys=[reviewer_id])

    @property
    def remarks(self) -> list[tuple[str, str]]:
        """The remarks in the form's order (item 8 before item 12)."""
        return sorted((self.comments or {}).items(), key=lambda kv: int(kv[0]) if kv[0].isdigit() else 99)
