"""Checking a preset's (or a campaign's) configuration as typed by staff; every message in Russian.

Each function returns clean values and appends what is wrong to `errors`, so a page lists all problems
at once and nothing is saved while any remain.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from ....models import OrgType
from ....models.competition import ApplicantKind, StageKind

SECTION_KINDS = ("text", "table", "table_or_text", "link")
OUTPUT_DOCUMENTS = {
    "protocol": "Протокол заседания комиссии",
    "rating": "Рейтинг (сводная ведомость)",
    "order": "Приказ об итогах",
    "certificates": "Дипломы и сертификаты участников",
}
MAX_OFFSET_DAYS = 730


def clean_sections(sections: list[dict], errors: list[str]) -> list[dict]:
    """The dossier form's sections: key, official code and heading, kind, columns, required."""
    keys: set[str] = set()
    clean: list[dict] = []
    for i, s in enumerate(sections or [], start=1):
        key = (s.get("key") or "").strip()
        title = (s.get("title") or "").strip()
        kind = s.get("kind") or "text"
        if not key or not title:
            errors.append(f"Раздел {i}: укажите номер (ключ) и название.")
            continue
        if key in keys:
            errors.append(f"Раздел {i}: ключ «{key}» повторяется.")
        keys.add(key)
        if kind not in SECTION_KINDS:
            errors.append(f"Раздел {i}: неизвестный вид раздела (text, table, table_or_text или link).")
        # `code`: the section's number in the official form, used by the JSON form of dossiers.
        item = {"key": key, "code": (s.get("code") or key).strip(), "title": title, "kind": kind,
                "required": bool(s.get("required"))}
        for extra in ("chapter", "default"):
            if (s.get(extra) or "").strip():
                item[extra] = s[extra].strip()
        if item.get("default") not in (None, "table", "text"):
            errors.append(f"Раздел {i}: вид по умолчанию — table или text.")
        if kind in ("table", "table_or_text"):
            cols = [c.strip() for c in (s.get("columns") or []) if c and c.strip()]
            if not cols:
                errors.append(f"Раздел «{title}»: у таблицы должна быть хотя бы одна колонка.")
            item["columns"] = cols
        clean.append(item)
    if not clean and not errors:
        errors.append("В форме заявки должен быть хотя бы один раздел.")
    return clean


def clean_tracks(tracks: list[dict], errors: list[str]) -> list[dict]:
    codes: set[str] = set()
    out = []
    for i, t in enumerate(tracks or [], start=1):
        code = (t.get("code") or "").strip()
        name = (t.get("name") or "").strip()
        types = [x.strip() for x in t.get("org_types") or [] if x and x.strip()]
        if not code or not name:
            errors.append(f"Направление {i}: укажите код и название.")
            continue
        if len(code) > 32 or len(name) > 200:
            errors.append(f"Направление {i}: код — до 32 символов, название — до 200.")
        if code in codes:
            errors.append(f"Направление {i}: код «{code}» повторяется.")
        codes.add(code)
        names = []
        for x in types:  # accepted as a name (TMS) or as shown (ТМС)
            member = OrgType.__members__.get(x) or next((o for o in OrgType if o.value == x), None)
            if member is None:
                errors.append(f"Направление «{name}»: неизвестный тип организации «{x}».")
            else:
                names.append(member.name)
        if not types:
            errors.append(f"Направление «{name}»: укажите хотя бы один тип организаций-участников.")
        out.append({"code": code, "name": name, "org_types": names})
    if not out and not errors:
        errors.append("Укажите хотя бы одно направление.")
    return out


def _int(value: Any, what: str, lo: int, hi: int, errors: list[str]) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        errors.append(f"{what}: ожидается целое число.")
        return lo
    if not lo <= n <= hi:
        errors.append(f"{what}: от {lo} до {hi}.")
    return n


def clean_stages(stages: list[dict], errors: list[str]) -> list[dict]:
    seen: set[str] = set()
    out = []
    for i, s in enumerate(stages or [], start=1):
        kind = (s.get("kind") or "").strip()
        member = StageKind.__members__.get(kind) or next((k for k in StageKind if k.value == kind), None)
        if member is None:
            errors.append(f"Этап {i}: неизвестный вид этапа «{kind}».")
            continue
        if member.name in seen:
            errors.append(f"Этап {i}: этап «{member.value}» указан дважды.")
        seen.add(member.name)
        out.append({"kind": member.name, "in_person": bool(s.get("in_person")), "scored": bool(s.get("scored")),
                    "offset_days": _int(s.get("offset_days", 0), f"Этап «{member.value}», начало (дней от 1 "
                                        "января)", 0, MAX_OFFSET_DAYS, errors),
                    "duration_days": _int(s.get("duration_days", 1), f"Этап «{member.value}», длительность "
                                          "(дней)", 1, 366, errors)})
    if not out and not errors:
        errors.append("Укажите хотя бы один этап.")
    return out


def _points(value: Any, what: str, errors: list[str]) -> str:
    try:
        d = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        errors.append(f"{what}: ожидается число.")
        return "0"
    if not Decimal(0) < d <= Decimal(1000):
        errors.append(f"{what}: число больше 0 и не больше 1000.")
    return str(d)


def clean_criteria(criteria: dict, stages: list[dict], errors: list[str]) -> dict:
    scored = {s["kind"] for s in stages if s["scored"]}
    out: dict[str, list[dict]] = {}
    for kind, rows in (criteria or {}).items():
        member = StageKind.__members__.get(kind)
        label = member.value if member else kind
        if kind not in scored:
            errors.append(f"Критерии этапа «{label}»: этап не оценивается или отсутствует в шаблоне.")
            continue
        items = []
        for j, c in enumerate(rows or [], start=1):
            name = (c.get("name") or "").strip()
            if not name or len(name) > 300:
                errors.append(f"Этап «{label}», критерий {j}: название от 1 до 300 символов.")
                continue
            items.append({"name": name, "description": (c.get("description") or "").strip(),
                          "max_points": _points(c.get("max_points"), f"Критерий «{name}», максимум баллов", errors),
                          "weight": _points(c.get("weight", "1"), f"Критерий «{name}», вес", errors)})
        out[kind] = items
    for kind in sorted(scored - {k for k, v in out.items() if v}):
        errors.append(f"Оцениваемый этап «{StageKind[kind].value}»: укажите хотя бы один критерий.")
    return out


def clean_outputs(values: list[str], errors: list[str]) -> list[str]:
    unknown = [v for v in values or [] if v not in OUTPUT_DOCUMENTS]
    if unknown:
        errors.append(f"Неизвестные итоговые документы: {', '.join(unknown)}.")
    if not values:
        errors.append("Отметьте хотя бы один итоговый документ.")
    return [k for k in OUTPUT_DOCUMENTS if k in (values or [])]


def clean_applicant_kind(value: Any, errors: list[str]) -> ApplicantKind:
    if isinstance(value, ApplicantKind):
        return value
    member = ApplicantKind.__members__.get(value or "")
    if member is None:
        errors.append("Выберите, кто участвует: организация, педагог или команда организаций.")
        return ApplicantKind.organization
    return member
