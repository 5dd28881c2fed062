"""Import of organisations and users from XLSX or CSV: reading and row validation.

Pure functions: they take the file's bytes and reference data (plain dicts and sets) and return a
per-row report; nothing here touches the database, so every rule is easy to unit test.
`services.imports` loads the reference data and inserts the rows.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from ...errors import ValidationFailed
from ...models import OrgType, Role
from .validation import clean, email_error, inn_error, name_key, normalize_inn

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000


class MalformedFile(ValidationFailed):
    """The file as a whole cannot be read (wrong format, empty, missing columns)."""


# --- columns ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as in the template
    required: bool = False
    aliases: tuple[str, ...] = ()
    max_len: int = 500


ORG_COLUMNS = (
    Column("org_type", "Тип", True, ("тип организации", "тип оо"), 16),
    Column("full_name", "Полное наименование", True, ("полное название", "наименование"), 500),
    Column("short_name", "Краткое наименование", True,
           ("краткое название", "сокращенное наименование", "сокращенное название"), 200),
    Column("municipality", "Муниципалитет", True, ("муниципальное образование", "мо", "район"), 200),
    Column("address", "Адрес", False, ("юридический адрес", "почтовый адрес"), 500),
    Column("head_name", "Руководитель", False, ("фио руководителя", "директор"), 200),
    Column("email", "E-mail", False, ("email", "e-mail", "эл. почта", "электронная почта"), 200),
    Column("phone", "Телефон", False, (), 60),
    Column("inn", "ИНН", False, (), 20),
)

USER_COLUMNS = (
    Column("email", "E-mail", True, ("email", "эл. почта", "электронная почта", "логин"), 254),
    Column("full_name", "ФИО", True, ("фамилия имя отчество", "ф.и.о.", "ф. и. о."), 200),
    Column("position", "Должность", False, (), 200),
    Column("phone", "Телефон", False, (), 60),
    Column("organization", "Организация", False, ("образовательная организация",), 500),
    Column("municipality", "Муниципалитет", False, ("муниципальное образование", "мо", "район"), 200),
    Column("roles", "Роли", True, ("роль",), 500),
)


def _header_key(text) -> str:
    return clean(str(text or "")).rstrip("*").strip().casefold().replace("ё", "е")


# --- reading the file -------------------------------------------------------------------------

@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells)
    format: str  # "XLSX" or "CSV"


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # INN and phone numbers typed as numbers in Excel
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return clean(str(value))


def _read_xlsx(data: bytes) -> tuple[list, list[tuple[int, list]]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if "[Content_Types].xml" not in zf.namelist():
                raise MalformedFile("Файл не является книгой Excel (XLSX). "
                                    "Сохраните его как «Книга Excel (.xlsx)» или CSV.")
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except MalformedFile:
        raise
    except Exception as exc:  # noqa: BLE001 (openpyxl raises many kinds on a damaged file)
        raise MalformedFile("Файл Excel повреждён или не может быть прочитан. "
                            "Откройте его в Excel и сохраните заново как .xlsx.") from exc
    try:
        ws = wb.worksheets[0]
        rows = []
        for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
            rows.append((i, list(row)))
            if i > MAX_ROWS + 1 and any(v not in (None, "") for v in row):
                raise MalformedFile(f"В файле больше {MAX_ROWS} строк. Разделите его на части.")
    finally:
        wb.close()
    if not rows:
        return [], []
    return rows[0][1], rows[1:]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251")  # Excel on Windows saves «CSV (разделители — запятые)» so
    except UnicodeDecodeError as exc:
        raise MalformedFile("Не удалось прочитать файл как текст CSV. "
                            "Сохраните его в кодировке UTF-8 или Windows-1251.") from exc


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _read_csv(data: bytes) -> tuple[list, list[tuple[int, list]]]:
    text = _decode(data)
    if _CONTROL.search(text):
        raise MalformedFile("Файл не является таблицей: загрузите книгу Excel (.xlsx) или текстовый "
                            "файл CSV.")
    first = next((line for line in text.splitlines() if line.strip()), "")
    # The header line decides: Russian Excel writes «;», most other tools «,».
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    if delimiter == "," and "," not in first and "\t" in first:
        delimiter = "\t"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))
            if len(rows) > MAX_ROWS + 1:
                raise MalformedFile(f"В файле больше {MAX_ROWS} строк. Разделите его на части.")
    except csv.Error as exc:
        raise MalformedFile(f"Файл CSV повреждён (строка {reader.line_num}): {exc}.") from exc
    if not rows:
        return [], []
    return rows[0][1], rows[1:]


def read_table(data: bytes) -> Table:
    """Read the first sheet of an XLSX or a CSV file, telling the format by content."""
    if not data or not data.strip():
        raise MalformedFile("Файл пустой.")
    if len(data) > MAX_BYTES:
        raise MalformedFile(f"Файл слишком большой: {len(data) / 1048576:.1f} МБ, "
                            f"допускается не более {MAX_BYTES // 1048576} МБ.")
    if data[:4] == b"PK\x03\x04":
        headers, rows, fmt = *_read_xlsx(data), "XLSX"
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise MalformedFile("Старый формат Excel (.xls) не поддерживается. "
                            "Сохраните файл как «Книга Excel (.xlsx)» или CSV.")
    elif data[:5] == b"%PDF-" or b"\x00" in data[:4096]:
        raise MalformedFile("Неподдерживаемый формат файла: загрузите книгу Excel (.xlsx) или CSV.")
    else:
        headers, rows, fmt = *_read_csv(data), "CSV"
    headers = [_cell_text(h) for h in headers]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise MalformedFile("В первой строке файла нет заголовков столбцов. "
                            "Скачайте шаблон и заполните его.")
    body = []
    for line, cells in rows:
        texts = [_cell_text(c) for c in cells]
        if any(texts):  # blank lines are skipped
            body.append((line, texts))
    if not body:
        raise MalformedFile("В файле нет строк с данными — только заголовок.")
    return Table(headers=headers, rows=body, format=fmt)


def map_columns(headers: list[str], columns: Iterable[Column]) -> dict[str, int]:
    """{column key: index in the row}; a missing required column is a file-level error."""
    columns = tuple(columns)
    index: dict[str, int] = {}
    for i, h in enumerate(headers):
        hk = _header_key(h)
        for col in columns:
            if hk in (_header_key(col.header), *col.aliases) and col.key not in index:
                index[col.key] = i
                break
    missing = [c.header for c in columns if c.required and c.key not in index]
    if missing:
        names = ", ".join(f"«{m}»" for m in missing)
        word = "обязательного столбца" if len(missing) == 1 else "обязательных столбцов"
        raise MalformedFile(f"В файле нет {word}: {names}. Первая строка должна содержать "
                            "заголовки как в шаблоне.")
    return index


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
    def build(cls, rows: Iterable[tuple[int, str, str]]) -> "MunicipalityIndex":
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


@dataclass
class Report:
    kind: str  # "orgs" or "users"
    columns: tuple[Column, ...]
    rows: list[RowReport]
    format: str = ""

    @property
    def error_rows(self) -> int:
        return sum(1 for r in self.rows if r.errors)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and self.error_rows == 0


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


# --- templates --------------------------------------------------------------------------------

def template_xlsx(columns: tuple[Column, ...], lists: dict[str, list[str]]) -> bytes:
    """An empty workbook with the expected headers, plus a sheet of allowed values."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Данные"
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=col.header)
        cell.font = Font(bold=True)
        ws.column_dimensions[cell.column_letter].width = max(14, min(50, len(col.header) + 6))
    ws.freeze_panes = "A2"
    ref = wb.create_sheet("Справочники")
    for i, (title, values) in enumerate(lists.items(), start=1):
        head = ref.cell(row=1, column=i, value=title)
        head.font = Font(bold=True)
        ref.column_dimensions[head.column_letter].width = 40
        for j, v in enumerate(values, start=2):
            ref.cell(row=j, column=i, value=v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
