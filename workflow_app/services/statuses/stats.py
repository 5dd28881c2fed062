"""Figures for the rector: how many awards hold on a date, grouped by organisation type, municipality or
status type, and per year — counted in SQL from the awards' terms (`StatusAward.current_on`), never stored.
"""
from __future__ import annotations

import io
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from ...errors import ValidationFailed
from ...extensions import db
from ...models import Municipality, Organization, OrgType
from ...models.orders import Order
from ...models.status_award import IN_FORCE_STATES, StatusAward
from ...models.status_type import StatusType

GROUPS = {"org_type": Organization.org_type, "municipality": Municipality.name, "type": StatusType.short_name}
GROUP_TITLES = {"org_type": "Тип организации", "municipality": "Муниципалитет", "type": "Статус"}
MAX_YEARS = 15


def _base(on_clause, type_short: str | None) -> Select:
    stmt = (select(func.count(StatusAward.id))
            .join(Organization, Organization.id == StatusAward.organization_id)
            .join(StatusType, StatusType.id == StatusAward.status_type_id)
            .where(on_clause))
    if type_short:
        stmt = stmt.where(func.lower(StatusType.short_name) == type_short.strip().casefold())
    return stmt


def _key(value: Any) -> str:
    return value.value if isinstance(value, OrgType) else str(value)


def awards_stats(on: date, type_short: str | None = None, group_by: str = "org_type") -> dict:
    """{"on": ISO date, "groups": [{"key", "count"}] (largest first), "total"}: awards in force on `on`."""
    if group_by not in GROUPS:
        raise ValidationFailed(f"Группировка «{group_by}» не поддерживается: org_type, municipality или type.")
    if type_short and db.session.execute(select(StatusType.id).where(
            func.lower(StatusType.short_name) == type_short.strip().casefold())).first() is None:
        raise ValidationFailed(f"Неизвестный статус «{type_short}».")
    col = GROUPS[group_by]
    stmt = _base(StatusAward.current_on(on), type_short).add_columns(col).group_by(col)
    if group_by == "municipality":
        stmt = stmt.join(Municipality, Municipality.id == Organization.municipality_id)
    groups = [{"key": _key(k), "count": n} for n, k in db.session.execute(stmt).all()]
    groups.sort(key=lambda g: (-g["count"], g["key"]))
    return {"on": on.isoformat(), "groups": groups, "total": sum(g["count"] for g in groups)}


def cube(on: date) -> list[tuple[str, str, str, int]]:
    """(status type, organisation type, municipality, count) of the awards in force on `on`: one query."""
    stmt = (_base(StatusAward.current_on(on), None)
            .join(Municipality, Municipality.id == Organization.municipality_id)
            .add_columns(StatusType.short_name, Organization.org_type, Municipality.name)
            .group_by(StatusType.short_name, Organization.org_type, Municipality.name))
    rows = [(t, o.value, m, n) for n, t, o, m in db.session.execute(stmt).all()]
    return sorted(rows, key=lambda r: (r[0], r[1], r[2]))


def type_by_org_type(on: date) -> tuple[list[str], list[str], dict[tuple[str, str], int]]:
    """The cross table status type × organisation type on `on`: (types, org types, counts)."""
    stmt = (_base(StatusAward.current_on(on), None).add_columns(StatusType.short_name, Organization.org_type)
            .group_by(StatusType.short_name, Organization.org_type))
    counts = {(t, o.value): n for n, t, o in db.session.execute(stmt).all()}
    types = [t.short_name for t in db.session.execute(
        select(StatusType).order_by(StatusType.position, StatusType.id)).scalars()]
    org_types = [o.value for o in OrgType if any(k[1] == o.value for k in counts)]
    return types, org_types, counts


def by_year(first: int, last: int, type_short: str | None = None) -> dict[int, dict[str, int]]:
    """{year: {status type: awards in force on some day of that year}} for first..last: one query."""
    last = min(last, first + MAX_YEARS - 1)
    years = union_all(*[select(literal(y).label("y"), literal(date(y, 1, 1)).label("start"),
                               literal(date(y, 12, 31)).label("end")) for y in range(first, last + 1)]).subquery()
    # The rule of StatusAward.in_force_between, with the ending order joined once rather than looked up
    # per award and year.
    ended = aliased(Order)
    stmt = (select(func.count(StatusAward.id), years.c.y, StatusType.short_name)
            .select_from(StatusAward)
            .join(StatusType, StatusType.id == StatusAward.status_type_id)
            .outerjoin(ended, ended.id == StatusAward.ended_by_order_id)
            .join(years, and_(StatusAward.term_from <= years.c.end, StatusAward.term_to >= years.c.start))
            .where(StatusAward.status.in_(IN_FORCE_STATES),
                   or_(ended.order_date.is_(None), ended.order_date > years.c.start))
            .group_by(years.c.y, StatusType.short_name))
    if type_short:
        stmt = stmt.where(func.lower(StatusType.short_name) == type_short.strip().casefold())
    out: dict[int, dict[str, int]] = {y: {} for y in range(first, last + 1)}
    for n, y, t in db.session.execute(stmt).all():
        out[int(y)][t] = n
    return out


def xlsx(on: date) -> bytes:
    """The figures on `on` as a workbook: the full cube (type × organisation type × municipality), the
    types per year up to `on`'s year, and the totals by each grouping."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Статусы на дату"
    ws.append([f"Действующие статусы на {on:%d.%m.%Y}"])
    ws.append(["Статус", "Тип организации", "Муниципалитет", "Количество"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in cube(on):
        ws.append(list(row))
    years = by_year(max(2000, on.year - MAX_YEARS + 1), on.year)
    types = [t for t in db.session.execute(select(StatusType.short_name).order_by(
        StatusType.position, StatusType.id)).scalars()]
    sheet = wb.create_sheet("По годам")
    sheet.append(["Год (действовали в течение года)", *types])
    for year, counts in years.items():
        sheet.append([year, *[counts.get(t, 0) for t in types]])
    for group, title in GROUP_TITLES.items():
        sheet = wb.create_sheet(f"По полю «{title}»"[:31])
        sheet.append([title, "Количество"])
        for g in awards_stats(on, None, group)["groups"]:
            sheet.append([g["key"], g["count"]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
