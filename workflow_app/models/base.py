"""Shared column helpers: UTC timestamps, the optimistic-lock version, Enum columns the database checks."""
from __future__ import annotations

import enum
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, always returns aware UTC (SQLite keeps no zone information)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def checked_enum(states: type[enum.Enum], column: str, length: int) -> sa.Enum:
    """A column type holding an Enum member's name in a VARCHAR; the database refuses any other value.

    The CHECK it creates is named after the column through the naming convention: `checked_enum(S,
    "status", 16)` on table `entry` is `ck_entry_status`. Pass the column's own name.
    """
    return sa.Enum(states, native_enum=False, length=length, create_constraint=True, name=column)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )


class VersionedMixin:
    """Optimistic locking: SQLAlchemy bumps `version` on every UPDATE and refuses stale writes."""

    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}
