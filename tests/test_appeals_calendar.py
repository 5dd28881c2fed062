"""Working days by the regional calendar: the pure term function and the admins' table behind it."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from workflow_app.errors import PermissionDenied, ValidationFailed
from workflow_app.models import Role
from workflow_app.services.platform import work_calendar
from workflow_app.services.platform.work_calendar import WorkCalendar, working_days_after

PLAIN = WorkCalendar()
# The 2027 New Year holidays: 1–8 January off (the 2nd, 3rd are a weekend anyway).
NEW_YEAR = WorkCalendar(holidays=frozenset(date(2027, 1, d) for d in range(1, 9)))


def test_weekdays_only_by_default():
    friday = date(2026, 12, 4)
    assert working_days_after(friday, 1, PLAIN) == date(2026, 12, 7)   # Monday
    assert working_days_after(friday, 3, PLAIN) == date(2026, 12, 9)   # Wednesday
    assert working_days_after(date(2026, 12, 1), 3, PLAIN) == date(2026, 12, 4)  # Tue → Fri
    assert working_days_after(friday, 0, PLAIN) == friday
    with pytest.raises(ValueError):
        working_days_after(friday, -1, PLAIN)


def test_a_holiday_is_skipped():
    # 4 November (Unity Day) 2026 is a Wednesday.
    cal = WorkCalendar(holidays=frozenset({date(2026, 11, 4)}))
    assert working_days_after(date(2026, 11, 2), 3, PLAIN) == date(2026, 11, 5)
    assert working_days_after(date(2026, 11, 2), 3, cal) == date(2026, 11, 6)


def test_the_new_year_holidays_stop_the_clock():
    start = date(2026, 12, 29)  # Tuesday
    assert working_days_after(start, 3, PLAIN) == date(2027, 1, 1)
    # 30 and 31 December count; 1–8 January are off, 9–10 January a weekend: the third day is the 11th.
    assert working_days_after(start, 3, NEW_YEAR) == date(2027, 1, 11)
    assert working_days_after(date(2026, 12, 31), 1, NEW_YEAR) == date(2027, 1, 11)


def test_a_moved_working_saturday_counts():
    saturday = date(2026, 12, 26)
    cal = WorkCalendar(working_days=frozenset({saturday}))
    assert working_days_after(date(2026, 12, 25), 1, PLAIN) == date(2026, 12, 28)
    assert working_days_after(date(2026, 12, 25), 1, cal) == saturday


def test_the_table_feeds_the_calendar_and_only_admins_edit_it(make):
    admin = make.user("admin@x.ru", Role.admin)
    staff = make.user("staff@x.ru", Role.staff)
    with pytest.raises(PermissionDenied):
        work_calendar.set_day(date(2027, 1, 4), working=False, title="Каникулы", actor=staff)
    for d in range(1, 9):
        if date(2027, 1, d).weekday() < 5:
            work_calendar.set_day(date(2027, 1, d), working=False, title="Новогодние каникулы", actor=admin)
    with pytest.raises(ValidationFailed, match="будний день"):
        work_calendar.set_day(date(2027, 1, 12), working=True, title="", actor=admin)
    with pytest.raises(ValidationFailed, match="выходной"):
        work_calendar.set_day(date(2027, 1, 9), working=False, title="", actor=admin)
    cal = work_calendar.load(date(2026, 12, 29))
    assert working_days_after(date(2026, 12, 29), 3, cal) == date(2027, 1, 11)
    work_calendar.remove_day(date(2027, 1, 4), actor=admin)
    cal = work_calendar.load(date(2026, 12, 29), date(2026, 12, 29) + timedelta(days=30))
    assert working_days_after(date(2026, 12, 29), 3, cal) == date(2027, 1, 4)
