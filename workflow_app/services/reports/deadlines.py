"""Report deadlines: the default due date of a period, and the one door every new or moved due date goes
through (`due_dates_changed`), so reminders can follow deadlines from a single place."""
from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ... import audit, policy
from ...errors import ValidationFailed
from ...extensions import db
from ...models.status_award import StatusAward
from ...models.status_report import ReportStatus, StatusReport
from ...timeutil import end_of_day, today_local

REMINDER_OBJECT = "status_report"


def due_on(year: int, month: int, day: int) -> date:
    """The type's yearly due date in `year` (a 31st in a shorter month is its last day)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def due_dates_changed(report_ids: list[int]) -> None:
    """Called with the ids of reports whose due date was just set (new reports) or moved (returned with a
    new date, changed by staff), after the change is flushed: the holder's reminders follow the date (at the
    offsets of the status type's rule), escalating to the municipality's coordinator and staff when overdue."""
    if not report_ids:
        return
    from ..reminders.hooks import HolderDeadline, plan_holder_deadlines

    reports = db.session.execute(
        select(StatusReport).where(StatusReport.id.in_(report_ids), StatusReport.status != ReportStatus.accepted)
        .options(joinedload(StatusReport.award).joinedload(StatusAward.organization),
                 joinedload(StatusReport.award).joinedload(StatusAward.status_type))).unique().scalars().all()
    plan_holder_deadlines([HolderDeadline(
        "report", REMINDER_OBJECT, r.id, end_of_day(r.due_date), r.award.organization_id,
        r.award.organization.municipality_id, r.award.status_type.short_name,
        title=f"{r.kind.value} отчёт {r.award.status_type.short_name} за {r.period_year} год",
        link=f"/reports/{r.id}") for r in reports])


def handed_in(report: StatusReport, ctx=None) -> None:
    """Effect of submitting a report: its pending reminders will not go out (a return plans them again)."""
    from ..reminders import cancel

    cancel("report", REMINDER_OBJECT, report.id)


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
