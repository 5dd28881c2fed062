"""API tokens: a user's bearer credentials for the JSON API. Only the SHA-256 of a token is stored."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .user import User


class ApiToken(db.Model):
    __tablename__ = "api_token"
    __table_args__ = (
        sa.CheckConstraint("revoked_by_id IS NULL OR revoked_at IS NOT NULL", name="revoked_by_needs_revoked_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    # sha256 hex of the whole token: a lookup by this unique index is the authentication.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The token's first characters, so its owner can tell tokens apart in a list (never enough to use it).
    prefix: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def __str__(self) -> str:
        return self.name
