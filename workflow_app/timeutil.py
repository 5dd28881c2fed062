"""Time as users see it: forms and pages speak the display time zone (Moscow), the database speaks UTC.

One place for the zone, for deadlines typed as a local date (and time), for moving dates by whole years,
and for the Russian date/time formats.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from .models.base import utcnow

DEFAULT_TZ = "Europe/Moscow"
END_OF_DAY = time(23, 59, 59)
DATE_FMT = "%d.%m.%Y"
DATETIME_FMT = "%d.%m.%Y %H:%M"


def display_tz() -> ZoneInfo:
    """The configured display zone (DISPLAY_TIMEZONE); Moscow outside an application context."""
    name = current_app.config.get("DISPLAY_TIMEZONE", DEFAULT_TZ) if has_app_context() else DEFAULT_TZ
    return ZoneInfo(name)


def today_local() -> date:
    """Today's date in the display zone."""
    return utcnow().astimezone(display_tz()).date()


def local_date(value: datetime | None) -> date | None:
    return value.astimezone(display_tz()).date() if value else None


def deadline_utc(day: date | None, at: time | None = None) -> datetime | None:
    """A deadline typed in local time; a date alone means the end of that day."""
    if day is None:
        return None
    local = datetime.combine(day, at if at is not None else END_OF_DAY, tzinfo=display_tz())
    return local.astimezone(UTC)


def end_of_day(day: date) -> datetime:
    """A date picked in the UI means «until the end of that day, local time» (in UTC)."""
    local = datetime.combine(day, END_OF_DAY, tzinfo=display_tz())
    return local.astimezone(UTC)


def local_midnight_utc(day: date) -> datetime:
    """The start of a local day, in UTC (for «from day X» and «before day Y» filters)."""
    return datetime.combine(day, time.min, tzinfo=display_tz()).astimezone(UTC)


def deadline_parts(value: datetime | None) -> tuple[date | None, time | None]:
    """The form's (date, time) for a stored deadline; time is None when it is the end of the day."""
    if value is None:
        return None, None
    local = value.astimezone(display_tz())
    t = local.time().replace(microsecond=0)
    return local.date(), (None if t == END_OF_DAY else t)


def shift_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February into a non-leap year
        return d.replace(year=d.year + years, day=28)


def shift_deadline(value: datetime | None, years: int) -> datetime | None:
    """The same local date and time, whole years later (or earlier)."""
    if value is None:
        return None
    tz = display_tz()
    local = value.astimezone(tz)
    return datetime.combine(shift_years(local.date(), years), local.time(), tzinfo=tz).astimezone(UTC)


def format_datetime(value: datetime | None, fmt: str = DATETIME_FMT, empty: str = "—") -> str:
    """A stored moment as local time, «31.12.2026 18:00» by default."""
    return value.astimezone(display_tz()).strftime(fmt) if value else empty


def format_date(value: date | datetime | None, empty: str = "—") -> str:
    """«31.12.2026»; a moment is first turned into the local date."""
    if value is None:
        return empty
    if isinstance(value, datetime):
        value = value.astimezone(display_tz())
    return value.strftime(DATE_FMT)


def to_local_naive(value: datetime) -> datetime:
    """A moment as local wall-clock time without a zone (for spreadsheets); naive values pass as they are."""
    return value.astimezone(display_tz()).replace(tzinfo=None) if value.tzinfo else value
