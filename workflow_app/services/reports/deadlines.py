"""Report deadlines: the default due date of a period, and the one door every new or moved due date goes
through (`due_dates_changed`), so reminders can follow deadlines from a single place."""
from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from ... import audit, policy
from ...errors import ValidationFailed
from ...extensions import db
from ...models.status_report import StatusReport
from ...timeutil import today_local


def due_on(year: int, month: int, day: int) -> date:
    """The type's yearly due date in `year` (a 31st in a shorter month is its last day)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def due_dates_changed(report_ids: list[int]) -> None:
    """Called with the ids of reports whose due date was just set (new reports) or moved (returned with a
    new date, changed by staff), after the change is flushed. Reminder schedules hook in here."""
    return None


def set_due_date(report: StatusReport, day: date) -> date:
    """Move a report's due date; returns the old one. Callers audit the change in their own row."""
    old = report.due_date
    report.due_date = day
    db.session.flush()
    due_dates_changed([report.id])
    return old


def change_due_date(actor: Any, report: StatusReport, day: date | None, reason: str) -> StatusReport:
    """Staff move a report's due date (an agreed extension), with a reason; audited."""
    policy.require(actor, "report.change_due_date", report)
    if day is None:
        raise ValidationFailed("Укажите новый срок представления отчёта.")
    if day < today_local():
        raise ValidationFailed("Новый срок представления отчёта не может быть в прошлом.")
    if not (reason or "").strip():
        raise ValidationFailed("Укажите причину переноса срока.")
    old = set_due_date(report, day)
    audit.record("report.due_date_changed", actor=actor, obj=report, reason=reason.strip(),
                 payload={"from": old.isoformat(), "to": day.isoformat()})
    return report
