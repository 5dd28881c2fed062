"""The holder's own plan, read from the dossier that won the status: the plan-schedule (§6) gives the
rows of a yearly report, the expected results (§5) the rows of the final one.

Dossier tables are stored in two shapes: a list of rows (older dossiers; the columns are the schema's)
or the grid dict {"columns", "rows", "row_kinds"} (services/documents/grid.py). Both are read here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ...extensions import db
from ...models.competition import Entry
from ...models.status_award import StatusAward
from ..documents.grid import Grid, GridError, grid_from_json
from . import content as c

PLAN_KEY, RESULTS_KEY = "6", "5"
_PLAN_WORDS = ("план-график", "план график")
_RESULT_WORDS = ("ожидаемые результаты",)
_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")


@dataclass(frozen=True)
class PlanRow:
    year_text: str
    activity: str
    period: str


def find_section(schema: list[dict], key: str, words: tuple[str, ...]) -> dict | None:
    """The table section of the campaign's dossier form with this key (its code, «6»), else the first
    table section whose title names it (a campaign whose staff renumbered the form)."""
    tables = [s for s in schema or [] if s.get("kind") in ("table", "table_or_text")]
    for s in tables:
        if key in (str(s.get("key")), str(s.get("code") or "")):
            return s
    for s in tables:
        if any(w in (s.get("title") or "").lower() for w in words):
            return s
    return None


def as_grid(value, columns: list[str]) -> Grid:
    """A stored dossier table in either shape → Grid."""
    if isinstance(value, dict):
        try:
            return grid_from_json(value)
        except GridError:
            return Grid(columns=list(columns))
    rows = [[str(v) if v is not None else "" for v in row] for row in value or [] if isinstance(row, list)]
    return Grid(columns=list(columns), rows=rows, row_kinds=["data"] * len(rows))


def _index(columns: list[str], *names: str) -> int | None:
    for i, col in enumerate(columns):
        if any(n in col.lower() for n in names):
            return i
    return None


def covers(year_text: str, year: int) -> bool:
    """«2026», «2026–2027 гг.», «2026, 2028», «2026-2028» cover 2027 as a reader would take them."""
    years = [int(m.group(0)) for m in _YEAR.finditer(year_text)]
    if not years:
        return False
    if len(years) == 2 and re.search(r"\d\s*[–—-]\s*\d", year_text):
        return years[0] <= year <= years[1]
    return year in years


def plan_rows(grid: Grid) -> list[PlanRow]:
    """Rows of a plan table with the year each belongs to: its own «Год» cell, else a year named in its
    «Сроки», else the year of the group row above it (a plan grouped «2026 год» / activities)."""
    cols = [col.lower() for col in grid.columns]
    i_year = _index(cols, "год")
    i_act = _index(cols, "мероприят", "содержание", "деятельност")
    i_period = _index(cols, "срок", "период")
    if i_act is None:
        i_act = next((i for i in range(len(cols)) if i not in (i_year, i_period)), 0)
    out: list[PlanRow] = []
    group_year = ""
    for row, kind in zip(grid.rows, grid.row_kinds, strict=False):
        if kind == "group":
            group_year = row[0] if _YEAR.search(row[0] or "") else group_year
            continue
        if kind == "continuation" and out:
            prev = out[-1]
            out[-1] = PlanRow(prev.year_text, f"{prev.activity}\n{row[i_act]}".strip(), prev.period)
            continue
        own = row[i_year].strip() if i_year is not None else ""
        period = row[i_period].strip() if i_period is not None else ""
        year_text = own or (period if _YEAR.search(period) else "") or group_year
        out.append(PlanRow(year_text, row[i_act].strip(), period))
    return [r for r in out if r.activity]


def _dossier_table(award: StatusAward, key: str, words: tuple[str, ...]) -> Grid | None:
    entry = db.session.get(Entry, award.entry_id) if award.entry_id else None
    if entry is None:
        return None
    section = find_section(entry.campaign.dossier_schema, key, words)
    if section is None:
        return None
    return as_grid((entry.dossier or {}).get(section["key"]), section.get("columns") or [])


def activities_for(award: StatusAward, year: int) -> list[PlanRow]:
    """The plan-schedule's activities for `year` (rows naming no year at all are everyone's)."""
    grid = _dossier_table(award, PLAN_KEY, _PLAN_WORDS)
    if grid is None:
        return []
    return [r for r in plan_rows(grid) if not r.year_text or covers(r.year_text, year)]


def expected_results(award: StatusAward) -> list[tuple[str, str]]:
    """(expected result, the application's proposal) rows of the dossier's §5."""
    grid = _dossier_table(award, RESULTS_KEY, _RESULT_WORDS)
    if grid is None:
        return []
    return [(row[0].strip(), " ".join(v.strip() for v in row[1:] if v.strip()))
            for row, kind in zip(grid.rows, grid.row_kinds, strict=False) if kind != "group" and row[0].strip()]


def prefill(award: StatusAward, year: int, final: bool) -> dict:
    """A new report's content: one row per planned activity of the year (outcome left for the holder),
    and for a final report one row per expected result."""
    activities = Grid(columns=list(c.ACTIVITIES.columns))
    for n, r in enumerate(activities_for(award, year), start=1):
        activities.rows.append([str(n), r.activity, r.period or r.year_text, "", "", "", ""])
        activities.row_kinds.append("data")
    out: dict[str, Any] = {spec.key: c.empty_grid(spec) for spec in c.tables_for(final)}
    out[c.ACTIVITIES.key] = activities.to_json()
    if final:
        results = Grid(columns=list(c.RESULTS.columns))
        for expected, proposal in expected_results(award):
            results.rows.append([expected, proposal, ""])
            results.row_kinds.append("data")
        out[c.RESULTS.key] = results.to_json()
    out[c.TEACHERS] = ""
    for key, _title in c.TEXTS:
        out[key] = ""
    return out
