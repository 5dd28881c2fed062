"""The cycle's deadlines of a year: roadmaps approved by the end of August, completion reports in November.

Dates per year are institution data (an admin edits them); the defaults follow the institute's cycle
(domain: August — roadmaps approved; November — reports on completing the activity agreed). Reminder hooks
read them through `deadlines(year)` alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ... import audit
from ...errors import ValidationFailed
from ...extensions import db
from ...models.settings import AppSetting
from ...policy import require

KEY = "krc_deadlines"
DEFAULT_APPROVAL = (8, 31)
DEFAULT_REPORT = (11, 30)


@dataclass(frozen=True)
class Deadlines:
    year: int
    roadmap_approval: date
    completion_report: date


def _stored() -> dict:
    row = db.session.get(AppSetting, KEY)
    return dict(row.value or {}) if row is not None else {}


def deadlines(year: int) -> Deadlines:
    """The roadmap approval deadline and the completion report due date of `year`."""
    own = _stored().get(str(year)) or {}
    approval = own.get("roadmap_approval")
    report = own.get("completion_report")
    return Deadlines(
        year=year,
        roadmap_approval=date.fromisoformat(approval) if approval else date(year, *DEFAULT_APPROVAL),
        completion_report=date.fromisoformat(report) if report else date(year, *DEFAULT_REPORT),
    )


def set_deadlines(actor, year: int, roadmap_approval: date, completion_report: date) -> Deadlines:
    require(actor, "krc.deadlines")
    if roadmap_approval.year != year or completion_report.year != year:
        raise ValidationFailed(f"Сроки {year} года должны приходиться на {year} год.")
    if completion_report <= roadmap_approval:
        raise ValidationFailed("Срок отчёта о выполнении должен быть позже срока утверждения дорожных карт.")
    values = _stored()
    before = values.get(str(year))
    values[str(year)] = {"roadmap_approval": roadmap_approval.isoformat(),
                         "completion_report": completion_report.isoformat()}
    row = db.session.get(AppSetting, KEY)
    if row is None:
        db.session.add(AppSetting(key=KEY, value=values, updated_by_id=actor.id))
    else:
        row.value = values
        row.updated_by_id = actor.id
    audit.record("settings.updated", actor=actor, object_type="app_setting",
                 payload={"changed": {f"{KEY}.{year}": [before, values[str(year)]]}})
    db.session.flush()
    from .reminders import replan_year  # reminders read these dates through deadlines()

    replan_year(year)
    return deadlines(year)
