"""Status types and termination grounds: looking them up and editing them (administrators)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from ... import audit, policy
from ...errors import ValidationFailed
from ...extensions import db
from ...models import OrgType, User
from ...models.status_type import GrantingBody, StatusType, TerminationGround
from ..platform.validation import FieldErrors


def all_types() -> list[StatusType]:
    return list(db.session.execute(select(StatusType).order_by(StatusType.position, StatusType.id)).scalars())


def by_code(code: str) -> StatusType:
    """The type with this stable code (KIP, KRC…); a missing one is a programming or data error."""
    found = db.session.execute(select(StatusType).where(StatusType.code == code)).scalar_one_or_none()
    if found is None:
        raise ValidationFailed(f"Неизвестный тип статуса «{code}».")
    return found


def short_index() -> dict[str, StatusType]:
    """{casefolded short name: type}, also by full name and code: how imports and filters name a type."""
    out: dict[str, StatusType] = {}
    for t in all_types():
        for key in (t.short_name, t.name, t.code):
            out[key.strip().casefold().replace("ё", "е")] = t
    return out


def by_short(text: str | None) -> StatusType | None:
    if not text:
        return None
    return short_index().get(text.strip().casefold().replace("ё", "е"))


# --- editing a type ---------------------------------------------------------------------------

@dataclass
class TypeData:
    name: str
    short_name: str
    default_term_years: int
    holder_org_types: list[str]
    report_due_month: int
    report_due_day: int
    final_report: bool
    requirements: str  # JSON text: [{"code", "name", "min", "unit"}]
    granting_body: str
    suspension_allowed: bool


def parse_requirements(text: str) -> list[dict]:
    """The requirements JSON as typed by an administrator, checked item by item (Russian errors)."""
    text = (text or "").strip() or "[]"
    try:
        items = json.loads(text)
    except ValueError as exc:
        raise FieldErrors({"requirements": f"Требования — не JSON: {exc.msg} (строка {exc.lineno})."}) from exc
    if not isinstance(items, list):
        raise FieldErrors({"requirements": "Требования — список вида [{\"code\", \"name\", \"min\", \"unit\"}]."})
    out, codes = [], set()
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise FieldErrors({"requirements": f"Требование {n}: ожидается объект с полями code, name, min, unit."})
        code, name = str(item.get("code") or "").strip(), str(item.get("name") or "").strip()
        minimum: Any = item.get("min")
        if not code or not name:
            raise FieldErrors({"requirements": f"Требование {n}: укажите code и name."})
        if code in codes:
            raise FieldErrors({"requirements": f"Требование {n}: код «{code}» повторяется."})
        if isinstance(minimum, bool) or not isinstance(minimum, (int, float)) or minimum < 0:
            raise FieldErrors({"requirements": f"Требование {n} («{name}»): min — неотрицательное число."})
        codes.add(code)
        out.append({"code": code, "name": name, "min": minimum, "unit": str(item.get("unit") or "").strip()})
    return out


CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]{1,15}$")


def _checked(data: TypeData, own_id: int | None) -> list[dict]:
    """Every rule of a type's fields at once (Russian errors by field); returns the parsed requirements."""
    errors: dict[str, str] = {}
    name, short = data.name.strip(), data.short_name.strip()
    if not name:
        errors["name"] = "Укажите наименование."
    if not short:
        errors["short_name"] = "Укажите краткое наименование."
    for field, value in (("name", name), ("short_name", short)):
        col = getattr(StatusType, field)
        clash = db.session.execute(select(StatusType.id).where(
            func.lower(col) == value.lower(), StatusType.id != (own_id or 0))).first()
        if value and clash:
            errors[field] = "Такое наименование уже есть у другого типа статуса."
    bad_types = [t for t in data.holder_org_types if t not in OrgType.__members__]
    if bad_types or not data.holder_org_types:
        errors["holder_org_types"] = "Выберите типы организаций, которые могут иметь статус."
    if data.granting_body not in GrantingBody.__members__:
        errors["granting_body"] = "Выберите, кто присваивает статус."
    if not 1 <= data.default_term_years <= 10:
        errors["default_term_years"] = "Срок — от 1 до 10 лет."
    try:
        date(2024, data.report_due_month, data.report_due_day)  # a leap year: 29 February is allowed
    except (ValueError, TypeError):
        errors["report_due_day"] = "Такой даты нет: проверьте день и месяц срока отчёта."
    requirements: list[dict] = []
    try:
        requirements = parse_requirements(data.requirements)
    except FieldErrors as exc:
        errors.update(exc.errors)
    if errors:
        raise FieldErrors(errors)
    return requirements


