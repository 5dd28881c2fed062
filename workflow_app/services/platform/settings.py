"""Institution settings (names, officials, order numbering, approvers): data edited by an admin, never code."""
from __future__ import annotations

from typing import Any

from ... import audit
from ...extensions import db
from ...models.settings import AppSetting

INSTITUTION_KEY = "institution"

DEFAULTS: dict[str, Any] = {
    "ministry_name": "Министерство образования, науки и молодёжной политики Краснодарского края",
    "full_name": "государственное бюджетное образовательное учреждение дополнительного профессионального "
                 "образования «Институт развития образования» Краснодарского края",
    "short_name": "ГБОУ ИРО Краснодарского края",
    "city": "г. Краснодар",
    "place": "г. Краснодар, ул. Сормовская, 167",
    "signatory_position": "Ректор",
    "signatory_name": "Т.А. Гайдук",
    # The user who signs orders unless a draft names another (orders print his own profile).
    "signatory_user_id": None,
    "control_person": "первого проректора",
    # "{n}" is the sequential number of the year; e.g. "{n}-ОД" gives «56-ОД».
    "order_number_format": "{n}",
    "approver_ids": [],
    "status_term_years": 3,
}


def institution() -> dict[str, Any]:
    row = db.session.get(AppSetting, INSTITUTION_KEY)
    values = dict(DEFAULTS)
    if row is not None:
        values.update(row.value or {})
    return values


def update_institution(values: dict[str, Any], actor) -> dict[str, Any]:
    current = institution()
    changed = {k: [current.get(k), v] for k, v in values.items() if current.get(k) != v}
    if not changed:
        return current
    row = db.session.get(AppSetting, INSTITUTION_KEY)
    merged = {**current, **values}
    if row is None:
        db.session.add(AppSetting(key=INSTITUTION_KEY, value=merged, updated_by_id=actor.id))
    else:
        row.value = merged
        row.updated_by_id = actor.id
    audit.record("settings.updated", actor=actor, object_type="app_setting", payload={"changed": changed})
    db.session.flush()
    return merged


def format_number(fmt: str, seq: int) -> str:
    if "{n}" not in fmt:
        raise ValueError("number format must contain {n}")
    return fmt.replace("{n}", str(seq))
