"""Reading campaigns: by id, the public list, counts by state."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from ....extensions import db
from ....models.base import utcnow
from ....models.competition import Campaign, CampaignStatus, StageKind
from ....timeutil import today_local
from .common import S, stage_of

# --- reading -----------------------------------------------------------------------------------

def get_campaign(campaign_id: int) -> Campaign | None:
    return db.session.get(Campaign, campaign_id)


def public_campaigns() -> list[Campaign]:
    """Campaigns the public sees: announced and not yet closed, newest first."""
    return list(db.session.execute(
        select(Campaign).where(Campaign.status.notin_((S.draft, S.closed)))
        .order_by(Campaign.year.desc(), Campaign.id.desc())).scalars())


@dataclass(frozen=True)
class Applications:
    """Whether a campaign takes applications now: `open`, or when it will (`opens_on`), or `closed`."""

    open: bool
    opens_on: date | None = None
    closes_at: datetime | None = None
    closed: bool = False


def applications(campaign: Campaign, now: datetime | None = None) -> Applications:
    """Applications are taken while the campaign is open and within the submission stage's dates (the
    same deadline rule as `dossier.create_entry`)."""
    now = now or utcnow()
    submission = stage_of(campaign, StageKind.submission)
    starts_on = submission.starts_on if submission else None
    deadline = submission.deadline if submission else None
    if campaign.status == CampaignStatus.draft:
        return Applications(open=False, opens_on=starts_on)
    if campaign.status != CampaignStatus.open or (deadline is not None and deadline < now):
        return Applications(open=False, closed=True)
    if starts_on is not None and starts_on > today_local():
        return Applications(open=False, opens_on=starts_on, closes_at=deadline)
    return Applications(open=True, closes_at=deadline)


def status_counts() -> dict[CampaignStatus, int]:
    rows = db.session.execute(select(Campaign.status, func.count(Campaign.id)).group_by(Campaign.status)).all()
    return {s: n for s, n in rows}

