"""Append-only audit log."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_object", "object_type", "object_id", "at"),
        sa.Index("ix_audit_at", "at"),
    )
    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id"), nullable=True, index=True
    )
    event: Mapped[str] = mapped_column(sa.String(64))
    object_type: Mapped[str] = mapped_column(sa.String(64))
    object_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    from_state: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    to_state: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    payload: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    ip: Mapped[str] = mapped_column(sa.String(64), default="")
    # Login attempts are looked up by the e-mail typed, which may match no account.
    subject: Mapped[str] = mapped_column(sa.String(254), default="", index=True)

    actor = relationship("User", lazy="joined")
