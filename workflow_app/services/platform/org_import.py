"""Import of organisations and users: row validation against reference data.

Pure functions: they take a table read by `import_table` and reference data (plain dicts and sets) and
return a per-row report; nothing here touches the database, so every rule is easy to unit test.
`services.imports` loads the reference data and inserts the rows.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ...models import OrgType, Role
from .import_table import ORG_COLUMNS, USER_COLUMNS, Column, Table, map_columns
from .validation import clean, email_error, inn_error, name_key, normalize_inn

# --- reference data ---------------------------------------------------------------------------

_MUNI_PREFIX = re.compile(r"^(город-курорт|город|г\.?\s*-?\s*к\.|г\.|г\s)\s*")


def muni_key(text: str) -> str:
    """«г. Краснодар», «город Краснодар», «Краснодар» → «краснодар»; «Абинский р-н» → «абинский район»."""
    key = name_key(text)
    key = _MUNI_PREFIX.sub("", key).strip()
    key = re.sub(r"\bр-н\b\.?", "район", key)
    key = re.sub(r"\s*(муниципальный район|муниципальное образование)$", " район", key).strip()
    return key


@dataclass
class MunicipalityIndex:
    """Lookup of municipalities by name or code, case-insensitive, ignoring «г.»/«город»."""

    by_key: dict[str, int | None] = field(default_factory=dict)  # None: ambiguous

    @classmethod
    def build(cls, rows: Iterable[tuple[int, str, str]]) -> MunicipalityIndex:
        """rows: (id, code, name)."""
        idx = cls()
        for mid, code, name in rows:
            keys = {name_key(code), name_key(name), muni_key(name)}
            if muni_key(name).endswith(" район"):
                keys.add(muni_key(name)[: -len(" район")])  # «Абинский»
            for k in keys:
                if k in idx.by_key and idx.by_key[k] != mid:
                    idx.by_key[k] = None
                else:
                    idx.by_key[k] = mid
        return idx

    def find(self, text: str) -> int | None:
        for k in (name_key(text), muni_key(text)):
            if self.by_key.get(k):
                return self.by_key[k]
        return None


@dataclass
class RowReport:
    line: int
    cells: dict[str, str]
    errors: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class CheckedRows:
    """What every importer's check of a file says of its rows (the subclass has `rows`)."""
    rows: list[RowReport]

    @property
    def error_rows(self) -> int:
        return sum(1 for r in self.rows if r.errors)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and self.error_rows == 0


@dataclass
class Report(CheckedRows):
    kind: str  # "orgs" or "users"
    columns: tuple[Column, ...]
    rows: list[RowReport]
    format: str = ""


def _cells(table: Table, index: dict[str, int], columns) -> Iterable[tuple[int, dict[str, str]]]:
    for line, texts in table.rows:
        yield line, {c.key: (texts[index[c.key]] if c.key in index and index[c.key] < len(texts) else "")
                     for c in columns}


def _common_checks(cells: dict[str, str], columns, errors: list[str]) -> None:
    for c in columns:
        value = cells[c.key]
        if c.required and not value:
            errors.append(f"Не заполнено: «{c.header}».")
        elif len(value) > c.max_len:
            errors.append(f"Слишком длинное значение «{c.header}» (не более {c.max_len} символов).")


# --- organisations ----------------------------------------------------------------------------

@dataclass
class OrgReference:
    municipalities: MunicipalityIndex
    existing: set[tuple[int, str]]  # (municipality id, name_key(full name)) already in the database


def validate_orgs(table: Table, ref: OrgReference) -> Report:
    index = map_columns(table.headers, ORG_COLUMNS)
    seen: dict[tuple[int, str], int] = {}
    out = []
    type_list = ", ".join(t.value for t in OrgType)
    for line, cells in _cells(table, index, ORG_COLUMNS):
        errors: list[str] = []
        _common_checks(cells, ORG_COLUMNS, errors)
        org_type = OrgType.from_label(cells["org_type"]) if cells["org_type"] else None
        if cells["org_type"] and org_type is None:
            errors.append(f"Неизвестный тип организации «{cells['org_type']}». Допустимые: {type_list}.")
        mid = ref.municipalities.find(cells["municipality"]) if cells["municipality"] else None
        if cells["municipality"] and mid is None:
            errors.append(f"Неизвестный муниципалитет «{cells['municipality']}».")
        if cells["email"] and (why := email_error(cells["email"])):
            errors.append(why)
        inn = normalize_inn(cells["inn"])
        if inn and (why := inn_error(inn)):
            errors.append(why)
        if mid and cells["full_name"]:
            key = (mid, name_key(cells["full_name"]))
            if key in seen:
                errors.append(f"Повторяет строку {seen[key]} файла: то же полное наименование "
                              "в том же муниципалитете.")
            else:
                seen[key] = line
            if key in ref.existing:
                errors.append("Организация с таким полным наименованием уже есть в этом муниципалитете.")
        values = {}
        if not errors:
            values = dict(org_type=org_type, full_name=cells["full_name"], short_name=cells["short_name"],
                          municipality_id=mid, address=cells["address"], head_name=cells["head_name"],
                          email=cells["email"].lower(), phone=cells["phone"], inn=inn or None)
        out.append(RowReport(line=line, cells=cells, errors=errors, values=values))
    return Report(kind="orgs", columns=ORG_COLUMNS, rows=out, format=table.format)