def _assign(st: StatusType, data: TypeData, requirements: list[dict]) -> None:
    st.name, st.short_name, st.default_term_years = data.name.strip(), data.short_name.strip(), data.default_term_years
    st.holder_org_types = list(data.holder_org_types)
    st.report_due_month, st.report_due_day = data.report_due_month, data.report_due_day
    st.final_report, st.requirements = data.final_report, requirements
    st.granting_body, st.suspension_allowed = GrantingBody[data.granting_body], data.suspension_allowed


def create_type(actor: User, code: str, data: TypeData) -> StatusType:
    """A new status type, listed after the others. `code`: Latin capitals, stable (orders and imports use it)."""
    policy.require(actor, "status_type.edit")
    code = (code or "").strip().upper()
    errors: dict[str, str] = {}
    if not CODE_RE.match(code):
        errors["code"] = "Код — 2–16 латинских заглавных букв, цифр или «_», начиная с буквы (например, NEW_SITE)."
    elif db.session.execute(select(StatusType.id).where(StatusType.code == code)).first():
        errors["code"] = "Такой код уже есть."
    try:
        requirements = _checked(data, None)
    except FieldErrors as exc:
        raise FieldErrors({**errors, **exc.errors}) from exc
    if errors:
        raise FieldErrors(errors)
    last = db.session.execute(select(func.max(StatusType.position))).scalar() or 0
    st = StatusType(code=code, position=last + 1)
    _assign(st, data, requirements)
    db.session.add(st)
    db.session.flush()
    audit.record("status_type.created", actor=actor, obj=st, payload={"code": code, "name": st.name})
    return st


def update_type(actor: User, st: StatusType, data: TypeData) -> StatusType:
    policy.require(actor, "status_type.edit", st)
    requirements = _checked(data, st.id)
    before = {"name": st.name, "short_name": st.short_name, "default_term_years": st.default_term_years,
              "holder_org_types": st.holder_org_types, "requirements": st.requirements,
              "granting_body": st.granting_body.name, "suspension_allowed": st.suspension_allowed,
              "report_due": f"{st.report_due_day:02d}.{st.report_due_month:02d}", "final_report": st.final_report}
    _assign(st, data, requirements)
    db.session.flush()
    audit.record("status_type.updated", actor=actor, obj=st, payload={"before": before})
    return st


# --- termination grounds -------------------------------------------------------------------------

def grounds(active_only: bool = True) -> list[TerminationGround]:
    stmt = select(TerminationGround).order_by(TerminationGround.position, TerminationGround.id)
    if active_only:
        stmt = stmt.where(TerminationGround.is_active.is_(True))
    return list(db.session.execute(stmt).scalars())


def save_grounds(actor: User, text: str) -> list[TerminationGround]:
    """One ground per line, in the order typed. Grounds no longer listed are retired, never deleted
    (orders and audit rows name them)."""
    policy.require(actor, "status_type.edit")
    names = list(dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip()))
    if not names:
        raise FieldErrors({"grounds": "Укажите хотя бы одно основание."})
    if any(len(n) > 300 for n in names):
        raise FieldErrors({"grounds": "Основание — не длиннее 300 символов."})
    existing = {g.name: g for g in grounds(active_only=False)}
    for pos, name in enumerate(names, start=1):
        g = existing.pop(name, None)
        if g is None:
            g = TerminationGround(name=name)
            db.session.add(g)
        g.position, g.is_active = pos, True
    for g in existing.values():
        g.is_active = False
    db.session.flush()
    audit.record("termination_ground.updated", actor=actor, object_type="termination_ground",
                 payload={"grounds": names})
    return grounds()
