"""Import files of organisations and users (XLSX or CSV): the expected columns, reading a file into a table
of text cells, matching its headers to the columns, and the empty templates to download.

Pure functions: bytes in, plain data out; `org_import` validates the rows.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from ... import formatting
from ...errors import ValidationFailed
from .validation import clean

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# The templates have under ten columns; a sheet wider than this is not a filled-in template. Reading is
# bounded by it: openpyxl pads every row to the sheet's width, so one cell in column XFD (16,384) would
# otherwise turn a 27 KB file into gigabytes of empty cells.
MAX_COLUMNS = 100
TOO_MANY_ROWS = f"В файле больше {MAX_ROWS} строк. Разделите его на части."
TOO_MANY_COLUMNS = (f"В файле больше {MAX_COLUMNS} столбцов: это не заполненный шаблон. Удалите лишние "
                    "столбцы справа от таблицы (или скопируйте таблицу на новый лист) и загрузите файл снова.")
NO_HEADERS = "В первой строке файла нет заголовков столбцов. Скачайте шаблон и заполните его."


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
        # The declared size (<dimension>) is known before a single row is read.
        if (ws.max_column or 0) > MAX_COLUMNS:
            raise MalformedFile(TOO_MANY_COLUMNS)
        if (ws.max_row or 0) > MAX_ROWS + 1:
            raise MalformedFile(TOO_MANY_ROWS)
        # Streamed, and checked whatever the file declares (the dimension is optional and may lie): without
        # it each row comes as wide as its own last cell, so one row at a time is held and looked at.
        ws.reset_dimensions()
        stream = ws.iter_rows(values_only=True)
        header = next(stream, None)
        if header is None:
            return [], []
        if _beyond(header):
            raise MalformedFile(TOO_MANY_COLUMNS)
        if not any(_cell_text(v) for v in header):
            raise MalformedFile(NO_HEADERS)
        rows = []
        for i, row in enumerate(stream, start=2):
            if not any(v not in (None, "") for v in row):
                if i > MAX_ROWS + 1:
                    raise MalformedFile(TOO_MANY_ROWS)  # a sheet stretched far down by empty rows
                continue
            if i > MAX_ROWS + 1:
                raise MalformedFile(TOO_MANY_ROWS)
            if _beyond(row):
                raise MalformedFile(TOO_MANY_COLUMNS)
            rows.append((i, _trimmed(row[:MAX_COLUMNS])))
    finally:
        wb.close()
    return _trimmed(header[:MAX_COLUMNS]), rows


def _beyond(row) -> bool:
    return len(row) > MAX_COLUMNS and any(v not in (None, "") for v in row[MAX_COLUMNS:])


def _trimmed(row) -> list:
    """The row without the empty cells the reader padded it with on the right."""
    cells = list(row)
    while cells and cells[-1] in (None, ""):
        cells.pop()
    return cells


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
            if any(cell.strip() for cell in row[MAX_COLUMNS:]):
                raise MalformedFile(TOO_MANY_COLUMNS)
            rows.append((reader.line_num, row[:MAX_COLUMNS]))
            if len(rows) > MAX_ROWS + 1:
                raise MalformedFile(TOO_MANY_ROWS)
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
        raise MalformedFile(f"Файл слишком большой: {formatting.filesize(len(data))}, "
                            f"допускается не более {formatting.filesize(MAX_BYTES)}.")
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
        raise MalformedFile(NO_HEADERS)
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
