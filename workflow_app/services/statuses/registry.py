"""The registry's read side: awards filtered by type, municipality, year, date and text, as flat rows
from one set-based query (the public page, its XLSX/CSV and the JSON list), and one holder's page.

A page of the registry costs two queries whatever its filters: the rows and their count.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select

from ...extensions import db
from ...ints import db_int
from ...listing import like_pattern
from ...models import Municipality, Organization
from ...models.orders import Order
from ...models.status_award import AwardStatus, StatusAward, state_label
from ...models.status_type import StatusType
from ..platform.org_import import MunicipalityIndex

SORTS = {"org": Organization.short_name, "type": StatusType.short_name, "term": StatusAward.term_to,
         "municipality": Municipality.name}


@dataclass(frozen=True)
class Filter:
    """What the registry is asked: `type` a short name, `municipality` an id or a name, `year` a year,
    `on` a date (default: today, unless a year is asked), `q` a text in the organisation or theme."""

    type: str = ""
    municipality: str = ""
    year: int | None = None
    on: date | None = None
    q: str = ""
    status: str = ""  # staff only: an AwardStatus name; then no date applies unless asked


def _municipality_clause(value: str):
    value = (value or "").strip()
    if not value:
        return None
    if (mid := db_int(value)) is not None:
        return Organization.municipality_id == mid
    # «Краснодар», «г. Краснодар», «город Краснодар», «krasnodar»: the import's lookup (44 rows)
    index = MunicipalityIndex.build(db.session.execute(
        select(Municipality.id, Municipality.code, Municipality.name)).all())
    return Organization.municipality_id == (index.find(value) or -1)


def rows_query(f: Filter, today: date, *, everything: bool = False) -> Select:
    """The registry's rows (flat columns). `everything`: staff list without a date or year — every award."""
    o = select(Order.order_date).where(Order.id == StatusAward.granted_by_order_id)
    stmt = (select(StatusAward.id, StatusType.short_name.label("type_short"), StatusType.name.label("type_name"),
                   Organization.id.label("org_id"), Organization.full_name, Organization.short_name,
                   Organization.org_type, Municipality.name.label("municipality"), StatusAward.theme,
                   StatusAward.term_from, StatusAward.term_to, StatusAward.status,
                   select(Order.number).where(Order.id == StatusAward.granted_by_order_id)
                   .scalar_subquery().label("order_number"),
                   o.scalar_subquery().label("order_date"),
                   select(Order.order_date).where(Order.id == StatusAward.ended_by_order_id)
                   .scalar_subquery().label("ended_on"))
            .join(StatusType, StatusType.id == StatusAward.status_type_id)
            .join(Organization, Organization.id == StatusAward.organization_id)
            .join(Municipality, Municipality.id == Organization.municipality_id))
    if f.year is not None:
        stmt = stmt.where(StatusAward.in_force_between(date(f.year, 1, 1), date(f.year, 12, 31)))
    elif f.on is not None or not everything:
        stmt = stmt.where(StatusAward.current_on(f.on or today))
    else:
        stmt = stmt.where(StatusAward.status != AwardStatus.proposed)
    if f.status in AwardStatus.__members__:
        stmt = stmt.where(StatusAward.status == AwardStatus[f.status])
    if f.type:
        stmt = stmt.where(func.lower(StatusType.short_name) == f.type.strip().casefold())
    if (clause := _municipality_clause(f.municipality)) is not None:
        stmt = stmt.where(clause)
    if f.q.strip():
        pat = like_pattern(f.q)
        stmt = stmt.where(or_(Organization.full_name.ilike(pat, escape="\\"),
                              Organization.short_name.ilike(pat, escape="\\"),
                              StatusAward.theme.ilike(pat, escape="\\")))
    return stmt


MAX_SELECT_OPTIONS = 100


