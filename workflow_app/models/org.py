"""Municipalities and organisations."""
from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, VersionedMixin, checked_enum


class MunicipalityKind(enum.Enum):
    city = "городской округ"
    district = "муниципальный район"


class Municipality(db.Model):
    __tablename__ = "municipality"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(40))

    def __str__(self) -> str:
        return self.name


class OrgType(enum.Enum):
    DOO = "ДОО"
    OO = "ОО"
    ODOD = "ОДОД"
    SOO = "СОО"
    POO = "ПОО"
    MOUO = "МОУО"
    TMS = "ТМС"
    VUZ = "ВУЗ"
    OTHER = "Иное"

    @property
    def label(self) -> str:
        return self.value

    @classmethod
    def from_label(cls, text: str) -> OrgType | None:
        norm = (text or "").strip().upper().replace("Ё", "Е")
        for member in cls:
            if member.value.upper() == norm or member.name == norm:
                return member
        return None


class OrgStatus(enum.Enum):
    active = "Действует"
    deactivated = "Деактивирована"


class Organization(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "organization"
    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "full_name", name="uq_organization_municipality_name"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    org_type: Mapped[OrgType] = mapped_column(checked_enum(OrgType, "org_type", 16))
    full_name: Mapped[str] = mapped_column(sa.String(500))
    short_name: Mapped[str] = mapped_column(sa.String(200))
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    address: Mapped[str] = mapped_column(sa.String(500), default="")
    head_name: Mapped[str] = mapped_column(sa.String(200), default="")
    email: Mapped[str] = mapped_column(sa.String(200), default="")
    phone: Mapped[str] = mapped_column(sa.String(60), default="")
    inn: Mapped[str | None] = mapped_column(sa.String(12), nullable=True)
    status: Mapped[OrgStatus] = mapped_column(
        checked_enum(OrgStatus, "status", 16), default=OrgStatus.active, index=True
    )

    municipality: Mapped[Municipality] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:
        return self.status == OrgStatus.active

    def __str__(self) -> str:
        return self.short_name or self.full_name
