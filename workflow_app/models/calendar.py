"""The regional calendar of non-working days: holidays and the days moved by the government's decree.

Saturdays and Sundays are non-working unless a row says otherwise (a working Saturday moved from a
holiday bridge); any other day is working unless a row marks it a holiday. Admins edit the rows.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class CalendarDay(db.Model):
    __tablename__ = "calendar_day"
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    working: Mapped[bool] = mapped_column(sa.Boolean, default=False)  # False: a holiday / day off
    title: Mapped[str] = mapped_column(sa.String(200), default="")  # «Новогодние каникулы», «Перенос с …»
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), nullable=True)
