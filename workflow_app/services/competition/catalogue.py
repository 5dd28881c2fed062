"""Read side of the JSON API for campaigns and entries: what a user may list, in a stable order.

Who sees what mirrors the policy rules: staff every campaign, everybody else the announced ones (the
public page shows them too); entries as `entry.view` allows (staff all, an applicant their
organisations', a coordinator their municipalities'), so a list never shows what a fetch would refuse.
"""
from __future__ import annotations

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import selectinload

from ... import policy
from ...listing import ListArgs
from ...models import Organization, User
from ...models.competition import Campaign, CampaignStatus, Entry
from . import entry_check


def campaign_query(user: User, state: CampaignStatus | None = None) -> Select:
    stmt = select(Campaign).options(selectinload(Campaign.tracks), selectinload(Campaign.stages))
    if not policy.is_staff(user):
        stmt = stmt.where(Campaign.status != CampaignStatus.draft)
    if state is not None:
        stmt = stmt.where(Campaign.status == state)
    return stmt.order_by(Campaign.year.desc(), Campaign.id.desc())


def campaign_visible(user: User, campaign: Campaign) -> bool:
    return policy.is_staff(user) or campaign.status != CampaignStatus.draft


def matching_entries(campaign_id: int | None, q: str) -> Select:
    """Entries of a campaign (or all) matching `q`: the one place the API's entry search is decided
    (today the staff list's search by code, theme and organisation)."""
    return entry_check.entry_query(campaign_id, ListArgs(q=q.strip()[:200]))


def entry_query(user: User, campaign_id: int | None, q: str = "") -> Select:
    stmt = matching_entries(campaign_id, q)
    if not policy.is_staff(user):
        parts = []
        if orgs := user.applicant_org_ids():
            parts.append(Entry.organization_id.in_(orgs))
        if munis := user.coordinator_municipality_ids():
            parts.append(Organization.municipality_id.in_(munis))
        stmt = stmt.where(or_(*parts) if parts else false())
    return stmt.order_by(None).order_by(Entry.campaign_id.desc(), Entry.code, Entry.id)
