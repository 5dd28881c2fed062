"""The staff reviewer's side: plan vs fact side by side, minimum requirements, accepting and returning
a report with remarks and a new due date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ...errors import ConcurrentChange
from ...machines.base import FireContext, fire
from ...machines.status_report import report_lifecycle
from ...models.status_report import StatusReport
from ...timeutil import today_local
from ..competition.dossier import applicant_users
from ..platform import outbox
from ..platform.validation import FieldErrors
from . import content as c
from . import plan, requirements
from .deadlines import set_due_date


@dataclass(frozen=True)
class PlanFact:
    plan_activity: str          # "" — the row is not in the plan
    plan_period: str
    fact: dict[str, str] | None  # the report's row by column, None — the report leaves it out


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def side_by_side(report: StatusReport) -> list[PlanFact]:
    """Each activity of the holder's plan for the report's year beside the report's row for it; rows
    the report adds outside the plan come last, plan rows the report left out show no fact."""
    planned = plan.activities_for(report.award, report.period_year)
    grid = c.grid_of(report.content or {}, c.ACTIVITIES)
    facts = [dict(zip(grid.columns, row, strict=False))
             for row, kind in zip(grid.rows, grid.row_kinds, strict=False) if kind == "data"]
    by_activity: dict[str, list[dict]] = {}
    for f in facts:
        by_activity.setdefault(_norm(f.get("Мероприятие плана", "")), []).append(f)
    out = []
    for p in planned:
        matches = by_activity.get(_norm(p.activity))
        out.append(PlanFact(p.activity, p.period or p.year_text, matches.pop(0) if matches else None))
    for rest in by_activity.values():
        out.extend(PlanFact("", "", f) for f in rest)
    return out


def requirement_checks(report: StatusReport) -> list[requirements.RequirementCheck]:
    return requirements.check(report.award.status_type.requirements or [],
                              requirements.facts_of(report.content or {}, report.period_year))


def accept(actor: Any, report: StatusReport, expected_version: int | None = None) -> StatusReport:
    if expected_version is not None and report.version != expected_version:
        raise ConcurrentChange()
    return fire(report_lifecycle, report, "accept", actor=actor)


# A returned report's new due date: after today and a year ahead at the most (the web form's bounds too).
RETURN_DAYS_AHEAD = 366


def check_return(remarks: str, new_due_date: date | None) -> None:
    """The remarks and the new due date of a return, each error named by its field (remarks, due_date)."""
    bad: dict[str, str] = {}
    if not (remarks or "").strip():
        bad["remarks"] = "Укажите замечания: что нужно исправить."
    today = today_local()
    latest = today + timedelta(days=RETURN_DAYS_AHEAD)
    if new_due_date is not None:  # without one, the lifecycle's guard refuses the return
        if new_due_date <= today:
            bad["due_date"] = "Новый срок представления исправленного отчёта должен быть позже сегодняшнего дня."
        elif new_due_date > latest:
            bad["due_date"] = f"Новый срок — не позже {latest:%d.%m.%Y} (год от сегодняшнего дня)."
    if bad:
        raise FieldErrors(bad)


def return_for_revision(actor: Any, report: StatusReport, remarks: str, new_due_date: date | None,
                        expected_version: int | None = None) -> StatusReport:
    if expected_version is not None and report.version != expected_version:
        raise ConcurrentChange()
    check_return(remarks, new_due_date)
    payload = {"new_due_date": new_due_date.isoformat() if new_due_date else ""}
    return fire(report_lifecycle, report, "return_for_revision", actor=actor, reason=remarks, payload=payload)


def guard_new_due_date(report: StatusReport, ctx: FireContext) -> str | None:
    raw = ctx.payload.get("new_due_date") or ""
    if not raw:
        return "Укажите новый срок представления исправленного отчёта."
    if date.fromisoformat(raw) <= today_local():
        return "Новый срок представления исправленного отчёта должен быть позже сегодняшнего дня."
    return None


def record_return(report: StatusReport, ctx: FireContext) -> None:
    report.remarks = ctx.reason
    old = set_due_date(report, date.fromisoformat(ctx.payload["new_due_date"]))
    ctx.payload["old_due_date"] = old.isoformat()


def _notify_holder(report: StatusReport, event: str, subject: str, body: str) -> None:
    """A notice and an e-mail to each applicant of the holder (once per event and report version)."""
    for user in applicant_users(report.award.organization_id):
        outbox.notify(f"status_report:{report.id}:{event}:{report.version}:{user.id}", user=user,
                      subject=subject, body=body, about=("status_report", report.id))


def notify_returned(report: StatusReport, ctx: FireContext) -> None:
    _notify_holder(report, "returned", f"{report.title} возвращён на доработку",
                   f"Замечания: {ctx.reason}\nИсправленный отчёт представьте до {report.due_date:%d.%m.%Y}.")


def notify_accepted(report: StatusReport, ctx: FireContext) -> None:
    _notify_holder(report, "accepted", f"{report.title} принят",
                   f"{report.title} по статусу «{report.award.status_type.short_name}» принят институтом.")
