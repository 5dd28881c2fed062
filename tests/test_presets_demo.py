"""The demo runs two more competitions from their own presets, end to end."""
from datetime import date

import pytest
from sqlalchemy import select

from workflow_app.demo import seed_demo
from workflow_app.demo.competitions import TEAMS_NAME
from workflow_app.demo.results import NAME as PRACTICE_NAME
from workflow_app.extensions import db
from workflow_app.models import OrgType
from workflow_app.models.competition import (
    AssignmentStatus,
    Campaign,
    CampaignKind,
    Entry,
    EntryStatus,
    ReviewAssignment,
    StageKind,
)
from workflow_app.models.status_award import StatusAward
from workflow_app.models.status_type import StatusType


def _campaign(name: str) -> Campaign:
    return db.session.execute(select(Campaign).where(Campaign.name == name)).scalar_one()


def _sheets(c: Campaign, kind: StageKind) -> list[ReviewAssignment]:
    stage = next(s for s in c.stages if s.kind == kind)
    return list(db.session.execute(select(ReviewAssignment).where(
        ReviewAssignment.stage_id == stage.id, ReviewAssignment.status == AssignmentStatus.submitted)).scalars())


@pytest.mark.demo
def test_methodical_teams_ran_both_stages_with_video_links(app):
    with app.app_context():
        c = _campaign(TEAMS_NAME)
        assert c.kind == CampaignKind.methodical_teams
        entries = list(db.session.execute(select(Entry).where(Entry.campaign_id == c.id)).scalars())
        assert len(entries) >= 4 and {e.organization.org_type for e in entries} == {OrgType.TMS}
        video = next(s["key"] for s in c.dossier_schema if s["kind"] == "link")
        assert all(e.dossier[video].startswith("https://") for e in entries)
        submission = next(s for s in c.stages if s.kind == StageKind.submission)
        defence = next(s for s in c.stages if s.kind == StageKind.defence)
        assert submission.starts_on.month == 8 and defence.starts_on.month == 9 and defence.in_person
        assert _sheets(c, StageKind.expert_review) and _sheets(c, StageKind.defence)
        statuses = {e.status for e in entries}
        assert EntryStatus.winner in statuses and EntryStatus.not_selected in statuses
        assert all(e.final_rank for e in entries)


@pytest.mark.demo
def test_best_practice_is_reviewed_by_current_krc_and_lsv_holders(app):
    with app.app_context():
        c = _campaign(PRACTICE_NAME)
        assert c.kind == CampaignKind.best_practice
        entries = list(db.session.execute(select(Entry).where(Entry.campaign_id == c.id)).scalars())
        assert entries and {e.organization.org_type for e in entries} == {OrgType.TMS}
        holders = set(db.session.execute(
            select(StatusAward.organization_id).join(StatusType, StatusType.id == StatusAward.status_type_id)
            .where(StatusType.code.in_(["KRC", "LSV"]), StatusAward.current_on(date.today()))).scalars())
        sheets = _sheets(c, StageKind.expert_review)
        assert sheets and {a.expert.organization_id for a in sheets} <= holders
        assert any(e.status == EntryStatus.winner for e in entries)


@pytest.mark.demo
def test_seeding_again_adds_no_competition(app):
    with app.app_context():
        before = db.session.execute(select(Campaign.id)).scalars().all()
        counts = seed_demo()
        assert "teams_entries" not in counts and "decision_campaign_sheets" not in counts
        assert db.session.execute(select(Campaign.id)).scalars().all() == before
        db.session.rollback()
