"""Figures of an organisation's accepted reports on its КИП projects, for the ФИП readiness checks
(services/fip/readiness.py reads `figure(org_id, code)`): how many reports were accepted, and how many
products, publications, network members and events they record."""
from __future__ import annotations

from sqlalchemy import select

from ...extensions import db
from ...models.status_award import StatusAward
from ...models.status_report import ReportStatus, StatusReport
from ...models.status_type import StatusType
from . import content as c

KIP_CODE = "KIP"
TABLE_OF = {"products": c.PRODUCTS, "publications": c.PUBLICATIONS, "network_members": c.NETWORK,
            "events": c.EVENTS}


def _accepted(org_id: int) -> list[StatusReport]:
    return list(db.session.execute(
        select(StatusReport).join(StatusAward, StatusAward.id == StatusReport.award_id)
        .join(StatusType, StatusType.id == StatusAward.status_type_id)
        .where(StatusAward.organization_id == org_id, StatusType.code == KIP_CODE,
               StatusReport.status == ReportStatus.accepted)).scalars())


def _filled_rows(report: StatusReport, spec: c.TableSpec) -> list[list[str]]:
    grid = c.grid_of(report.content or {}, spec)
    return [row for row, kind in zip(grid.rows, grid.row_kinds, strict=False)
            if kind == "data" and any((v or "").strip() for v in row)]


def figure(org_id: int, code: str) -> int | None:
    """The count for one readiness code; None for a code the reports do not record."""
    reports = _accepted(org_id)
    if code == "accepted_reports":
        return len(reports)
    spec = TABLE_OF.get(code)
    if spec is None:
        return None
    rows = [row for r in reports for row in _filled_rows(r, spec)]
    if code == "network_members":  # the same organisation listed in several years' reports counts once
        return len({(row[0] or "").strip().casefold() for row in rows if (row[0] or "").strip()})
    return len(rows)
