"""Figures of an organisation's accepted reports, for the readiness checks of a ФИП case
(services/fip/readiness.py reads `figure(org_id, code)`).

Only accepted reports count (a draft or a returned report is not yet evidence), across all the
organisation's awards; an item is a data row of a report's table with something written in it (group
headings and continuation rows are not items). Counts add up over the reports: a product reported in two
years counts twice, as the reports state it.
"""
from __future__ import annotations

from sqlalchemy import select

from ...extensions import db
from ...models.status_award import StatusAward
from ...models.status_report import ReportStatus, StatusReport
from . import content as c

# Readiness code → the report table whose rows it counts ("accepted_reports" counts the reports).
TABLE_OF = {"products": c.PRODUCTS, "publications": c.PUBLICATIONS, "network_members": c.NETWORK,
            "events": c.EVENTS}
CODES = ("accepted_reports", *TABLE_OF)


def accepted_contents(org_id: int) -> list[dict]:
    return list(db.session.execute(
        select(StatusReport.content).join(StatusAward, StatusAward.id == StatusReport.award_id)
        .where(StatusAward.organization_id == org_id, StatusReport.status == ReportStatus.accepted)
        .order_by(StatusReport.period_year, StatusReport.id)).scalars())


def figure(org_id: int, code: str) -> int | None:
    """The number the organisation's accepted reports give for `code`; None for a code reports do not
    measure."""
    if code not in CODES:
        return None
    contents = accepted_contents(org_id)
    if code == "accepted_reports":
        return len(contents)
    return sum(c.count_rows(content or {}, TABLE_OF[code]) for content in contents)


def rows_of(org_id: int, code: str) -> list[dict[str, str]]:
    """The data rows (with something written) of one table over the accepted reports, oldest first, each
    as {column: value} (what the ФИП form takes where the dossier has nothing)."""
    spec = TABLE_OF[code]
    out = []
    for content in accepted_contents(org_id):
        grid = c.grid_of(content or {}, spec)
        for row, kind in zip(grid.rows, grid.row_kinds, strict=False):
            if kind == "data" and any(v.strip() for v in row):
                out.append(dict(zip(grid.columns, row, strict=False)))
    return out
