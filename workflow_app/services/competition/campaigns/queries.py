"""Reading campaigns: by id, the public list, counts by state."""
from __future__ import annotations

from sqlalchemy import func, select

from ....extensions import db
from ....models.competition import Campaign, CampaignStatus
from .common import S

# --- reading -----------------------------------------------------------------------------------

def get_campaign(campaign_id: int) -> Campaign | None:
    return db.session.get(Campaign, campaign_id)


def public_campaigns() -> list[Campaign]:
    """Campaigns the public sees: announced and not yet closed, newest first."""
    return list(db.session.execute(
        select(Campaign).where(Campaign.status.notin_((S.draft, S.closed)))
        .order_by(Campaign.year.desc(), Campaign.id.desc())).scalars())


def status_counts() -> dict[CampaignStatus, int]:
    rows = db.session.execute(select(Campaign.status, func.count(Campaign.id)).group_by(Campaign.status)).all()
    return {s: n for s, n in rows}

