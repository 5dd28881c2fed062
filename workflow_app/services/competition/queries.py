"""Read-side queries of the competition area for the views and the dashboard panels: statements for
the paginated lists (the view paginates them), rows for small pages and select boxes, counts.
Set-based: one statement each, whatever the number of rows."""
from __future__ import annotations

from sqlalchemy import Select, func, or_, select

from ...extensions import db
from ...listing import ListArgs, apply_sort, like_pattern
from ...models import Municipality, Organization, OrgStatus, OrgType
from ...models.commission import CommissionMeeting
from ...models.competition import (
    AssignmentStatus,
    Campaign,
    CampaignKind,
    CampaignStatus,
    Entry,
    EntryStatus,
    ReviewAssignment,
    Stage,
)
from . import entry_check

# --- campaigns ---------------------------------------------------------------------------------

CAMPAIGN_SORTS = {"name": Campaign.name, "year": Campaign.year, "status": Campaign.status, "kind": Campaign.kind,
                  "updated": Campaign.updated_at}
# Campaigns the results pages show: scoring has started.
RESULTS_VISIBLE = (CampaignStatus.review, CampaignStatus.defence, CampaignStatus.decision, CampaignStatus.closed)


def campaign_list(args: ListArgs) -> Select:
    """The staff list of campaigns: search in name and description, filters year/kind/status, sorted."""
    stmt = select(Campaign)
    if args.q:
        pat = like_pattern(args.q)
        stmt = stmt.where(or_(Campaign.name.ilike(pat, escape="\\"), Campaign.description.ilike(pat, escape="\\")))
    f = args.filters
    if args.int_filter("year") is not None:
        stmt = stmt.where(Campaign.year == args.int_filter("year"))
    if f.get("kind") in CampaignKind.__members__:
        stmt = stmt.where(Campaign.kind == CampaignKind[f["kind"]])
    if f.get("status") in CampaignStatus.__members__:
        stmt = stmt.where(Campaign.status == CampaignStatus[f["status"]])
    return apply_sort(stmt, args, CAMPAIGN_SORTS, Campaign.id.desc())


def campaign_years() -> list[int]:
    return list(db.session.execute(select(Campaign.year).distinct().order_by(Campaign.year.desc())).scalars().all())


def announced_campaigns() -> list[Campaign]:
    """Every campaign past its draft, newest year first."""
    return list(db.session.execute(
        select(Campaign).where(Campaign.status != CampaignStatus.draft).order_by(Campaign.year.desc(), Campaign.id)
    ).scalars().all())


def results_campaigns() -> list[Campaign]:
    return list(db.session.execute(
        select(Campaign).where(Campaign.status.in_(RESULTS_VISIBLE)).order_by(Campaign.year.desc(), Campaign.id.desc())
    ).scalars())


def campaigns_with_entry_counts() -> list:
    """(campaign, number of its entries), newest first."""
    return db.session.execute(
        select(Campaign, func.count(Entry.id))
        .outerjoin(Entry, Entry.campaign_id == Campaign.id)
        .group_by(Campaign.id).order_by(Campaign.year.desc(), Campaign.id.desc())
    ).all()


def campaigns_with_admitted_counts() -> list:
    """(campaign, number of its entries admitted to review), newest first."""
    return db.session.execute(
        select(Campaign, func.count(Entry.id))
        .outerjoin(Entry, (Entry.campaign_id == Campaign.id) & (Entry.status == EntryStatus.admitted))
        .group_by(Campaign.id).order_by(Campaign.year.desc(), Campaign.id.desc())).all()


def latest_meeting(campaign: Campaign) -> CommissionMeeting | None:
    return db.session.execute(select(CommissionMeeting).where(CommissionMeeting.campaign_id == campaign.id)
                              .order_by(CommissionMeeting.id.desc())).scalars().first()


# --- entries -----------------------------------------------------------------------------------

