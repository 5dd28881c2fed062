"""Factories for competition tests: a configured campaign straight from the preset, and entries."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from workflow_app.extensions import db
from workflow_app.models.base import utcnow
from workflow_app.models.competition import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    Entry,
    EntryStatus,
    Stage,
    StageKind,
    Track,
)
from workflow_app.services.competition.campaigns import campaign_from_preset


def make_campaign(name: str = "Инновационный поиск 2026", year: int = 2026,
                  status: CampaignStatus = CampaignStatus.open, **settings) -> Campaign:
    """A campaign with the preset's tracks, stages (deadlines in the future) and criteria."""
    settings.setdefault("code_prefix", "ИП")
    c = campaign_from_preset(CampaignKind.innovation_search, name=name, year=year, status=status, **settings)
    now = utcnow()
    for i, s in enumerate(c.stages):
        s.starts_on, s.deadline = date.today(), now + timedelta(days=10 * (i + 1))
    db.session.add(c)
    db.session.flush()
    return c


def stage(campaign: Campaign, kind: StageKind) -> Stage:
    return next(s for s in campaign.stages if s.kind == kind)


def track(campaign: Campaign, code: str) -> Track:
    return next(t for t in campaign.tracks if t.code == code)


def make_entry(campaign: Campaign, org, track_code: str = "ОО", status: EntryStatus = EntryStatus.draft,
               title: str = "Проект", **kw) -> Entry:
    n = db.session.execute(select(func.count(Entry.id)).where(Entry.campaign_id == campaign.id)).scalar_one()
    e = Entry(campaign=campaign, track=track(campaign, track_code), organization=org, status=status,
              code=f"{campaign.code_prefix or 'ИП'}-{campaign.year}-{n + 1:04d}", title=title, **kw)
    db.session.add(e)
    db.session.flush()
    return e
