"""A table as its author wrote it: the author's own columns, rows typed verbatim, and each row's kind.

One shape for every user-edited table (dossier table sections, order annexes) in storage, in the grid
editor's POST and in the JSON API:

    {"columns": ["№", "Мероприятие", …], "rows": [["1.1.", "…"], …], "row_kinds": ["group", "data", …],
     "widths": [12, 80, …] | null}

- a `group` row spans the whole width (its text is its first cell); a `continuation` row continues the
  row above (its № cell is empty); every other row is `data`;
- cells are kept exactly as typed (line breaks included); nothing is renumbered, trimmed inside or cut:
  a value over a limit is an error that names the row and the column.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ...documents.model import Table

ROW_KINDS = ("data", "group", "continuation")
MAX_COLUMNS = 30
MAX_ROWS = 2000
MAX_CELL = 20_000
MAX_HEADER = 500


class GridError(ValueError):
    """Bad table input, with a Russian message that names the place."""


@dataclass
class Grid:
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    row_kinds: list[str] = field(default_factory=list)
    widths: list[float] | None = None

    def to_json(self) -> dict[str, Any]:
        return {"columns": list(self.columns), "rows": [list(r) for r in self.rows],
                "row_kinds": list(self.row_kinds), "widths": list(self.widths) if self.widths else None}

    def is_empty(self) -> bool:
        return not any(any(c.strip() for c in r) for r in self.rows)

    def to_table(self, align: tuple[str, ...] | None = None) -> Table:
        """The table for the PDF/DOCX builders: the author's columns, rows, row kinds and widths (mm)."""
        return Table(headers=tuple(self.columns), rows=tuple(tuple(r) for r in self.rows),
                     col_widths_mm=tuple(self.widths) if self.widths else None, align=align,
                     row_kinds=tuple(self.row_kinds))


def _text(value: Any, where: str, limit: int) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise GridError(f"{where}: ожидается текст.")
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > limit:
        raise GridError(f"{where}: {len(text)} символов, допускается не более {limit}.")
    return text


def grid_from_json(raw: str | dict | None, *, fixed_columns: list[str] | None = None,
                   max_rows: int = MAX_ROWS, max_cell: int = MAX_CELL) -> Grid:
    """Parse and check a table. `fixed_columns`: headers the form fixes; the author may add columns
    around them but may not rename or drop them. Rows that are wholly empty are dropped."""
    if raw is None or raw == "":
        return Grid(columns=list(fixed_columns or []))
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise GridError("Таблица передана в неверном формате.") from None
    if not isinstance(raw, dict):
        raise GridError("Таблица передана в неверном формате.")
    columns_raw = raw.get("columns")
    if not isinstance(columns_raw, list) or not columns_raw:
        raise GridError("У таблицы должен быть хотя бы один столбец.")
    if len(columns_raw) > MAX_COLUMNS:
        raise GridError(f"В таблице {len(columns_raw)} столбцов, допускается не более {MAX_COLUMNS}.")
    columns = [_text(c, f"Заголовок столбца {i}", MAX_HEADER).strip()
               for i, c in enumerate(columns_raw, start=1)]
    for i, c in enumerate(columns, start=1):
        if not c:
            raise GridError(f"Столбец {i}: заголовок не заполнен.")
    missing = [c for c in fixed_columns or [] if c not in columns]
    if missing:
        raise GridError("Нельзя удалять или переименовывать столбцы формы: "
                        + ", ".join(f"«{c}»" for c in missing) + ".")
    rows_raw = raw.get("rows") or []
    kinds_raw = raw.get("row_kinds") or []
    if not isinstance(rows_raw, list) or not isinstance(kinds_raw, list):
        raise GridError("Таблица передана в неверном формате.")
    rows: list[list[str]] = []
    kinds: list[str] = []
    for n, row in enumerate(rows_raw, start=1):
        if not isinstance(row, list):
            raise GridError(f"Строка {n}: ожидается список ячеек.")
        if len(row) > len(columns):
            raise GridError(f"Строка {n}: {len(row)} ячеек, а столбцов {len(columns)}.")
        cells = [_text(v, f"Строка {n}, столбец «{columns[i]}»", max_cell) for i, v in enumerate(row)]
        cells += [""] * (len(columns) - len(cells))
        kind = kinds_raw[n - 1] if n - 1 < len(kinds_raw) else "data"
        if kind not in ROW_KINDS:
            raise GridError(f"Строка {n}: неизвестный вид строки «{kind}».")
        if not any(c.strip() for c in cells):
            continue
        rows.append(cells)
        kinds.append(kind)
    if len(rows) > max_rows:
        raise GridError(f"В таблице {len(rows)} строк, допускается не более {max_rows}.")
    widths_raw = raw.get("widths")
    widths = None
    if widths_raw:
        if (not isinstance(widths_raw, list) or len(widths_raw) != len(columns)
                or not all(isinstance(w, int | float) and not isinstance(w, bool) and 0 < w <= 1000
                           for w in widths_raw)):
            raise GridError("Ширины столбцов заданы неверно.")
        widths = [float(w) for w in widths_raw]
    return Grid(columns=columns, rows=rows, row_kinds=kinds, widths=widths)
