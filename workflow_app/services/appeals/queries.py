"""What the appeal screens, the XLSX and the API read: set-based, paginated by the caller."""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, false, func, or_, select
from sqlalchemy.orm import contains_eager

from ...extensions import db
from ...listing import ListArgs, apply_sort, like_pattern
from ...models import Organization, Role, User
from ...models.appeal import OPEN, Appeal, AppealStatus
from ...models.base import utcnow
from ...models.competition import AssignmentStatus, Campaign, Criterion, Entry, ReviewAssignment, Score, Stage
from ...models.results import CampaignDecision
from ...timeutil import to_local_naive

SORTS: dict[str, Any] = {"submitted": Appeal.submitted_at, "due": Appeal.decision_due_at, "code": Entry.code,
         "status": Appeal.status, "org": Organization.short_name}
EXPORT_HEADERS = ["№", "Заявка", "Организация", "Подана", "Срок решения", "Состояние", "Основания",
                  "Решение принято", "Обоснование решения"]


def visible(user) -> Select:
    """Appeals the user may see: staff (and the signatory) all; applicants their organisations';
    coordinators their municipality's (the same rule as `appeal.view`, `policy.sees_organization`)."""
    stmt = (select(Appeal).join(Entry, Entry.id == Appeal.entry_id)
            .join(Organization, Organization.id == Entry.organization_id)
            # the rows show the entry's code and organisation: loaded by the same join, no query per row
            .options(contains_eager(Appeal.entry).contains_eager(Entry.organization)))
    if any(user.has_role(r) for r in (Role.staff, Role.admin, Role.signatory)):
        return stmt
    orgs, munis = user.applicant_org_ids(), user.coordinator_municipality_ids()
    if not orgs and not munis:
        return stmt.where(false())
    return stmt.where(or_(Entry.organization_id.in_(orgs or [-1]), Organization.municipality_id.in_(munis or [-1])))


def appeal_list(user, campaign_id: int | None, args: ListArgs) -> Select:
    """Filters: status (an AppealStatus name, or «overdue»: open past its decision due date); search in
    entry code, title and organisation; sorted by SORTS, newest first by default."""
    stmt = visible(user)
    if campaign_id is not None:
        stmt = stmt.where(Appeal.campaign_id == campaign_id)
    status = args.filters.get("status", "")
    if status in AppealStatus.__members__:
        stmt = stmt.where(Appeal.status == AppealStatus[status])
    elif status == "overdue":
        stmt = stmt.where(Appeal.status.in_(OPEN), Appeal.decision_due_at < utcnow())
    if args.q:
        pat = like_pattern(args.q)
        stmt = stmt.where(or_(Entry.code.ilike(pat, escape="\\"), Entry.title.ilike(pat, escape="\\"),
                              Organization.short_name.ilike(pat, escape="\\"),
                              Organization.full_name.ilike(pat, escape="\\")))
    return apply_sort(stmt, args, SORTS, Appeal.id.desc())


def export_rows(stmt: Select):
    """Rows for the XLSX of a filtered list (one query: entry and organisation are joined)."""
    rows = db.session.execute(
        stmt.with_only_columns(Appeal.id, Entry.code, Organization.short_name, Appeal.submitted_at,
                               Appeal.decision_due_at, Appeal.status, Appeal.grounds, Appeal.decided_at,
                               Appeal.decision_reason))
    for r in rows:
        yield (r[0], r[1], r[2], to_local_naive(r[3]), to_local_naive(r[4]), r[5], r[6],
               to_local_naive(r[7]) if r[7] else None, r[8])


def campaigns_with_results() -> list:
    """Campaigns whose results are published, with their appeals counted (open and all)."""
    return list(db.session.execute(
        select(Campaign, CampaignDecision.approved_at,
               func.count(Appeal.id).label("total"),
               func.count(Appeal.id).filter(Appeal.status.in_(OPEN)).label("open"))
        .join(CampaignDecision, CampaignDecision.campaign_id == Campaign.id)
        .outerjoin(Appeal, Appeal.campaign_id == Campaign.id)
        .group_by(Campaign.id, CampaignDecision.approved_at)
        .order_by(CampaignDecision.approved_at.desc())).all())


def entry_appeals(entry: Entry) -> list[Appeal]:
    return list(db.session.execute(
        select(Appeal).where(Appeal.entry_id == entry.id).order_by(Appeal.id.desc())).scalars())


@dataclass
class Sheet:
    assignment_id: int
    stage: str
    expert: str
    total: object
    rows: list = field(default_factory=list)  # (criterion id, name, max points, points)


def sheets(entry: Entry) -> list[Sheet]:
    """The entry's submitted score sheets with every criterion's points (staff see the experts' names)."""
    a = ReviewAssignment
    rows = db.session.execute(
        select(a.id, Stage.kind, User.full_name, a.total, Criterion.id, Criterion.name, Criterion.max_points,
               Score.points)
        .join(Stage, Stage.id == a.stage_id).join(User, User.id == a.expert_id)
        .join(Score, Score.assignment_id == a.id).join(Criterion, Criterion.id == Score.criterion_id)
        .where(a.entry_id == entry.id, a.status == AssignmentStatus.submitted)
        .order_by(Stage.position, a.id, Criterion.position, Criterion.id)).all()
    out: dict[int, Sheet] = OrderedDict()
    for aid, kind, expert, total, cid, cname, cmax, points in rows:
        sh = out.setdefault(aid, Sheet(aid, kind.value, expert, total))
        sh.rows.append((cid, cname, cmax, points))
    return list(out.values())