def municipality_options() -> list[tuple[int, str]] | None:
    """(id, name) of every municipality by name for the filter's select box (the krai's 44), or None when
    there are more than a select box can usefully hold: the filter is then a name typed in (one query)."""
    rows = db.session.execute(select(Municipality.id, Municipality.name).order_by(Municipality.name)
                              .limit(MAX_SELECT_OPTIONS + 1)).all()
    return None if len(rows) > MAX_SELECT_OPTIONS else [(i, n) for i, n in rows]


def sorted_rows(stmt: Select, sort: str = "", desc: bool = False) -> Select:
    col = SORTS.get(sort, Organization.short_name)
    return stmt.order_by(col.desc() if desc else col, StatusAward.id)


def page(f: Filter, today: date, page_no: int, per_page: int, *, sort: str = "", desc: bool = False,
         everything: bool = False) -> tuple[list, int]:
    """(rows of the page, total): two queries."""
    stmt = rows_query(f, today, everything=everything)
    total = db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    rows = db.session.execute(sorted_rows(stmt, sort, desc).limit(per_page)
                              .offset((page_no - 1) * per_page)).all()
    return list(rows), total


def state_of(row, day: date) -> str:
    """The row's state on `day` («Действует», «с 01.01.2027», «истёк 31.12.2025»…)."""
    return state_label(row.status, row.term_from, row.term_to, row.ended_on, day)


def as_json(row, day: date) -> dict[str, Any]:
    """One registry row for the JSON list; `state` as of `day` (the asked date, else today)."""
    return {"id": row.id, "status_type": row.type_short, "status_type_name": row.type_name,
            "organization_id": row.org_id, "organization": row.full_name, "organization_short": row.short_name,
            "org_type": row.org_type.value, "municipality": row.municipality, "theme": row.theme,
            "term_from": row.term_from.isoformat(), "term_to": row.term_to.isoformat(),
            "state": state_of(row, day),
            "order": {"number": row.order_number,
                      "date": row.order_date.isoformat() if row.order_date else None}}


def state_day(f: Filter, today: date) -> date:
    """The day a JSON row's `state` is told for: the asked date; the last day of an asked past year; today."""
    if f.on is not None:
        return f.on
    return date(f.year, 12, 31) if f.year is not None and f.year < today.year else today


def json_page(f: Filter, today: date, page_no: int, per_page: int) -> dict[str, Any]:
    """`{"items": [as_json rows], "total": n}`: one page of the public registry (`GET /api/v1/registry`)."""
    rows, total = page(f, today, page_no, per_page)
    day = state_day(f, today)
    return {"items": [as_json(r, day) for r in rows], "total": total}


HEADERS = ["Статус", "Организация", "Тип организации", "Муниципалитет", "Тема проекта", "Начало", "Окончание",
           "Приказ №", "Дата приказа"]


def export_rows(f: Filter, today: date, everything: bool = False):
    """Every matching row for XLSX/CSV, streamed from one query."""
    for r in db.session.execute(sorted_rows(rows_query(f, today, everything=everything))):
        yield (r.type_short, r.full_name, r.org_type.value, r.municipality, r.theme, r.term_from, r.term_to,
               r.order_number or "", r.order_date)


def csv_bytes(rows) -> bytes:
    """CSV as Russian Excel opens it: UTF-8 with a BOM, «;» between cells, dates ДД.ММ.ГГГГ."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([f"{v:%d.%m.%Y}" if isinstance(v, date) else ("" if v is None else v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# --- one holder ------------------------------------------------------------------------------------

def holder_awards(org_id: int) -> list[StatusAward]:
    """The organisation's granted awards, newest term first, with their grounding orders (one query)."""
    from sqlalchemy.orm import joinedload

    return list(db.session.execute(
        select(StatusAward).where(StatusAward.organization_id == org_id,
                                  StatusAward.status != AwardStatus.proposed)
        .options(joinedload(StatusAward.granted_by), joinedload(StatusAward.ended_by))
        .order_by(StatusAward.term_from.desc(), StatusAward.id.desc())).unique().scalars())
