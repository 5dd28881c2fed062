"""When appeals may be filed and decided: working days of the regional calendar, Europe/Moscow."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ... import audit
from ...errors import ValidationFailed
from ...extensions import db
from ...models.appeal import DEFAULT_DECISION_DAYS, DEFAULT_WINDOW_DAYS, AppealSettings
from ...models.competition import Campaign, Stage
from ...models.results import CampaignDecision
from ...policy import require
from ...timeutil import end_of_day, local_date
from ..platform import work_calendar


def settings_of(campaign: Campaign) -> AppealSettings:
    """The campaign's settings row, or an unsaved one with the defaults."""
    row = db.session.get(AppealSettings, campaign.id)
    return row or AppealSettings(campaign_id=campaign.id, window_days=DEFAULT_WINDOW_DAYS,
                                 decision_days=DEFAULT_DECISION_DAYS)


def save_settings(campaign: Campaign, *, window_days: int, decision_days: int, actor) -> AppealSettings:
    require(actor, "appeal.settings", campaign)
    errors = []
    if not 1 <= window_days <= 30:
        errors.append("Срок подачи апелляции — от 1 до 30 рабочих дней.")
    if not 1 <= decision_days <= 60:
        errors.append("Срок рассмотрения апелляции — от 1 до 60 рабочих дней.")
    if errors:
        raise ValidationFailed(" ".join(errors))
    row = db.session.get(AppealSettings, campaign.id)
    before = None if row is None else {"window_days": row.window_days, "decision_days": row.decision_days}
    if row is None:
        row = AppealSettings(campaign_id=campaign.id)
        db.session.add(row)
    row.window_days, row.decision_days = window_days, decision_days
    db.session.flush()
    audit.record("appeal.settings_changed", actor=actor, obj=campaign,
                 payload={"before": before, "after": {"window_days": window_days, "decision_days": decision_days}})
    return row


def published_at(campaign: Campaign) -> datetime | None:
    """Results are published when the commission's decision is approved (the applicant sees them then)."""
    return db.session.execute(select(CampaignDecision.approved_at)
                              .where(CampaignDecision.campaign_id == campaign.id)).scalar_one_or_none()


def appealed_stage(campaign: Campaign) -> Stage | None:
    """The stage whose results an appeal disputes: the last one of the campaign (the commission's decision)."""
    return campaign.stages[-1] if campaign.stages else None


def after_working_days(moment: datetime, days: int) -> datetime:
    """The end (local time) of the `days`-th working day after the local date of `moment`, in UTC."""
    start = local_date(moment)
    assert start is not None
    return end_of_day(work_calendar.working_days_after(start, days, work_calendar.load(start)))


def window_closes_at(campaign: Campaign) -> datetime | None:
    """The last moment an appeal is accepted; None while results are not published."""
    published = published_at(campaign)
    if published is None:
        return None
    return after_working_days(published, settings_of(campaign).window_days)


def decision_due(campaign: Campaign, submitted_at: datetime) -> datetime:
    return after_working_days(submitted_at, settings_of(campaign).decision_days)
