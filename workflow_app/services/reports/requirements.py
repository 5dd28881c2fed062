"""Minimum requirements of a status type measured against a report's own data (pure functions).

A requirement is met or not when the report states its number; when it does not (a share left empty, a
requirement this form has no figure for), the verdict is «нужна оценка специалиста»: a person decides.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from . import content as c

MET, NOT_MET, NEEDS_PERSON = "выполнено", "не выполнено", "нужна оценка специалиста"


@dataclass(frozen=True)
class RequirementCheck:
    code: str
    name: str
    minimum: Decimal
    unit: str
    stated: Decimal | None
    verdict: str


def facts_of(content: dict, year: int) -> dict[str, Decimal | None]:
    """The numbers a report states, by requirement code: products, events held in `year`, network
    members and the share of teachers trained (None when left empty)."""
    events = c.grid_of(content, c.EVENTS)
    i_date = events.columns.index("Дата") if "Дата" in events.columns else 0
    in_year = 0
    for row, kind in zip(events.rows, events.row_kinds, strict=False):
        day = c.parse_date(row[i_date]) if kind == "data" else None
        if day is not None and day.year == year:
            in_year += 1
    try:
        share = c.parse_percent(content.get(c.TEACHERS))
    except ValueError:
        share = None
    return {"products": Decimal(c.count_rows(content, c.PRODUCTS)), "events": Decimal(in_year),
            "network": Decimal(c.count_rows(content, c.NETWORK)),
            "publications": Decimal(c.count_rows(content, c.PUBLICATIONS)),
            "teachers_trained": share}


def check(requirements: list[dict], facts: dict[str, Decimal | None]) -> list[RequirementCheck]:
    """One verdict per requirement of the status type, in the type's order."""
    out = []
    for req in requirements or []:
        minimum = Decimal(str(req.get("min", 0)))
        stated = facts.get(req.get("code", ""))
        verdict = NEEDS_PERSON if stated is None else MET if stated >= minimum else NOT_MET
        out.append(RequirementCheck(code=req.get("code", ""), name=req.get("name", ""), minimum=minimum,
                                    unit=req.get("unit", ""), stated=stated, verdict=verdict))
    return out
