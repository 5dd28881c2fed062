"""Import of the existing registry of statuses (XLSX/CSV, one row per award).

Validation is pure (`validate`: a table and reference data in, a per-row report out); `apply` re-checks
and writes everything in the caller's one transaction: organisations found or created, grounding orders
found or registered, awards granted through the lifecycle. A row whose award is already in the registry
(same organisation, status type and start of term) is skipped, so importing the same file twice adds
nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from ... import audit
from ...actors import SystemActor
from ...extensions import db
from ...machines.base import fire
from ...machines.status_award import award_lifecycle
from ...models import Municipality, Organization, OrgType
from ...models.status_award import StatusAward
from ...models.status_type import StatusType
from ...timeutil import today_local
from ..platform import import_table
from ..platform.import_table import Column, Table, map_columns, template_xlsx
from ..platform.org_import import CheckedRows, MunicipalityIndex, RowReport
from ..platform.orgs import OrgData, create_org
from ..platform.validation import clean, name_key
from . import awards, grounding
from . import types as status_types

COLUMNS = (
    Column("organization", "Организация", True,
           ("образовательная организация", "наименование организации", "полное наименование"), 500),
    Column("municipality", "Муниципалитет", True, ("муниципальное образование", "мо", "район"), 200),
    Column("org_type", "Тип организации", True, ("тип", "тип оо"), 16),
    Column("status", "Статус", True, ("тип статуса", "вид статуса"), 200),
    Column("theme", "Тема", True, ("тема проекта",), 500),
    Column("term_from", "Начало", True, ("начало срока", "дата начала"), 20),
    Column("term_to", "Окончание", True, ("окончание срока", "дата окончания"), 20),
    Column("issuer", "Кем издан приказ", True, ("издатель приказа", "орган, издавший приказ"), 300),
    Column("order_number", "Номер приказа", True, ("№ приказа",), 32),
    Column("order_date", "Дата приказа", True, (), 20),
)
# Names the registry files use for organisation types beyond the product's own labels.
ORG_TYPE_ALIASES = {"пoo/спо": OrgType.POO, "поо/спо": OrgType.POO, "спо": OrgType.POO,
                    "соо/поо": OrgType.POO, "оо (школа)": OrgType.OO, "до": OrgType.ODOD, "удо": OrgType.ODOD}
EXCEL_EPOCH = date(1899, 12, 30)
_DMY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s*г?\.?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def parse_date(text: str) -> date | None:
    """ДД.ММ.ГГГГ, ГГГГ-ММ-ДД or an Excel serial date number; None when it is none of these."""
    text = (text or "").strip()
    try:
        if m := _DMY.match(text):
            return date(int(m[3]), int(m[2]), int(m[1]))
        if m := _ISO.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if text.isdigit() and 20000 <= int(text) <= 80000:
            return EXCEL_EPOCH + timedelta(days=int(text))
    except ValueError:
        return None
    return None


def org_type_of(text: str) -> OrgType | None:
    return OrgType.from_label(text) or ORG_TYPE_ALIASES.get(name_key(text))


# --- reference data and the report --------------------------------------------------------------

@dataclass
class Reference:
    municipalities: MunicipalityIndex
    types: dict[str, StatusType]  # by casefolded short name, name, code
    orgs: dict[tuple[int, str], tuple[int, OrgType]]  # (municipality, name key) → (id, type)
    awards: set[tuple[int, int, date]]  # (organization, status type, start of term) already there


def reference() -> Reference:
    munis = MunicipalityIndex.build(db.session.execute(
        select(Municipality.id, Municipality.code, Municipality.name)).all())
    orgs: dict[tuple[int, str], tuple[int, OrgType]] = {}
    for oid, mid, full, short, otype in db.session.execute(select(
            Organization.id, Organization.municipality_id, Organization.full_name, Organization.short_name,
            Organization.org_type)).all():
        orgs.setdefault((mid, name_key(full)), (oid, otype))
        orgs.setdefault((mid, name_key(short)), (oid, otype))
    existing = set(db.session.execute(select(
        StatusAward.organization_id, StatusAward.status_type_id, StatusAward.term_from)).tuples())
    return Reference(munis, status_types.short_index(), orgs, existing)


@dataclass
class ImportReport(CheckedRows):
    columns: tuple[Column, ...]
    rows: list[RowReport]
    format: str = ""
    new_orgs: int = 0
    skipped: int = 0  # rows whose award is already in the registry

    @property
    def to_create(self) -> int:
        return sum(1 for r in self.rows if not r.errors and not r.values.get("exists"))


def validate(table: Table, ref: Reference) -> ImportReport:
    index = map_columns(table.headers, COLUMNS)
    out: list[RowReport] = []
    seen: dict[tuple, int] = {}
    new_orgs: set[tuple[int, str]] = set()
    type_list = ", ".join(sorted({t.short_name for t in ref.types.values()}))
    for line, texts in table.rows:
        cells = {c.key: (clean(texts[index[c.key]]) if c.key in index and index[c.key] < len(texts) else "")
                 for c in COLUMNS}
        errors: list[str] = []
        for c in COLUMNS:
            if c.required and not cells[c.key]:
                errors.append(f"Не заполнено: «{c.header}».")
            elif len(cells[c.key]) > c.max_len:
                errors.append(f"Слишком длинное значение «{c.header}» (не более {c.max_len} символов).")
        mid = ref.municipalities.find(cells["municipality"]) if cells["municipality"] else None
        if cells["municipality"] and mid is None:
            errors.append(f"Неизвестный муниципалитет «{cells['municipality']}».")
        otype = org_type_of(cells["org_type"]) if cells["org_type"] else None
        if cells["org_type"] and otype is None:
            errors.append(f"Неизвестный тип организации «{cells['org_type']}». Допустимые: "
                          f"{', '.join(t.value for t in OrgType)}, ПОО/СПО.")
        st = ref.types.get(name_key(cells["status"])) if cells["status"] else None
        if cells["status"] and st is None:
            errors.append(f"Неизвестный статус «{cells['status']}». Допустимые: {type_list}.")
        dates = {}
        for key, header in (("term_from", "Начало"), ("term_to", "Окончание"), ("order_date", "Дата приказа")):
            if cells[key]:
                d = parse_date(cells[key])
                if d is None or not date(1990, 1, 1) <= d <= date(2100, 12, 31):
                    errors.append(f"«{header}»: «{cells[key]}» — не дата (ожидается ДД.ММ.ГГГГ).")
                dates[key] = d
        if dates.get("term_from") and dates.get("term_to") and dates["term_from"] > dates["term_to"]:
            errors.append("Дата начала позже даты окончания.")
        org_id, known_type = ref.orgs.get((mid, name_key(cells["organization"])), (None, None)) if mid else (None, None)
        if org_id and otype and known_type != otype:
            errors.append(f"Организация уже есть в реестре с типом «{known_type.value}», в файле — «{otype.value}».")
        if st and otype and not st.may_hold(otype):
            errors.append(f"Статус «{st.short_name}» не присваивается организациям типа «{otype.value}».")
        values: dict[str, Any] = {}
        if not errors:
            key = (mid, name_key(cells["organization"]), st.id, dates["term_from"])
            if key in seen:
                errors.append(f"Повторяет строку {seen[key]} файла: та же организация, статус и начало срока.")
            seen.setdefault(key, line)
            exists = bool(org_id) and (org_id, st.id, dates["term_from"]) in ref.awards
            if not org_id:
                new_orgs.add((mid, name_key(cells["organization"])))
            values = {"municipality_id": mid, "org_id": org_id, "org_type": otype, "status_type_id": st.id,
                      "organization": cells["organization"], "theme": cells["theme"], "issuer": cells["issuer"],
                      "order_number": cells["order_number"], "exists": exists, **dates}
        out.append(RowReport(line=line, cells=cells, errors=errors, values=values))
    report = ImportReport(columns=COLUMNS, rows=out, format=table.format, new_orgs=len(new_orgs))
    report.skipped = sum(1 for r in out if r.values.get("exists"))
    return report


def check(data: bytes) -> ImportReport:
    """Read and validate a file (raises MalformedFile for a file that cannot be read at all)."""
    return validate(import_table.read_table(data), reference())


# --- applying --------------------------------------------------------------------------------------

def apply(data: bytes, filename: str, actor: Any, today: date | None = None) -> tuple[ImportReport, list[int]]:
    """Re-validate, then create every new award (or nothing). Returns the report and the new award ids."""
    report = check(data)
    if not report.ok:
        return report, []
    day = today or today_local()
    cause = SystemActor(f"импорт реестра статусов из файла «{filename[:100]}»")
    orgs: dict[tuple[int, str], int] = {}
    created: list[int] = []
    for row in report.rows:
        v = row.values
        if v["exists"]:
            continue
        key = (v["municipality_id"], name_key(v["organization"]))
        org_id = v["org_id"] or orgs.get(key)
        if org_id is None:
            org = create_org(actor, OrgData(org_type=v["org_type"], full_name=v["organization"],
                                            short_name=v["organization"][:200],
                                            municipality_id=v["municipality_id"]),
                             payload={"import": True, "line": row.line, "full_name": v["organization"]})
            org_id = orgs[key] = org.id
        order = grounding.register_external(actor, v["issuer"], v["order_number"], v["order_date"])
        st = db.session.get(StatusType, v["status_type_id"])
        award = awards.grant(order, cause, org_id, st, v["theme"], v["term_from"], v["term_to"], today=day)
        if v["term_to"] < day:  # a term that ended before the import: completed as the daily job would
            fire(award_lifecycle, award, "expire", actor=cause, payload={"on": day.isoformat()})
        created.append(award.id)
    audit.record("status_award.imported", actor=actor, object_type="import",
                 payload={"file": filename, "format": report.format, "rows": len(report.rows),
                          "created": len(created), "skipped": report.skipped, "ids": created})
    return report, created


def template() -> bytes:
    lists = {"Статус": [t.short_name for t in status_types.all_types()],
             "Тип организации": [t.value for t in OrgType] + ["ПОО/СПО"],
             "Муниципалитет": list(db.session.execute(select(Municipality.name).order_by(Municipality.name)).scalars())}
    return template_xlsx(COLUMNS, lists)
