"""Yearly and final reports of status holders, their evidence files, and the termination proposals that
missed or unfixed reports raise for staff."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, VersionedMixin, checked_enum
from .files import StoredFile
from .status_award import StatusAward


class ReportKind(enum.Enum):
    yearly = "Ежегодный"
    final = "Итоговый"


class ReportStatus(enum.Enum):
    due = "Ожидается"
    draft = "Черновик"
    submitted = "Представлен"
    returned = "Возвращён на доработку"
    accepted = "Принят"
    overdue = "Просрочен"


# States in which the holder still owes the report: past the due date they become overdue.
OWED = (ReportStatus.due, ReportStatus.draft, ReportStatus.returned)
# States in which the holder edits the report.
EDITABLE = (ReportStatus.due, ReportStatus.draft, ReportStatus.returned, ReportStatus.overdue)


class StatusReport(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "status_report"
    __table_args__ = (
        sa.UniqueConstraint("award_id", "kind", "period_year", name="uq_status_report_period"),
        # The overdue scan: owed reports whose due date has passed.
        sa.Index("ix_status_report_state_due", "status", "due_date"),
        sa.CheckConstraint("period_year BETWEEN 1990 AND 2200", name="period_year_range"),
        sa.CheckConstraint("status NOT IN ('submitted', 'accepted') OR submitted_at IS NOT NULL",
                           name="submitted_has_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(sa.ForeignKey("status_award.id"), index=True)
    kind: Mapped[ReportKind] = mapped_column(checked_enum(ReportKind, "kind", 8), default=ReportKind.yearly)
    period_year: Mapped[int] = mapped_column(sa.Integer)
    due_date: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[ReportStatus] = mapped_column(checked_enum(ReportStatus, "status", 12),
                                                 default=ReportStatus.due)
    # {"activities": grid, "products": grid, "events": grid, "publications": grid, "network": grid,
    #  "results": grid (final), "teachers_trained": "41", "summary"/"problems"/"plans": text}
    content: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    remarks: Mapped[str] = mapped_column(sa.Text, default="")  # the reviewer's last remarks
    # Set when the report became overdue while still owed; two such reports raise a termination proposal.
    missed: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    award: Mapped[StatusAward] = relationship(lazy="joined")
    files: Mapped[list[StatusReportFile]] = relationship(
        back_populates="report", cascade="all, delete-orphan", lazy="selectin",
        order_by="StatusReportFile.id")

    @property
    def title(self) -> str:
        return f"{self.kind.value} отчёт за {self.period_year} год"


class StatusReportFile(db.Model):
    """An evidence file of a report (checked by its content on upload)."""

    __tablename__ = "status_report_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("status_report.id"), index=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id"), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300), default="")

    report: Mapped[StatusReport] = relationship(back_populates="files")
    file: Mapped[StoredFile] = relationship(lazy="joined")


class ProposalStatus(enum.Enum):
    open = "Ожидает решения"
    ordered = "Подготовлен приказ"
    dismissed = "Отклонено"


class TerminationProposal(TimestampMixin, VersionedMixin, db.Model):
    """A proposal to end a status early, raised by missed or unfixed reports. Never acts by itself:
    a staff member decides, and an order grounds the termination."""

    __tablename__ = "termination_proposal"
    __table_args__ = (
        # One proposal per award and cause: the job may run any number of times.
        sa.UniqueConstraint("award_id", "cause", name="uq_termination_proposal_cause"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(sa.ForeignKey("status_award.id"), index=True)
    # "missed_twice" or "returned_unfixed:<report id>"
    cause: Mapped[str] = mapped_column(sa.String(40))
    reason: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[ProposalStatus] = mapped_column(checked_enum(ProposalStatus, "status", 12),
                                                   default=ProposalStatus.open)
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")

    award: Mapped[StatusAward] = relationship(lazy="joined")
