"""Read side: the staff lists of applications and roadmaps (filters, search, sorting in SQL; the view
paginates or exports), and a holder's own applications and roadmaps."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_, select

from ...extensions import db
from ...listing import ListArgs, apply_sort, like_pattern
from ...models import Municipality, Organization
from ...models.roadmap import Roadmap, RoadmapStatus
from ...models.status_application import ApplicationStatus, StatusApplication
from ...models.status_type import StatusType

APPLICATION_FILTERS = ("year", "type", "state", "municipality", "flagged")
ROADMAP_FILTERS = ("year", "state", "municipality")
APPLICATION_SORTS: dict[str, Any] = {"year": StatusApplication.year, "org": Organization.short_name,
                     "type": StatusType.short_name, "submitted": StatusApplication.submitted_at,
                     "shortfalls": StatusApplication.shortfalls}
ROADMAP_SORTS: dict[str, Any] = {"year": Roadmap.year, "org": Organization.short_name,
                                 "submitted": Roadmap.submitted_at, "approved": Roadmap.approved_at}


def _org_filters(stmt: Select, args: ListArgs, org_col) -> Select:
    stmt = stmt.join(Organization, Organization.id == org_col)
    if (muni := args.int_filter("municipality")) is not None:
        stmt = stmt.where(Organization.municipality_id == muni)
    return stmt


def applications(args: ListArgs) -> Select:
    stmt = _org_filters(select(StatusApplication), args, StatusApplication.organization_id)
    stmt = stmt.join(StatusType, StatusType.id == StatusApplication.status_type_id)
    f = args.filters
    if (year := args.int_filter("year")) is not None:
        stmt = stmt.where(StatusApplication.year == year)
    if f.get("type"):
        stmt = stmt.where(StatusType.code == f["type"])
    if f.get("state") in ApplicationStatus.__members__:
        stmt = stmt.where(StatusApplication.status == ApplicationStatus[f["state"]])
    if f.get("flagged") == "1":
        stmt = stmt.where(StatusApplication.shortfalls > 0)
    if args.q:
        pat = like_pattern(args.q)
        stmt = stmt.where(or_(Organization.short_name.ilike(pat, escape="\\"),
                              Organization.full_name.ilike(pat, escape="\\"),
                              StatusApplication.theme.ilike(pat, escape="\\")))
    return apply_sort(stmt, args, APPLICATION_SORTS, StatusApplication.id.desc())


def roadmaps(args: ListArgs) -> Select:
    stmt = _org_filters(select(Roadmap), args, Roadmap.organization_id)
    f = args.filters
    if (year := args.int_filter("year")) is not None:
        stmt = stmt.where(Roadmap.year == year)
    if f.get("state") in RoadmapStatus.__members__:
        stmt = stmt.where(Roadmap.status == RoadmapStatus[f["state"]])
    if args.q:
        pat = like_pattern(args.q)
        stmt = stmt.where(or_(Organization.short_name.ilike(pat, escape="\\"),
                              Organization.full_name.ilike(pat, escape="\\"),
                              Roadmap.title.ilike(pat, escape="\\")))
    return apply_sort(stmt, args, ROADMAP_SORTS, Roadmap.id.desc())


def of_organizations(org_ids: set[int]) -> tuple[list[StatusApplication], list[Roadmap]]:
    """A holder's own applications and roadmaps, newest first."""
    if not org_ids:
        return [], []
    apps = db.session.execute(select(StatusApplication).where(StatusApplication.organization_id.in_(org_ids))
                              .order_by(StatusApplication.year.desc(), StatusApplication.id.desc())).scalars()
    maps = db.session.execute(select(Roadmap).where(Roadmap.organization_id.in_(org_ids))
                              .order_by(Roadmap.year.desc(), Roadmap.id.desc())).scalars()
    return list(apps), list(maps)


def municipalities() -> list[Municipality]:
    return list(db.session.execute(select(Municipality).order_by(Municipality.name)).scalars())


def organizations(ids: set[int]) -> list[Organization]:
    if not ids:
        return []
    return list(db.session.execute(select(Organization).where(Organization.id.in_(ids))
                                   .order_by(Organization.short_name)).scalars())
