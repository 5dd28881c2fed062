"""Status types as data: what each status (КИП, КРЦ, ЛСВ, ФИП…) means, who may hold it, its term, its
report schedule and minimum requirements, and who grants it. Editable by administrators.

Also the configurable grounds for ending a status early («не представлены отчёты дважды», …)."""
from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import TimestampMixin, VersionedMixin, checked_enum
from .org import OrgType


class GrantingBody(enum.Enum):
    institute = "Институт (ИРО)"
    municipality = "Муниципалитет"
    federal = "Федеральное министерство"


class StatusType(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "status_type"
    __table_args__ = (
        sa.CheckConstraint("default_term_years BETWEEN 1 AND 10", name="term_years_range"),
        sa.CheckConstraint("report_due_month BETWEEN 1 AND 12 AND report_due_day BETWEEN 1 AND 31",
                           name="report_due_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # A stable code used by order effects and imports of old data (KIP, KRC…); never shown to users.
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    short_name: Mapped[str] = mapped_column(sa.String(16), unique=True)
    default_term_years: Mapped[int] = mapped_column(sa.Integer, default=3)
    # OrgType member names of the organisations that may hold the status.
    holder_org_types: Mapped[list] = mapped_column(sa.JSON, default=list)
    report_due_month: Mapped[int] = mapped_column(sa.Integer, default=12)
    report_due_day: Mapped[int] = mapped_column(sa.Integer, default=1)
    final_report: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    # [{"code", "name", "min", "unit"}]: the numbers an application or a report is measured against.
    requirements: Mapped[list] = mapped_column(sa.JSON, default=list)
    granting_body: Mapped[GrantingBody] = mapped_column(
        checked_enum(GrantingBody, "granting_body", 16), default=GrantingBody.institute)
    suspension_allowed: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)

    @property
    def holder_types(self) -> list[OrgType]:
        return [OrgType[n] for n in self.holder_org_types or [] if n in OrgType.__members__]

    def may_hold(self, org_type: OrgType) -> bool:
        return not self.holder_org_types or org_type.name in self.holder_org_types

    @property
    def label(self) -> str:
        """«Краевая инновационная площадка (КИП)»: how orders and lists name the status."""
        return f"{self.name} ({self.short_name})"

    def __str__(self) -> str:
        return self.short_name


class TerminationGround(TimestampMixin, db.Model):
    """One ground an order may give for ending a status early; retired grounds stay for history."""

    __tablename__ = "termination_ground"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300), unique=True)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
