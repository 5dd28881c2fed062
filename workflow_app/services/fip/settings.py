"""ФИП settings edited by staff: the federal deadline of each year's call and the manual readiness items.
Stored as one application setting (JSON); nothing here is a constant of the code."""
from __future__ import annotations

from datetime import date
from typing import Any

from ... import audit, policy
from ...errors import ValidationFailed
from ...extensions import db
from ...models.settings import AppSetting

KEY = "fip"
# The starting list of items staff tick by hand; staff edit it (one line — one item).
DEFAULT_MANUAL = [
    "Проект одобрен учёным советом ИРО",
    "Руководитель организации согласовал подачу заявки",
    "Паспорт заявки заполнен на портале fip.expert",
]


def _values() -> dict[str, Any]:
    row = db.session.get(AppSetting, KEY)
    values = dict(row.value or {}) if row is not None else {}
    values.setdefault("deadlines", {})
    values.setdefault("manual_items", list(DEFAULT_MANUAL))
    return values


def federal_deadline(year: int) -> date | None:
    """The last day to submit applications of the `year` call (set by staff each year), or None."""
    raw = _values()["deadlines"].get(str(year))
    return date.fromisoformat(raw) if raw else None


def deadlines() -> dict[int, date]:
    return {int(y): date.fromisoformat(d) for y, d in sorted(_values()["deadlines"].items())}


def manual_items() -> list[str]:
    return list(_values()["manual_items"])


def _save(actor, values: dict[str, Any], changed: dict[str, Any]) -> None:
    row = db.session.get(AppSetting, KEY)
    if row is None:
        db.session.add(AppSetting(key=KEY, value=values, updated_by_id=getattr(actor, "id", None)))
    else:
        row.value = values
        row.updated_by_id = getattr(actor, "id", None)
    audit.record("settings.updated", actor=actor, object_type="app_setting", payload={"changed": changed})
    db.session.flush()


def set_deadline(actor, year: int, day: date | None) -> None:
    """Set (or with None clear) the federal deadline of a year; open cases of that year re-plan their
    reminders."""
    policy.require(actor, "fip.deadline")
    if not 2000 <= year <= 2100:
        raise ValidationFailed("Год — от 2000 до 2100.")
    if day is not None and day.year not in (year - 1, year):
        raise ValidationFailed(f"Срок подачи заявок {year} года — дата в {year - 1} или {year} году.")
    values = _values()
    old = values["deadlines"].get(str(year))
    new = day.isoformat() if day else None
    if old == new:
        return
    dl = dict(values["deadlines"])
    if new:
        dl[str(year)] = new
    else:
        dl.pop(str(year), None)
    values["deadlines"] = dl
    _save(actor, values, {f"fip.deadline.{year}": [old, new]})
    from .deadline import replan_year

    replan_year(year)


def set_manual_items(actor, text: str) -> list[str]:
    policy.require(actor, "fip.deadline")
    items = list(dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip()))
    if any(len(i) > 300 for i in items):
        raise ValidationFailed("Пункт ручной проверки — не длиннее 300 символов.")
    values = _values()
    if items != values["manual_items"]:
        _save(actor, {**values, "manual_items": items}, {"fip.manual_items": [values["manual_items"], items]})
    return items
