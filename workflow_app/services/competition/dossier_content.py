"""What a dossier holds and how its sections are read and checked, whatever the input: the editor's
form, the JSON form (dossier_json) or data stored by earlier versions of the product.

A campaign's form (`Campaign.dossier_schema`) is a list of sections:

    {"key": "6", "code": "6", "title": "6. План-график выполнения работ.", "chapter": "…",
     "kind": "text" | "table" | "table_or_text" | "link", "columns": [...], "default": "table" | "text",
     "required": true}

- `code` is the section's number in the official form («1.1», «6»), used by the JSON form; `key` is
  where the value is stored (the same string in the presets);
- a `table` section holds the applicant's own table in the grid shape (services/documents/grid.py);
  the form's `columns` are fixed (the applicant may add columns, not rename or drop these);
- a `table_or_text` section holds either, as the applicant chose; `default` is what the editor offers;
- a `link` section holds one web address (http/https), e.g. the video of a team's entry;
- `chapter`: the heading of the chapter the section belongs to, printed once before its first section.

Stored values: text → sanitised HTML (richtext); table → the grid dict. Tables stored before the grid
shape existed are lists of rows under the form's columns; they are read as grids of data rows.
Nothing is ever cut: a value over a limit is an error (`DossierInvalid`) naming the section and place.
"""
from __future__ import annotations

import json
import re
from html import escape
from typing import Any

from ..documents.grid import Grid, GridError, grid_from_json
from ..platform.validation import FieldErrors
from . import richtext

KINDS = ("text", "table", "table_or_text", "link")
MAX_URL = 2000
_URL = re.compile(r"^https?://[^\s/?#<>\"'.]+(\.[^\s/?#<>\"'.]+)+(:\d{1,5})?([/?#][^\s<>\"']*)?$", re.IGNORECASE)
MAX_TEXT = 500_000          # characters of one text section (real ones reach 10,000)
MAX_TITLE = 1000
MAX_LEAD = 500
MAX_TEAM = 200
MAX_TEAM_CELL = 1000
TEAM_COLUMNS = ("name", "position", "role")
TEAM_LABELS = {"name": "ФИО", "position": "Должность", "role": "Роль в проекте"}


class DossierInvalid(FieldErrors):
    """Bad dossier input. `message`: the whole story in Russian; `fields` (= `errors`): one message per
    place (a section's code, or `title_page.theme`, `title_page.team`, …)."""

    def __init__(self, fields: dict[str, str]):
        super().__init__(dict(fields))
        self.fields = self.errors


# --- the form's sections -------------------------------------------------------------------------

def code_of(sec: dict) -> str:
    return str(sec.get("code") or sec["key"])


def fixed_columns(sec: dict) -> list[str]:
    return list(sec.get("columns") or [])


def allows_table(sec: dict) -> bool:
    return sec.get("kind") in ("table", "table_or_text")


def allows_text(sec: dict) -> bool:
    return sec.get("kind", "text") in ("text", "table_or_text", "link")


def is_link(sec: dict) -> bool:
    return sec.get("kind") == "link"


def _is_table_value(value: Any) -> bool:
    return isinstance(value, dict | list)


def mode_of(sec: dict, value: Any) -> str:
    """"table" or "text": what the section holds now (or, when empty, what the form proposes)."""
    kind = sec.get("kind", "text")
    if kind != "table_or_text":
        return "table" if kind == "table" else "text"
    if _is_table_value(value) and not grid_of(sec, value).is_empty():
        return "table"
    if isinstance(value, str) and value.strip():
        return "text"
    return "text" if sec.get("default") == "text" else "table"


def grid_of(sec: dict, value: Any) -> Grid:
    """The table a section holds, in either stored shape; an empty grid with the form's columns."""
    columns = fixed_columns(sec) or ["Содержание"]
    if isinstance(value, dict):
        try:
            return grid_from_json(value, max_rows=10 ** 9, max_cell=10 ** 9)
        except GridError:
            pass    # unreadable stored data: shown as an empty table rather than failing the page
    if isinstance(value, list):  # the earlier shape: rows under the form's columns
        rows = []
        for r in value:
            cells = [str(c or "") for c in (r if isinstance(r, list | tuple) else [r])]
            width = max(len(columns), len(cells))
            rows.append(cells + [""] * (width - len(cells)))
        if rows and max(len(r) for r in rows) > len(columns):
            columns = columns + [f"Столбец {i}" for i in range(len(columns) + 1, max(map(len, rows)) + 1)]
        return Grid(columns=list(columns), rows=rows, row_kinds=["data"] * len(rows))
    return Grid(columns=list(columns))


