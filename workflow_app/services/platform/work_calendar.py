"""Working days by the regional calendar: weekends are days off by default, the admins' table of
holidays and moved days (`CalendarDay`) says where the year differs.

`working_days_after` is pure (a `WorkCalendar` value in, a date out) so terms like «3 working days from
publication» are tested without a database; `load` reads the table rows of a date range once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Select, select

from ... import audit
from ...errors import ValidationFailed
from ...extensions import db
from ...models.calendar import CalendarDay

# Longer than any run of days off (New Year holidays are at most 12 days): a term never looks further.
HORIZON_DAYS = 400


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date] = field(default_factory=frozenset)      # days off that are not weekends
    working_days: frozenset[date] = field(default_factory=frozenset)  # weekends that are working days

    def is_working(self, day: date) -> bool:
        if day in self.holidays:
            return False
        if day in self.working_days:
            return True
        return day.weekday() < 5


def working_days_after(start: date, n: int, calendar: WorkCalendar) -> date:
    """The n-th working day after `start` (start itself not counted); n = 0 gives `start`.

    «Three working days from Friday's publication» ends on Wednesday; over the New Year holidays
    (1–8 January off) a term starting on 29 December counts 30 and 31 December, then 9 January.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    day, left = start, n
    while left:
        day += timedelta(days=1)
        if calendar.is_working(day):
            left -= 1
    return day


def load(start: date, end: date | None = None) -> WorkCalendar:
    """The calendar with the table's rows from `start` to `end` (default: HORIZON_DAYS later)."""
    end = end or start + timedelta(days=HORIZON_DAYS)
    rows = db.session.execute(
        select(CalendarDay.day, CalendarDay.working).where(CalendarDay.day.between(start, end))).all()
    return WorkCalendar(holidays=frozenset(d for d, w in rows if not w),
                        working_days=frozenset(d for d, w in rows if w))


def days_query(year: int | None = None) -> Select:
    stmt = select(CalendarDay).order_by(CalendarDay.day)
    if year is not None:
        stmt = stmt.where(CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))
    return stmt


def set_day(day: date, *, working: bool, title: str, actor) -> CalendarDay:
    """Mark a day as a day off (a holiday) or as a working day (a moved weekend); audited."""
    from ...policy import require

    require(actor, "calendar.edit")
    title = (title or "").strip()
    if working and day.weekday() < 5:
        raise ValidationFailed(f"{day:%d.%m.%Y} — будний день: он и так рабочий. Рабочим можно отметить "
                               "только субботу или воскресенье (перенос выходного).")
    if not working and day.weekday() >= 5:
        raise ValidationFailed(f"{day:%d.%m.%Y} — выходной день: отмечать его праздничным не нужно.")
    row = db.session.get(CalendarDay, day)
    before = None if row is None else {"working": row.working, "title": row.title}
    if row is None:
        row = CalendarDay(day=day)
        db.session.add(row)
    row.working, row.title, row.updated_by_id = working, title, getattr(actor, "id", None)
    db.session.flush()
    audit.record("calendar.day_set", actor=actor, object_type="calendar_day", object_id=None,
                 payload={"day": day.isoformat(), "before": before, "after": {"working": working, "title": title}})
    return row


def remove_day(day: date, *, actor) -> None:
    from ...policy import require

    require(actor, "calendar.edit")
    row = db.session.get(CalendarDay, day)
    if row is None:
        raise ValidationFailed(f"{day:%d.%m.%Y} нет в календаре.")
    audit.record("calendar.day_removed", actor=actor, object_type="calendar_day", object_id=None,
                 payload={"day": day.isoformat(), "before": {"working": row.working, "title": row.title}})
    db.session.delete(row)
    db.session.flush()
