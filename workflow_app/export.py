"""Excel export of any table: rows go straight from a set-based query into a write-only workbook."""
from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from .timeutil import to_local_naive

_PLAIN = (int, float, Decimal, type(None))


def _cell_value(value):
    if isinstance(value, (*_PLAIN, str)):
        return value
    if isinstance(value, datetime):
        return to_local_naive(value)
    if hasattr(value, "value") and hasattr(value, "name"):  # Enum: its Russian label
        return value.value
    return value


def build_xlsx(sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence],
               widths: Sequence[int] | None = None, freeze: str = "A2") -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title[:31])
    for i, width in enumerate(widths or [max(12, min(60, len(h) + 4)) for h in headers]):
        ws.column_dimensions[_col(i)].width = width
    ws.freeze_panes = freeze
    bold = Font(bold=True)
    # Long headers wrap onto several lines inside their column instead of being cut mid-word.
    wrap = Alignment(wrap_text=True, vertical="top")
    header_cells = []
    for h in headers:
        c = WriteOnlyCell(ws, value=h)
        c.font = bold
        c.alignment = wrap
        header_cells.append(c)
    ws.append(header_cells)
    for row in rows:
        ws.append([_cell(ws, _cell_value(v)) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(ws, value):
    """Text is written as a typed string cell: «=…», «+7 (861)…», «-1» read exactly as typed and can
    never become a live formula (openpyxl would otherwise store text starting with «=» as one)."""
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    return cell


def _col(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f«»]+')


def download_name(title: str) -> str:
    """A file name people recognise («Рейтинг — Инновационный поиск 2026»), safe on every system."""
    name = _UNSAFE_IN_NAMES.sub(" ", title)
    return re.sub(r"\s+", " ", name).strip(" .")[:150] or "export"


def xlsx_response(filename: str, data: bytes) -> Response:
    stamp = date.today().strftime("%Y-%m-%d")
    name = f"{download_name(filename)} {stamp}.xlsx"
    resp = Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp.headers["Content-Disposition"] = f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(name)}"
    return resp
