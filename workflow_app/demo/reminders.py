"""Demo reminders: every open deadline of the demo campaigns planned under the rules in force, so a new
user sees the upcoming reminders on an entry's, a stage's and the list's pages. Idempotent."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models.competition import Campaign
from ..services.reminders.hooks import replan_campaign
from . import demo_seeder


@demo_seeder(order=60)
def seed_reminders() -> dict[str, int]:
    campaigns = db.session.execute(select(Campaign).order_by(Campaign.id)).scalars().all()
    return {"pending_reminders": sum(replan_campaign(c) for c in campaigns)}