def text_of(value: Any) -> str:
    return value if isinstance(value, str) else ""


def filled(sec: dict, value: Any) -> bool:
    if mode_of(sec, value) == "table":
        return _is_table_value(value) and not grid_of(sec, value).is_empty()
    return bool(richtext.to_text(text_of(value)).strip())


def label(sec: dict) -> str:
    return f"Раздел «{sec.get('title') or code_of(sec)}»"


# --- checking input ------------------------------------------------------------------------------

def table_value(sec: dict, raw: Any) -> dict:
    """A posted table (JSON text or dict) checked against the form; raises DossierInvalid."""
    if not allows_table(sec):
        raise DossierInvalid({code_of(sec): f"{label(sec)}: форма предусматривает текст, а не таблицу."})
    try:
        grid = grid_from_json(raw, fixed_columns=fixed_columns(sec))
    except GridError as exc:
        raise DossierInvalid({code_of(sec): f"{label(sec)}: {exc}"}) from None
    return grid.to_json()


def text_value(sec: dict, raw: Any, *, plain: bool = False) -> str:
    """Posted text (HTML of the editor, or plain text when `plain`) → stored HTML."""
    if not allows_text(sec):
        raise DossierInvalid({code_of(sec): f"{label(sec)}: форма предусматривает таблицу, а не текст."})
    if raw is not None and not isinstance(raw, str):
        raise DossierInvalid({code_of(sec): f"{label(sec)}: ожидается текст."})
    raw = raw or ""
    if is_link(sec):
        return link_value(sec, raw)
    if len(raw) > MAX_TEXT:
        raise DossierInvalid({code_of(sec): f"{label(sec)}: {len(raw)} символов, допускается не более "
                                            f"{MAX_TEXT}."})
    return richtext.from_text(raw) if plain else richtext.sanitize(raw)


def link_value(sec: dict, raw: str) -> str:
    """A web address as typed (trimmed); empty is allowed here, completeness checks `required`."""
    url = raw.strip()
    if url and (len(url) > MAX_URL or not _URL.match(url)):
        raise DossierInvalid({code_of(sec): f"{label(sec)}: укажите ссылку вида https://… (адрес страницы "
                                            "или видео), без пробелов."})
    return url


def one_line(value: Any, field: str, what: str, limit: int) -> str:
    if value is not None and not isinstance(value, str):
        raise DossierInvalid({field: f"{what}: ожидается текст."})
    text = " ".join((value or "").split())
    if len(text) > limit:
        raise DossierInvalid({field: f"{what}: {len(text)} символов, допускается не более {limit}."})
    return text


def team_value(members: Any, field: str = "title_page.team") -> list[dict]:
    """[{"name", "position", "role"}] without empty members; over-long values are errors."""
    if not isinstance(members, list):
        raise DossierInvalid({field: "Команда проекта: ожидается список участников."})
    out = []
    for n, m in enumerate(members, start=1):
        if not isinstance(m, dict):
            raise DossierInvalid({field: f"Команда проекта, участник {n}: ожидаются поля ФИО, должность, роль."})
        member = {}
        for k in TEAM_COLUMNS:
            v = m.get(k)
            if v is not None and not isinstance(v, str):
                raise DossierInvalid({field: f"Команда проекта, участник {n}, «{TEAM_LABELS[k]}»: ожидается текст."})
            v = (v or "").strip()
            if len(v) > MAX_TEAM_CELL:
                raise DossierInvalid({field: f"Команда проекта, участник {n}, «{TEAM_LABELS[k]}»: {len(v)} символов, "
                                             f"допускается не более {MAX_TEAM_CELL}."})
            member[k] = v
        if any(member.values()):
            out.append(member)
    if len(out) > MAX_TEAM:
        raise DossierInvalid({field: f"В команде проекта {len(out)} участников, допускается не более {MAX_TEAM}."})
    return out


