"""Campaign configuration is staff work; a regulation document is public once the campaign is announced."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import User
from ..models.competition import Campaign, CampaignStatus
from ..models.files import StoredFile
from ..policy import is_staff, rule
from .files import file_access


@rule("campaign.list", "campaign.view", "campaign.create", "campaign.edit", "campaign.copy",
      "campaign.criteria_edit", "campaign.regulation_upload", "campaign.export",
      "campaign.open", "campaign.start_review", "campaign.start_defence", "campaign.start_decision",
      "campaign.close")
def _staff(user: User, obj: Any) -> bool:
    return is_staff(user)


def regulation_is_public(campaign: Campaign) -> bool:
    """The rule: a regulation is public (anyone, no login) from the moment the campaign leaves draft."""
    return campaign.status != CampaignStatus.draft


@file_access
def _regulation(user: User, file: StoredFile) -> bool | None:
    campaign = db.session.execute(
        select(Campaign).where(Campaign.regulation_file_id == file.id).limit(1)).scalar_one_or_none()
    if campaign is None:
        return None
    return regulation_is_public(campaign)
