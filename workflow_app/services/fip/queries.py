"""What the lists show: the cases a user may see, searched and sorted in SQL."""
from __future__ import annotations

from sqlalchemy import Select, false, or_, select

from ... import policy
from ...extensions import db
from ...listing import like_pattern
from ...models import Organization, Role, User
from ...models.fip_case import FipCase, FipStatus

SORTS = {"updated": FipCase.updated_at, "year": FipCase.year, "status": FipCase.status,
         "org": Organization.short_name, "project": FipCase.project}


def case_query(user: User, q: str = "", status: FipStatus | None = None, year: int | None = None) -> Select:
    stmt = select(FipCase).join(Organization, Organization.id == FipCase.organization_id)
    if not (policy.is_staff(user) or user.has_role(Role.signatory)):
        parts = []
        if orgs := user.applicant_org_ids():
            parts.append(FipCase.organization_id.in_(orgs))
        if munis := user.coordinator_municipality_ids():
            parts.append(Organization.municipality_id.in_(munis))
        stmt = stmt.where(or_(*parts) if parts else false())
    if q:
        pattern = like_pattern(q)
        stmt = stmt.where(or_(FipCase.project.ilike(pattern, escape="\\"),
                              Organization.short_name.ilike(pattern, escape="\\")))
    if status is not None:
        stmt = stmt.where(FipCase.status == status)
    if year is not None:
        stmt = stmt.where(FipCase.year == year)
    return stmt


def ordered(stmt: Select) -> Select:
    return stmt.order_by(FipCase.updated_at.desc(), FipCase.id.desc())


def org_choices(user: User) -> list[tuple[int, str]]:
    """Organisations the user may open a case for: an applicant's own; for staff, those holding a
    current or completed КИП (the usual candidates)."""
    from ...models.status_award import AwardStatus, StatusAward
    from ...models.status_type import StatusType

    if policy.is_staff(user):
        stmt = (select(Organization.id, Organization.short_name)
                .join(StatusAward, StatusAward.organization_id == Organization.id)
                .join(StatusType, StatusType.id == StatusAward.status_type_id)
                .where(StatusType.code == "KIP",
                       StatusAward.status.in_([AwardStatus.active, AwardStatus.completed]))
                .distinct())
    else:
        stmt = select(Organization.id, Organization.short_name).where(
            Organization.id.in_(user.applicant_org_ids() or {0}))
    return [(i, n) for i, n in db.session.execute(stmt.order_by(Organization.short_name)).all()]


def all_of(stmt: Select) -> list[FipCase]:
    """Every case of a list (the XLSX export; cases are a few hundred a year)."""
    return list(db.session.execute(stmt).unique().scalars())