def entry_check_counts() -> tuple[int, int, list]:
    """For the staff: entries waiting for the technical check, overdue corrections, and
    (campaign id, name, waiting) per campaign with entries waiting."""
    waiting = db.session.execute(
        select(func.count(Entry.id)).where(Entry.status == EntryStatus.submitted)).scalar_one()
    overdue = db.session.execute(
        select(func.count(Entry.id)).where(entry_check.overdue_clause())).scalar_one()
    per_campaign = db.session.execute(
        select(Campaign.id, Campaign.name, func.count(Entry.id))
        .join(Entry, Entry.campaign_id == Campaign.id).where(Entry.status == EntryStatus.submitted)
        .group_by(Campaign.id, Campaign.name).order_by(Campaign.name)).all()
    return waiting, overdue, per_campaign


def paper_entry_orgs(campaign: Campaign, q: str, limit: int = 50) -> tuple[list[Organization], bool]:
    """Active organisations of the types the campaign's tracks admit, matching q (short or full name, INN,
    municipality), by name: at most `limit`, and whether there were more."""
    types = sorted({t for track in campaign.tracks for t in (track.org_types or [])} & set(OrgType.__members__))
    if not types:
        return [], False
    stmt = (select(Organization).join(Organization.municipality)
            .where(Organization.status == OrgStatus.active,
                   Organization.org_type.in_([OrgType[t] for t in types])))
    if q.strip():
        pat = like_pattern(q.strip())
        stmt = stmt.where(or_(*(col.ilike(pat, escape="\\") for col in (
            Organization.short_name, Organization.full_name, Organization.inn, Municipality.name))))
    rows = list(db.session.execute(
        stmt.order_by(Organization.short_name, Organization.id).limit(limit + 1)).unique().scalars())
    return rows[:limit], len(rows) > limit


def decided_entries(org_ids, limit: int = 10) -> list:
    """(id, code, title, decision) of the organisations' entries with a decision, newest first."""
    return db.session.execute(
        select(Entry.id, Entry.code, Entry.title, Entry.decision)
        .where(Entry.organization_id.in_(org_ids), Entry.decision.is_not(None))
        .order_by(Entry.id.desc()).limit(limit)).all()


# --- review assignments ------------------------------------------------------------------------

def entry_assignments(entry: Entry, stage: Stage | None = None) -> list[ReviewAssignment]:
    """An entry's assignments (of one stage, given one), by stage then id."""
    stmt = select(ReviewAssignment).where(ReviewAssignment.entry_id == entry.id)
    if stage is not None:
        return list(db.session.execute(stmt.where(ReviewAssignment.stage_id == stage.id)).scalars())
    return list(db.session.execute(
        stmt.order_by(ReviewAssignment.stage_id, ReviewAssignment.id)).scalars().all())


def defence_rows(expert) -> list:
    """The expert's in-person (defence) sheets: (id, status, due_at, code, title, campaign name)."""
    a = ReviewAssignment
    return db.session.execute(
        select(a.id, a.status, a.due_at, Entry.code, Entry.title, Campaign.name)
        .join(Entry, Entry.id == a.entry_id).join(Campaign, Campaign.id == Entry.campaign_id)
        .join(Stage, Stage.id == a.stage_id)
        .where(a.expert_id == expert.id, Stage.in_person.is_(True),
               a.status.in_((AssignmentStatus.accepted, AssignmentStatus.reopened, AssignmentStatus.submitted)))
        .order_by(Campaign.id.desc(), Entry.code)).all()


def has_defence_to_score(expert) -> bool:
    """Whether an in-person sheet waits for the expert's scores."""
    return db.session.execute(
        select(ReviewAssignment.id).join(Stage, Stage.id == ReviewAssignment.stage_id)
        .where(ReviewAssignment.expert_id == expert.id, Stage.in_person.is_(True),
               ReviewAssignment.status.in_((AssignmentStatus.accepted, AssignmentStatus.reopened)))
        .limit(1)).first() is not None
