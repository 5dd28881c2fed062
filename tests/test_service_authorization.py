"""State-changing services ask the policy themselves: called directly (a script, a job, a future view that
forgets to authorize), an applicant or an expert is refused and nothing changes; staff go through."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from workflow_app import policy
from workflow_app.errors import PermissionDenied
from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Role
from workflow_app.models.commission import CommissionMeeting
from workflow_app.models.competition import Campaign, CampaignKind, CampaignStatus, Criterion, StageKind
from workflow_app.models.orders import Order, OrderKind
from workflow_app.services import orders
from workflow_app.services.competition import campaigns as svc
from workflow_app.services.competition import commission
from workflow_app.timeutil import deadline_parts

from .factories import make_campaign, make_org, make_user, stage, track
from .helpers import pdf_bytes, upload


def _people():
    org = make_org()
    return {
        "staff": make_user("staff@x.ru", Role.staff),
        "applicant": make_user("applicant@x.ru", (Role.applicant, org), org=org),
        "expert": make_user("expert@x.ru", Role.expert),
    }


def _criterion(c: Campaign) -> Criterion:
    return next(cr for cr in c.criteria if cr.stage.kind == StageKind.expert_review)


def _criterion_data(c: Campaign) -> dict:
    return {"stage_id": stage(c, StageKind.expert_review).id, "track_id": None, "name": "Новизна",
            "max_points": "10", "weight": "1"}


def _in_person(c: Campaign) -> dict:
    s = stage(c, StageKind.submission)
    day, at = deadline_parts(s.deadline)
    return {"starts_on": s.starts_on, "deadline_date": day, "deadline_time": at, "in_person": True,
            "scored": s.scored, "score_weight": s.score_weight}


def _add_stage(c: Campaign, actor):
    """The preset has every stage: drop the correction stage (unscored) first, then add it back."""
    c.stages.remove(stage(c, StageKind.correction))
    db.session.flush()
    return svc.add_stage(c, StageKind.correction, actor=actor, expected_version=None)


def _settings(c: Campaign) -> dict:
    return dict({k: getattr(c, k) for k in svc.SETTINGS_FIELDS}, experts_per_entry=4)


def _meeting_values() -> dict:
    return dict(number="1", held_on=date(2026, 12, 1), place="Краснодар", chair="Петров П.П. | председатель",
                secretary="Сидорова С.С.", members_present="Иванов И.И.", members_total=5,
                agenda="Об итогах", heard="", decided="Утвердить", vote_yes=3, vote_no=0, vote_abstained=0)


# Each operation: (name, call(campaign, actor)). The campaign is a draft straight from the preset.
CAMPAIGN_OPERATIONS = [
    ("create", lambda c, u: svc.create_campaign(name="Новый конкурс", year=2027,
                                                kind=CampaignKind.innovation_search, actor=u)),
    ("settings", lambda c, u: svc.update_settings(c, _settings(c), actor=u, expected_version=c.version)),
    ("dossier_schema", lambda c, u: svc.update_dossier_schema(
        c, [{"key": "1", "title": "Описание", "kind": "text", "required": True}], actor=u,
        expected_version=c.version)),
    ("regulation", lambda c, u: svc.set_regulation(c, upload(pdf_bytes(), "Положение.pdf"), actor=u,
                                                   expected_version=c.version)),
    ("add_track", lambda c, u: svc.add_track(c, {"code": "НОВ", "name": "Новое", "org_types": ["OO"]}, actor=u,
                                             expected_version=c.version)),
    ("update_track", lambda c, u: svc.update_track(
        track(c, "ОО"), {"code": "ОО", "name": "Школы", "org_types": ["OO"]}, actor=u,
        expected_version=c.version)),
    ("remove_track", lambda c, u: svc.remove_track(track(c, "ОО"), actor=u, expected_version=c.version)),
    ("add_stage", lambda c, u: _add_stage(c, u)),
    ("update_stage", lambda c, u: svc.update_stage(stage(c, StageKind.submission), _in_person(c), actor=u,
                                                   expected_version=c.version)),
    ("remove_stage", lambda c, u: svc.remove_stage(stage(c, StageKind.defence), actor=u,
                                                   expected_version=c.version)),
    ("add_criterion", lambda c, u: svc.add_criterion(c, _criterion_data(c), actor=u, expected_version=c.version)),
    ("update_criterion", lambda c, u: svc.update_criterion(_criterion(c), _criterion_data(c), actor=u,
                                                           expected_version=c.version)),
    ("remove_criterion", lambda c, u: svc.remove_criterion(_criterion(c), actor=u, expected_version=c.version)),
    ("move_criterion", lambda c, u: svc.move_criterion(_criterion(c), 1, actor=u, expected_version=c.version)),
    ("transition", lambda c, u: svc.transition(c, "open", actor=u, expected_version=c.version)),
    ("copy", lambda c, u: svc.copy_campaign(c, year=2027, actor=u)),
]


def _state() -> tuple:
    """What a refused call must leave untouched: campaigns (with their versions), criteria, audit rows."""
    campaigns = tuple(db.session.execute(select(Campaign.id, Campaign.version, Campaign.status)
                                         .order_by(Campaign.id)).all())
    criteria = db.session.execute(select(func.count(Criterion.id))).scalar_one()
    audit_rows = db.session.execute(select(func.count(AuditEvent.id))).scalar_one()
    return campaigns, criteria, audit_rows


@pytest.mark.parametrize("name,call", CAMPAIGN_OPERATIONS, ids=[n for n, _ in CAMPAIGN_OPERATIONS])
def test_campaign_services_refuse_applicants_and_experts(ctx, name, call):
    people = _people()
    c = make_campaign(status=CampaignStatus.draft)
    db.session.commit()
    before = _state()
    for who in ("applicant", "expert"):
        with pytest.raises(PermissionDenied):
            call(db.session.get(Campaign, c.id), people[who])
        db.session.rollback()
        assert _state() == before, who


@pytest.mark.parametrize("name,call", CAMPAIGN_OPERATIONS, ids=[n for n, _ in CAMPAIGN_OPERATIONS])
def test_campaign_services_let_staff_through(ctx, name, call):
    people = _people()
    c = make_campaign(status=CampaignStatus.draft)
    db.session.commit()
    audit_rows = _state()[2]
    call(c, people["staff"])
    db.session.flush()
    assert _state()[2] > audit_rows  # the change happened and was audited


def test_order_draft_is_edited_by_staff_only(ctx):
    people = _people()
    order = orders.create_draft(OrderKind.other, people["staff"])
    rector = make_user("rector@x.ru", Role.signatory, name="Гайдук Татьяна Алексеевна")
    rector.position = "Ректор"
    db.session.commit()
    fields = dict(title="Об утверждении плана", preamble="", items=["Утвердить план."], control_clause="",
                  designated_signatory_id=rector.id, annexes=[])
    for who in ("applicant", "expert"):
        with pytest.raises(PermissionDenied):
            orders.update_content(order, people[who], fields, expected_version=order.version)
        db.session.rollback()
        order = db.session.get(Order, order.id)
        assert order.title == "Об утверждении "
    orders.update_content(order, people["staff"], fields, expected_version=order.version)
    assert order.title == "Об утверждении плана"


def test_commission_meeting_is_saved_by_staff_only(ctx):
    people = _people()
    c = make_campaign()
    db.session.commit()
    for who in ("applicant", "expert"):
        with pytest.raises(PermissionDenied):
            commission.save_meeting(c, None, _meeting_values(), people[who])
        db.session.rollback()
        assert db.session.execute(select(func.count(CommissionMeeting.id))).scalar_one() == 0
    meeting = commission.save_meeting(c, None, _meeting_values(), people["staff"])
    assert meeting.id is not None and meeting.members_present == [{"name": "Иванов И.И.", "position": ""}]


def test_require_lets_the_system_actor_through_and_refuses_nobody(ctx):
    system = SimpleNamespace(is_system=True, is_authenticated=False, is_active=True)
    policy.require(system, "campaign.create")
    with pytest.raises(PermissionDenied):
        policy.require(None, "campaign.create")
    with pytest.raises(PermissionDenied):
        policy.require(SimpleNamespace(is_system=False, is_authenticated=False, is_active=True),
                       "campaign.create")
