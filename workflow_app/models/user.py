"""Users and their role grants."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, VersionedMixin, checked_enum
from .org import Municipality, Organization


class Role(enum.Enum):
    applicant = "Заявитель"
    coordinator = "Муниципальный координатор"
    expert = "Эксперт"
    staff = "Сотрудник ИРО"
    signatory = "Подписант"
    admin = "Администратор"

    @property
    def label(self) -> str:
        return self.value


class UserStatus(enum.Enum):
    active = "Активна"
    deactivated = "Заблокирована"


class User(UserMixin, TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[str] = mapped_column(sa.String(200), default="")
    phone: Mapped[str] = mapped_column(sa.String(60), default="")
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organization.id"), nullable=True, index=True
    )
    status: Mapped[UserStatus] = mapped_column(
        checked_enum(UserStatus, "status", 16), default=UserStatus.active
    )
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Bumped on password change: invalidates remember-me cookies and other sessions.
    session_epoch: Mapped[int] = mapped_column(sa.Integer, default=0)

    organization: Mapped[Organization | None] = relationship(lazy="joined")
    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # Flask-Login
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.status == UserStatus.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    def has_role(self, role: Role) -> bool:
        return any(g.role == role for g in self.grants)

    @property
    def roles(self) -> list[Role]:
        seen: list[Role] = []
        for g in self.grants:
            if g.role not in seen:
                seen.append(g.role)
        return sorted(seen, key=lambda r: list(Role).index(r))

    def applicant_org_ids(self) -> set[int]:
        return {g.organization_id for g in self.grants if g.role == Role.applicant and g.organization_id}

    def coordinator_municipality_ids(self) -> set[int]:
        return {
            g.municipality_id for g in self.grants if g.role == Role.coordinator and g.municipality_id
        }

    def __str__(self) -> str:
        return self.full_name


class RoleGrant(db.Model):
    """A role held by a user; applicant grants name an organisation, coordinator grants a municipality."""

    __tablename__ = "role_grant"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "role", "organization_id", "municipality_id", name="uq_role_grant"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(checked_enum(Role, "role", 16))
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organization.id"), nullable=True)
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipality.id"), nullable=True)

    user: Mapped[User] = relationship(back_populates="grants")
    organization: Mapped[Organization | None] = relationship(lazy="joined")
    municipality: Mapped[Municipality | None] = relationship(lazy="joined")

    def describe(self) -> str:
        if self.role == Role.applicant and self.organization:
            return f"{self.role.label}: {self.organization.short_name}"
        if self.role == Role.coordinator and self.municipality:
            return f"{self.role.label}: {self.municipality.name}"
        return self.role.label


class PasswordResetToken(db.Model):
    __tablename__ = "password_reset_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
