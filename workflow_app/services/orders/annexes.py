"""Annexes of an order: each a document of its own (heading lines, title, subtitle, abbreviations, free text
and a table in the shared grid shape: services/documents/grid.py).

Stored on the order as a list of dicts with the keys of `BLANK`. Rows written before migration 0014 have
the older shape {"title", "text", "approved_word", "table": {"headers", "rows", "widths"}}; `normalize`
reads both, so nothing had to be rewritten.
"""
from __future__ import annotations

import re
from typing import Any

from ..documents.grid import GridError, grid_from_json

BLANK: dict[str, Any] = {"heading_lines": [], "title": "", "subtitle": "", "abbreviations": [], "text": "",
                         "columns": [], "rows": [], "row_kinds": [], "widths": None}
# The word of the default heading when the author wrote no heading lines (older annexes chose it).
DEFAULT_APPROVED_WORD = "УТВЕРЖДЕН"

MAX_ANNEXES = 50
MAX_LINES = 30          # heading lines; abbreviations: MAX_ABBREVIATIONS
MAX_LINE = 1000
MAX_ABBREVIATIONS = 300
MAX_TITLE = 4000
MAX_TEXT = 200_000
_ROW = re.compile(r"^Строка (\d+)")


def new(title: str = "", *, columns: list[str] | None = None, rows: list[list[str]] | None = None,
        widths: list[float] | None = None, approved_word: str = DEFAULT_APPROVED_WORD, text: str = "") -> dict:
    """A fresh annex (as kinds prefill them): default heading lines, `rows` all data rows."""
    rows = [list(r) for r in rows or []]
    return {**BLANK, "title": title, "text": text, "columns": list(columns or []), "rows": rows,
            "row_kinds": ["data"] * len(rows), "widths": list(widths) if widths else None,
            "approved_word": approved_word}


def normalize(raw: dict | None) -> dict:
    """One annex in the current shape, whichever shape it was stored in."""
    raw = dict(raw or {})
    out = {**BLANK, **{k: raw[k] for k in BLANK if k in raw}}
    table = raw.get("table")
    if isinstance(table, dict) and not raw.get("columns"):
        rows = [list(r) for r in table.get("rows") or []]
        out.update(columns=list(table.get("headers") or []), rows=rows,
                   row_kinds=list(table.get("row_kinds") or ["data"] * len(rows)), widths=table.get("widths"))
    if raw.get("approved_word"):
        out["approved_word"] = raw["approved_word"]
    for key in ("heading_lines", "abbreviations", "columns", "rows", "row_kinds"):
        out[key] = list(out[key] or [])
    return out


def all_of(order) -> list[dict]:
    return [normalize(a) for a in order.annexes or []]


def heading_lines(annex: dict, n: int, short_name: str) -> list[str]:
    """The heading lines as printed (the author's, else the default ones), without «от … № …»."""
    from ...documents.orders import default_heading

    return list(annex["heading_lines"]) or default_heading(
        n, short_name, annex.get("approved_word") or DEFAULT_APPROVED_WORD)


def to_doc(annex: dict, n: int):
    """The builders' Annex (documents.model) of a normalized annex."""
    from ...documents.model import Annex, Table

    table = None
    if annex["columns"]:
        table = Table(headers=tuple(annex["columns"]),
                      rows=tuple(tuple(str(c) for c in r) for r in annex["rows"]),
                      col_widths_mm=tuple(annex["widths"]) if annex.get("widths") else None,
                      row_kinds=tuple(annex["row_kinds"]) if annex["row_kinds"] else None)
    return Annex(title=annex["title"], text=annex["text"], table=table,
                 approved_word=annex.get("approved_word") or DEFAULT_APPROVED_WORD,
                 heading_lines=tuple(annex["heading_lines"]), subtitle=annex["subtitle"],
                 abbreviations=tuple(annex["abbreviations"]))


# --- checking what an author or a JSON client sent ----------------------------------------------

