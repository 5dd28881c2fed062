"""The review demo data: experts with profiles, assignments, one submitted sheet and one draft; idempotent."""
import pytest
from sqlalchemy import func, select

from workflow_app.demo import seed_demo
from workflow_app.extensions import db
from workflow_app.models import User
from workflow_app.models.competition import AssignmentStatus, ExpertProfile, ReviewAssignment, Score
from workflow_app.services.competition import review_reader


@pytest.mark.demo
def test_demo_review_data_is_useful_and_idempotent(app):
    with app.app_context():
        first = app.demo_counts
        assert first["experts"] == 8 and first["expert_profiles"] == 9 and first["assignments"] > 0
        second = seed_demo()
        db.session.commit()
        assert {k: second[k] for k in ("experts", "expert_profiles", "review_entries", "assignments",
                                      "score_sheets")} == dict.fromkeys(
            ("experts", "expert_profiles", "review_entries", "assignments", "score_sheets"), 0)
        expert = db.session.execute(select(User).where(User.email == "expert@iro.local")).scalar_one()
        profile = db.session.execute(select(ExpertProfile).where(ExpertProfile.user_id == expert.id)).scalar_one()
        assert profile.competences == ["ОО", "ДОО"]
        mine = db.session.execute(select(ReviewAssignment).where(ReviewAssignment.expert_id == expert.id)
                                  .order_by(ReviewAssignment.id)).scalars().all()
        assert [a.status for a in mine[:2]] == [AssignmentStatus.submitted, AssignmentStatus.accepted]
        assert mine[0].total is not None and mine[1].total is None
        drafts = db.session.execute(select(func.count(Score.id)).where(
            Score.assignment_id == mine[1].id, Score.points.is_not(None))).scalar_one()
        assert drafts > 0
        rows = db.session.execute(review_reader.dashboard_query(expert)).all()
        assert len(rows) >= 2 and {r.scored for r in rows} >= {3, 10}