# --- users ------------------------------------------------------------------------------------

ROLE_ALIASES = {
    "координатор": Role.coordinator,
    "мо координатор": Role.coordinator,
    "сотрудник": Role.staff,
    "сотрудник иро": Role.staff,
    "админ": Role.admin,
}


def parse_role(text: str) -> Role | None:
    key = name_key(text)
    for role in Role:
        if name_key(role.value) == key or role.name == key:
            return role
    return ROLE_ALIASES.get(key)


@dataclass
class UserReference:
    municipalities: MunicipalityIndex
    # name_key of an active organisation's short or full name → [(org id, municipality id)]
    orgs: dict[str, list[tuple[int, int]]]
    existing_emails: set[str]  # lower-case
    may_grant_admin: bool = False

    @classmethod
    def org_index(cls, rows: Iterable[tuple[int, int, str, str]]) -> dict[str, list[tuple[int, int]]]:
        """rows: (id, municipality id, short name, full name)."""
        out: dict[str, list[tuple[int, int]]] = {}
        for oid, mid, short, full in rows:
            for k in {name_key(short), name_key(full)}:
                if k:
                    out.setdefault(k, []).append((oid, mid))
        return out


def validate_users(table: Table, ref: UserReference) -> Report:
    index = map_columns(table.headers, USER_COLUMNS)
    seen: dict[str, int] = {}
    out = []
    role_list = ", ".join(r.value for r in Role)
    for line, cells in _cells(table, index, USER_COLUMNS):
        errors: list[str] = []
        _common_checks(cells, USER_COLUMNS, errors)
        email = cells["email"].strip().lower()
        if email:
            if why := email_error(email):
                errors.append(why)
            elif email in seen:
                errors.append(f"Адрес {email} повторяет строку {seen[email]} файла.")
            else:
                seen[email] = line
            if email in ref.existing_emails:
                errors.append(f"Пользователь с адресом {email} уже есть.")
        mid = None
        if cells["municipality"]:
            mid = ref.municipalities.find(cells["municipality"])
            if mid is None:
                errors.append(f"Неизвестный муниципалитет «{cells['municipality']}».")
        oid = None
        if cells["organization"]:
            candidates = ref.orgs.get(name_key(cells["organization"]), [])
            if mid is not None:
                candidates = [c for c in candidates if c[1] == mid]
            if not candidates:
                errors.append(f"Неизвестная организация «{cells['organization']}»"
                              + (" в указанном муниципалитете." if mid else "."))
            elif len({c[0] for c in candidates}) > 1:
                errors.append(f"Организаций с наименованием «{cells['organization']}» несколько: "
                              "укажите муниципалитет или полное наименование.")
            else:
                oid = candidates[0][0]
        roles: list[Role] = []
        for part in re.split(r"[,;]", cells["roles"]):
            if not part.strip():
                continue
            role = parse_role(part)
            if role is None:
                errors.append(f"Неизвестная роль «{clean(part)}». Допустимые: {role_list}.")
            elif role not in roles:
                roles.append(role)
        if Role.applicant in roles and not cells["organization"]:
            errors.append("Для роли «Заявитель» укажите организацию.")
        if Role.coordinator in roles and not cells["municipality"]:
            errors.append("Для роли «Муниципальный координатор» укажите муниципалитет.")
        if Role.admin in roles and not ref.may_grant_admin:
            errors.append("Роль «Администратор» может назначить только администратор.")
        values = {}
        if not errors:
            values = dict(email=email, full_name=cells["full_name"], position=cells["position"],
                          phone=cells["phone"], organization_id=oid, municipality_id=mid, roles=roles)
        out.append(RowReport(line=line, cells=cells, errors=errors, values=values))
    return Report(kind="users", columns=USER_COLUMNS, rows=out, format=table.format)
