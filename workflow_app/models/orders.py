"""Orders (приказы): the legally binding output. Signed orders are immutable; a correction is a new order."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, VersionedMixin, checked_enum, utcnow
from .files import StoredFile
from .user import User


class OrderKind(enum.Enum):
    conduct_competition = "О проведении конкурса"
    approve_results = "Об утверждении итогов конкурса"
    assign_status = "О присвоении статуса"
    approve_roadmap = "Об утверждении дорожной карты"
    extend_status = "О продлении статуса"
    complete_status = "О завершении деятельности площадки"
    terminate_status = "О досрочном прекращении статуса"
    amend = "О внесении изменений в приказ"
    cancel = "Об отмене приказа"
    other = "Иной приказ"


class OrderStatus(enum.Enum):
    draft = "Проект"
    approval = "На согласовании"
    approved = "Согласован, ожидает подписи"
    signed = "Подписан"
    amended = "Изменён последующим приказом"
    cancelled = "Отменён"
    # An order issued outside the system (the ministry, a municipality, the institute's own paper
    # orders of past years): entered with its own date, number and scan, frozen like a signed one.
    registered = "Зарегистрирован (внешний)"


class Order(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "order_doc"
    __table_args__ = (
        sa.UniqueConstraint("year", "seq", name="uq_order_year_seq"),
        # One registry per issuer: «(issuer, year, number)» names one order. Orders issued here have the
        # empty issuer (the institute), so their numbers of a year are unique too.
        sa.UniqueConstraint("issuer", "year", "number", name="uq_order_issuer_year_number"),
        sa.Index("ix_order_year_status", "year", "status"),
        # A signed order keeps its registry number and signing time after a later order amends or
        # cancels it; an unsigned one has neither. A registered (external) order has its own number
        # and date but was never signed here.
        sa.CheckConstraint("(status IN ('signed', 'amended', 'cancelled')) = "
                           "(number IS NOT NULL AND signed_at IS NOT NULL) AND "
                           "(status <> 'registered' OR (number IS NOT NULL AND order_date IS NOT NULL "
                           "AND issuer <> ''))", name="number_iff_signed"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrderKind] = mapped_column(checked_enum(OrderKind, "kind", 24))
    status: Mapped[OrderStatus] = mapped_column(
        checked_enum(OrderStatus, "status", 16), default=OrderStatus.draft)
    title: Mapped[str] = mapped_column(sa.Text)
    # Who issued it: empty for orders issued here (the institute); the ministry, a municipality's
    # education authority or the institute itself for an order registered from outside.
    issuer: Mapped[str] = mapped_column(sa.String(500), default="")
    # The letterhead the order was issued under: a snapshot of the institution settings taken when the
    # draft is created, editable on the draft, frozen with the order.
    ministry: Mapped[str] = mapped_column(sa.Text, default="")
    institute_full: Mapped[str] = mapped_column(sa.Text, default="")
    institute_short: Mapped[str] = mapped_column(sa.String(500), default="")
    doc_kind: Mapped[str] = mapped_column(sa.String(100), default="ПРИКАЗ")
    city: Mapped[str] = mapped_column(sa.String(200), default="")
    preamble: Mapped[str] = mapped_column(sa.Text, default="")
    items: Mapped[list] = mapped_column(sa.JSON, default=list)  # [{"text", "subitems": [..]}]
    control_clause: Mapped[str] = mapped_column(sa.Text, default="")
    # Each annex a document of its own (services/orders/annexes.py): {"heading_lines", "title", "subtitle",
    # "abbreviations", "text", "columns", "rows", "row_kinds", "widths"}; rows written before 0014 have
    # {"title", "text", "approved_word", "table": {"headers", "rows", "widths"}} and are read as such.
    annexes: Mapped[list] = mapped_column(sa.JSON, default=list)
    # The one user who may sign this order, chosen on the draft (a holder of the signatory role).
    designated_signatory_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id"), nullable=True, index=True)
    # Who actually signed, and the signature block as printed: a snapshot of his profile taken at signing.
    signatory_position: Mapped[str] = mapped_column(sa.String(200), default="")
    signatory_name: Mapped[str] = mapped_column(sa.String(200), default="")
    signatory_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), nullable=True)
    # What signing does, by kind: e.g. {"campaign_id": 1} or {"awards": [...]} or {"target_order_id": 5}.
    effects: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaign.id"), nullable=True, index=True)
    target_order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_doc.id"), nullable=True)
    # Registry number: assigned at signing, unique per year, sequential without gaps.
    year: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    seq: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    number: Mapped[str | None] = mapped_column(sa.String(32), nullable=True)
    order_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    pdf_file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"), nullable=True)
    docx_file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"), nullable=True)

    pdf_file: Mapped[StoredFile | None] = relationship(foreign_keys=[pdf_file_id])
    docx_file: Mapped[StoredFile | None] = relationship(foreign_keys=[docx_file_id])
    signatory: Mapped[User | None] = relationship(foreign_keys=[signatory_id])
    designated_signatory: Mapped[User | None] = relationship(foreign_keys=[designated_signatory_id])
    # Scans of the wet-signed paper, newest first: a correction is a new version, never an overwrite.
    scans: Mapped[list[OrderScan]] = relationship(
        back_populates="order", order_by="OrderScan.version.desc()")
    target_order: Mapped[Order | None] = relationship(remote_side=[id], foreign_keys=[target_order_id])
    approvals: Mapped[list[OrderApproval]] = relationship(
        back_populates="order", order_by="OrderApproval.position", cascade="all, delete-orphan")

    @property
    def display_number(self) -> str:
        return self.number or "—"

    @property
    def is_external(self) -> bool:
        return self.status == OrderStatus.registered

    @property
    def issuer_name(self) -> str:
        """Who issued the order, as the registry shows it."""
        return self.issuer or self.institute_short


class OrderScan(db.Model):
    """One uploaded scan of a signed order; versions count from 1 per order and are never replaced."""

    __tablename__ = "order_scan"
    __table_args__ = (sa.UniqueConstraint("order_id", "version", name="uq_order_scan_order_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("order_doc.id"), index=True)
    version: Mapped[int] = mapped_column(sa.Integer)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id"))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    order: Mapped[Order] = relationship(back_populates="scans")
    file: Mapped[StoredFile] = relationship(lazy="joined")
    uploaded_by: Mapped[User | None] = relationship(lazy="joined")


class VisaStatus(enum.Enum):
    pending = "Ожидает"
    approved = "Согласовано"
    returned = "Возвращено с замечанием"


class OrderApproval(db.Model):
    """One visa in the approval round of an order."""

    __tablename__ = "order_approval"
    __table_args__ = (
        sa.Index("ix_order_approval_approver_status", "approver_id", "status"),
        sa.CheckConstraint("(status = 'pending') = (decided_at IS NULL)", name="decided_at_iff_decided"),
        sa.CheckConstraint("status <> 'returned' OR remark <> ''", name="returned_has_remark"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("order_doc.id", ondelete="CASCADE"), index=True)
    approver_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    round: Mapped[int] = mapped_column(sa.Integer, default=1)
    status: Mapped[VisaStatus] = mapped_column(
        checked_enum(VisaStatus, "status", 16), default=VisaStatus.pending)
    remark: Mapped[str] = mapped_column(sa.Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    order: Mapped[Order] = relationship(back_populates="approvals")
    approver: Mapped[User] = relationship(lazy="joined")


class OrderCounter(db.Model):
    """The last registry number used per year; bumped in the signing transaction (row lock)."""

    __tablename__ = "order_counter"
    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(sa.Integer, default=0)