def parse_form(schema: list[dict], form) -> dict:
    """The editor's POST (werkzeug MultiDict) → clean values. Text sections: `sec-<key>` (HTML of the
    editor); table sections: `grid-<key>` (the grid JSON); `mode-<key>`: "table" | "text" where the form
    allows both. All errors of the form are collected and raised together."""
    errors: dict[str, str] = {}
    dossier: dict = {}
    for sec in schema or []:
        key = sec["key"]
        try:
            mode = mode_of(sec, None)
            if sec.get("kind") == "table_or_text":
                mode = form.get(f"mode-{key}") or mode
            if mode == "table":
                grid = table_value(sec, form.get(f"grid-{key}") or None)
                dossier[key] = grid
            else:
                dossier[key] = text_value(sec, form.get(f"sec-{key}", ""))
        except DossierInvalid as exc:
            errors.update(exc.fields)
    data: dict = {"dossier": dossier}
    for name, field, what, limit in (("title", "title_page.theme", "Тема проекта", MAX_TITLE),
                                     ("lead_name", "title_page.lead_name", "Руководитель проекта", MAX_LEAD)):
        try:
            data[name] = one_line(form.get(name), field, what, limit)
        except DossierInvalid as exc:
            errors.update(exc.fields)
    columns = [form.getlist(f"team-{c}") for c in TEAM_COLUMNS]
    rows = max((len(c) for c in columns), default=0)
    members = [{k: (col[i] if i < len(col) else "") for k, col in zip(TEAM_COLUMNS, columns, strict=True)}
               for i in range(rows)]
    try:
        data["team"] = team_value(members)
    except DossierInvalid as exc:
        errors.update(exc.fields)
    if errors:
        raise DossierInvalid(errors)
    return data


def editor_fields(schema: list[dict], entry, form=None) -> dict:
    """What the editor shows: the stored draft, or — after a refused save — what was posted, so nothing
    the applicant typed is lost (`form`: the refused POST). {"title", "lead_name", "team",
    "sections": {key: {"mode", "text", "grid"}}}."""
    if form is None:
        dossier = entry.dossier or {}
        sections = {}
        for sec in schema or []:
            value = dossier.get(sec["key"])
            sections[sec["key"]] = {"mode": mode_of(sec, value), "text": text_of(value),
                                    "grid": grid_of(sec, value if _is_table_value(value) else None).to_json()}
        return {"title": entry.title or "", "lead_name": entry.lead_name or "", "team": list(entry.team or []),
                "sections": sections}
    sections = {}
    for sec in schema or []:
        key = sec["key"]
        mode = mode_of(sec, None)
        if sec.get("kind") == "table_or_text" and form.get(f"mode-{key}") in ("table", "text"):
            mode = form[f"mode-{key}"]
        try:
            grid = json.loads(form.get(f"grid-{key}") or "null")
        except ValueError:
            grid = None
        if not (isinstance(grid, dict) and isinstance(grid.get("columns"), list)):
            grid = grid_of(sec, None).to_json()
        sections[key] = {"mode": mode, "text": richtext.sanitize(form.get(f"sec-{key}", "")), "grid": grid}
    columns = [form.getlist(f"team-{c}") for c in TEAM_COLUMNS]
    team = [{k: (col[i] if i < len(col) else "") for k, col in zip(TEAM_COLUMNS, columns, strict=True)}
            for i in range(max(map(len, columns), default=0))]
    return {"title": form.get("title", ""), "lead_name": form.get("lead_name", ""),
            "team": [m for m in team if any(v.strip() for v in m.values())], "sections": sections}


# --- the read side: sections as a reader sees them -----------------------------------------------

def view_sections(schema: list[dict], dossier: dict | None) -> list[dict]:
    """Each section of the form with its value, as frozen in a version's snapshot: {"key", "code",
    "title", "chapter", "kind": "table"|"text", "columns", "rows", "row_kinds"} or {…, "html"}."""
    dossier = dossier or {}
    out = []
    for sec in schema or []:
        value = dossier.get(sec["key"])
        item = {"key": sec["key"], "code": code_of(sec), "title": sec.get("title", ""),
                "chapter": sec.get("chapter", "")}
        if mode_of(sec, value) == "table":
            grid = grid_of(sec, value if _is_table_value(value) else None)
            item.update(kind="table", columns=list(grid.columns), rows=[list(r) for r in grid.rows],
                        row_kinds=list(grid.row_kinds))
            if grid.widths:
                item["widths"] = list(grid.widths)
        elif is_link(sec):
            url = text_of(value)
            item.update(kind="text", html=f'<p><a href="{escape(url)}">{escape(url)}</a></p>' if url else "")
        else:
            item.update(kind="text", html=text_of(value))
        out.append(item)
    return out


def plain_text(dossier: dict | None) -> str:
    """Every word of a stored dossier as plain text (text sections, then table headers and cells), in
    the stored order; for indexing and search, which need no form to read it."""
    parts: list[str] = []
    for value in (dossier or {}).values():
        if isinstance(value, str):
            parts.append(richtext.to_text(value))
        elif isinstance(value, dict | list):
            grid = grid_of({}, value)
            header = ["\t".join(grid.columns)] if isinstance(value, dict) else []  # a list has no headers
            parts.append("\n".join(header + ["\t".join(r) for r in grid.rows]))
    return "\n\n".join(p for p in parts if p.strip())
