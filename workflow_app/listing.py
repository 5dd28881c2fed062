"""Lists: search, filters, sorting and pagination done in SQL, parsed from the query string.

A view declares which columns may be sorted on; anything else in the URL is ignored, so a
hand-edited link can never sort on an arbitrary expression.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, request
from sqlalchemy import Select, func, select
from sqlalchemy.sql import ColumnElement

from .extensions import db
from .ints import db_int

MAX_PER_PAGE = 200


@dataclass
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass
class ListArgs:
    q: str = ""
    sort: str = ""
    desc: bool = False
    page: int = 1
    per_page: int = 25
    filters: dict[str, str] = field(default_factory=dict)

    def int_filter(self, name: str) -> int | None:
        """A filter that names an id or a number: None unless plain digits within the INTEGER range."""
        return db_int(self.filters.get(name))

    def url_args(self, **override) -> dict[str, Any]:
        """Arguments for url_for() that keep the current search, filters and sort."""
        args: dict[str, Any] = {k: v for k, v in self.filters.items() if v}
        if self.q:
            args["q"] = self.q
        if self.sort:
            args["sort"] = self.sort
            if self.desc:
                args["dir"] = "desc"
        if self.page > 1:
            args["page"] = self.page
        args.update(override)
        return {k: v for k, v in args.items() if v not in (None, "")}

    def sort_args(self, key: str) -> dict[str, Any]:
        """Arguments for a column header link: toggles direction on the current column."""
        desc = not self.desc if self.sort == key else False
        return self.url_args(sort=key, dir="desc" if desc else None, page=None)


def parse_args(filter_names: tuple[str, ...] = (), sortable: tuple[str, ...] = (),
               default_sort: str = "", default_desc: bool = False) -> ListArgs:
    a = request.args
    page = max(1, db_int(a.get("page"), 1) or 1)
    default_pp = current_app.config.get("PAGE_SIZE", 25)
    per_page = min(MAX_PER_PAGE, max(1, db_int(a.get("per_page"), default_pp) or default_pp))
    sort = a.get("sort", default_sort)
    if sort not in sortable:
        sort = default_sort
    desc = a.get("dir", "desc" if default_desc and sort == default_sort else "") == "desc"
    return ListArgs(
        q=(a.get("q") or "").strip()[:200],
        sort=sort,
        desc=desc,
        page=page,
        per_page=per_page,
        filters={name: (a.get(name) or "").strip() for name in filter_names},
    )


def apply_sort(stmt: Select, args: ListArgs, columns: dict[str, ColumnElement],
               tiebreak: ColumnElement) -> Select:
    col = columns.get(args.sort)
    if col is not None:
        stmt = stmt.order_by(col.desc() if args.desc else col.asc())
    return stmt.order_by(tiebreak)


def paginate(stmt: Select, args: ListArgs, scalars: bool = True) -> Page:
    """Two queries whatever the page size: one count, one page of rows."""
    total = db.session.execute(
        select(func.count()).select_from(stmt.order_by(None).subquery())
    ).scalar_one()
    pages = max(1, math.ceil(total / args.per_page))
    page = min(args.page, pages)
    result = db.session.execute(stmt.limit(args.per_page).offset((page - 1) * args.per_page))
    items = list(result.unique().scalars() if scalars else result.all())
    return Page(items=items, total=total, page=page, per_page=args.per_page)


def like_pattern(text: str) -> str:
    """A LIKE pattern with the user's %, _ and \\ taken literally (use with escape='\\\\')."""
    esc = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{esc}%"