def _lines(value: Any, where: str, errors: dict, limit: int) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):  # a textarea: one line each
        value = value.replace("\r\n", "\n").split("\n")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors[where] = "Ожидается список строк."
        return []
    lines = [v.strip() for v in value if v.strip()]
    if len(lines) > limit:
        errors[where] = f"{len(lines)} строк, допускается не более {limit}."
    for i, line in enumerate(lines):
        if len(line) > MAX_LINE:
            errors[f"{where}[{i}]"] = f"Строка {i + 1}: {len(line)} символов, допускается не более {MAX_LINE}."
    return lines


def _text(value: Any, where: str, errors: dict, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[where] = "Ожидается текст."
        return ""
    value = value.replace("\r\n", "\n")
    if len(value) > limit:
        errors[where] = f"{len(value)} символов, допускается не более {limit}."
    return value


def check(raw: Any, where: str, errors: dict[str, str]) -> dict:
    """One annex from the author's input, checked; problems go to `errors` under
    «annexes[i].rows[j]»-style keys, with Russian messages (a GridError's own words for the table)."""
    if not isinstance(raw, dict):
        errors[where] = "Приложение передано в неверном формате."
        return dict(BLANK)
    out = dict(BLANK)
    out["heading_lines"] = _lines(raw.get("heading_lines"), f"{where}.heading_lines", errors, MAX_LINES)
    out["abbreviations"] = _lines(raw.get("abbreviations"), f"{where}.abbreviations", errors, MAX_ABBREVIATIONS)
    out["title"] = _text(raw.get("title"), f"{where}.title", errors, MAX_TITLE).strip()
    out["subtitle"] = _text(raw.get("subtitle"), f"{where}.subtitle", errors, MAX_TITLE).strip()
    out["text"] = _text(raw.get("text"), f"{where}.text", errors, MAX_TEXT).strip()
    if raw.get("approved_word"):
        out["approved_word"] = str(raw["approved_word"])
    columns, rows = raw.get("columns") or [], raw.get("rows") or []
    if not isinstance(columns, list) or not isinstance(rows, list):
        errors[f"{where}.rows"] = "Таблица передана в неверном формате."
        return out
    if not columns and not rows:
        return out  # an annex of text only
    try:
        grid = grid_from_json({"columns": columns, "rows": rows, "row_kinds": raw.get("row_kinds") or [],
                               "widths": raw.get("widths")})
    except GridError as exc:
        found = _ROW.match(str(exc))
        key = f"{where}.rows[{int(found.group(1)) - 1}]" if found else f"{where}.columns"
        errors[key] = str(exc)
        return out
    out.update(columns=grid.columns, rows=grid.rows, row_kinds=grid.row_kinds, widths=grid.widths)
    return out


def check_all(raw: Any, errors: dict[str, str]) -> list[dict]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        errors["annexes"] = "Приложения передаются списком."
        return []
    if len(raw) > MAX_ANNEXES:
        errors["annexes"] = f"{len(raw)} приложений, допускается не более {MAX_ANNEXES}."
    return [check(a, f"annexes[{i}]", errors) for i, a in enumerate(raw)]


def described(errors: dict[str, str]) -> str:
    """The errors as one Russian sentence naming the annex («Приложение № 2, строка 4: …»)."""
    parts = []
    for key, message in errors.items():
        found = re.match(r"annexes\[(\d+)\]", key)
        parts.append(f"Приложение № {int(found.group(1)) + 1}: {message}" if found else message)
    return " ".join(parts)


def moved(annexes: list[dict], action: str) -> list[dict]:
    """The list after an edit-form button: «add» a blank annex, «remove-N», «up-N», «down-N» (N from 0)."""
    out = list(annexes)
    verb, _, index = action.partition("-")
    if verb == "add":
        out.append(new())
        return out
    if not index.isdigit() or int(index) >= len(out):
        return out
    i = int(index)
    if verb == "remove":
        out.pop(i)
    elif verb == "up" and i > 0:
        out[i - 1], out[i] = out[i], out[i - 1]
    elif verb == "down" and i + 1 < len(out):
        out[i + 1], out[i] = out[i], out[i + 1]
    return out
