"""Shortlist → in-person panel → commission decision, through the results services."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from workflow_app.actors import SystemActor
from workflow_app.errors import DomainError, TransitionNotAllowed, ValidationFailed
from workflow_app.extensions import db
from workflow_app.machines.base import fire
from workflow_app.machines.review import assignment_lifecycle
from workflow_app.models import AuditEvent, Role
from workflow_app.models.base import utcnow
from workflow_app.models.competition import (
    AssignmentStatus,
    CampaignStatus,
    Decision,
    EntryStatus,
    ExpertConflict,
    ReviewAssignment,
    StageKind,
)
from workflow_app.services.competition import results
from workflow_app.services.competition.ranking import full_ranking
from workflow_app.services.competition.review import SheetInvalid

from .factories import make_campaign, make_entry, make_expert, make_user, org, score, sheet, stage, track


def audits(event, object_id=None):
    q = select(func.count(AuditEvent.id)).where(AuditEvent.event == event)
    if object_id is not None:
        q = q.where(AuditEvent.object_id == object_id)
    return db.session.execute(q).scalar_one()


@pytest.fixture
def world(ctx):
    c = make_campaign(status=CampaignStatus.review, shortlist_pct=Decimal(60))
    review = stage(c, StageKind.expert_review)
    staff = make_user("staff@example.org", Role.staff, name="Сотрудник")
    xs = [make_expert(name=n) for n in ("Орлова Анна Сергеевна", "Волков Пётр Ильич", "Зайцева Мария Олеговна")]
    t0 = utcnow() - timedelta(days=3)
    entries = {}
    for i, (name, tr, totals) in enumerate([
        ("A", "ОО", [90, 90, 90]), ("B", "ОО", [80, 80, 80]), ("C", "ОО", [70, 70, 70]),
        ("D", "ОО", [40, 40, 40]), ("E", "ДОО", [100, 100, 100]),
    ]):
        e = make_entry(c, org(n=i), track_code=tr, status=EntryStatus.scored, title=name,
                       submitted_at=t0 + timedelta(minutes=i))
        for x, total in zip(xs, totals, strict=False):
            sheet(e, x, review, total=total)
        entries[name] = e
    return c, entries, xs, staff


def test_shortlist_preview_then_confirm(world):
    c, entries, xs, staff = world
    plan = results.shortlist_plan(c)
    assert {r.title for r in plan.shortlist} == {"A", "B", "C", "E"}
    assert [r.title for r in plan.not_selected] == ["D"]
    with pytest.raises(DomainError, match="изменились"):
        results.apply_shortlist(c, actor=staff, token="stale")
    assert entries["A"].status == EntryStatus.scored  # nothing applied
    results.apply_shortlist(c, actor=staff, token=plan.token)
    assert entries["A"].status == EntryStatus.shortlisted
    assert entries["D"].status == EntryStatus.not_selected
    assert audits("entry.shortlist") == 4 and audits("entry.not_select") == 1
    assert audits("results.shortlist") == 1


def test_panel_scores_complete_the_defence(world):
    c, entries, xs, staff = world
    results.apply_shortlist(c, actor=staff, token=results.shortlist_plan(c).token)
    panel = [make_expert(name="Член комиссии 1"),
             make_expert(name="Член комиссии 2", organization=entries["B"].organization)]
    db.session.add(ExpertConflict(expert_id=panel[0].id, organization_id=entries["C"].organization_id,
                                  reason="Работал в организации"))
    db.session.flush()
    counts = results.assign_panel(c, [u.id for u in panel], actor=staff)
    # 4 shortlisted × 2 experts, minus own organisation (B) and declared conflict (C)
    assert counts == {"created": 6, "skipped": 2}
    # Each panel sheet is born accepted: one audit row apiece, like every other assignment.
    assert audits("assignment.panel") == 6
    defence = stage(c, StageKind.defence)
    a = db.session.execute(select(ReviewAssignment).where(
        ReviewAssignment.entry_id == entries["A"].id, ReviewAssignment.stage_id == defence.id,
        ReviewAssignment.expert_id == panel[0].id)).scalar_one()
    with pytest.raises(SheetInvalid) as refused:
        score(a, 11, panel[0])
    assert set(refused.value.errors.values()) == {"Балл должен быть от 0 до 10."}
    score(a, 9, panel[0])
    assert a.total == Decimal(27) and a.status == AssignmentStatus.submitted
    assert entries["A"].status == EntryStatus.shortlisted  # the second panel member is still to score
    b = db.session.execute(select(ReviewAssignment).where(
        ReviewAssignment.entry_id == entries["A"].id, ReviewAssignment.stage_id == defence.id,
        ReviewAssignment.expert_id == panel[1].id)).scalar_one()
    score(b, 6, panel[1])
    assert entries["A"].status == EntryStatus.defended
    row = next(r for r in full_ranking(c) if r.title == "A")
    assert row.s1_n == 2 and row.s1_pct == 75.0 and row.final == 75.0


def test_decision_proposals_overrides_and_lock(world):
    c, entries, xs, staff = world
    results.apply_shortlist(c, actor=staff, token=results.shortlist_plan(c).token)
    track(c, "ОО").winners_quota = 1
    db.session.flush()
    rows = {r.title: r for r in full_ranking(c)}
    assert results.proposal_of(rows["A"]) == Decision.winner
    assert results.proposal_of(rows["B"]) == Decision.not_selected  # quota 1 in ОО
    assert results.proposal_of(rows["E"]) == Decision.winner  # ДОО: no quota, 100 % ≥ 60 %
    with pytest.raises(ValidationFailed, match="причину"):
        results.change_proposal(entries["B"], Decision.winner, reason=" ", actor=staff)
    with pytest.raises(DomainError, match="не может быть изменено"):
        results.change_proposal(entries["D"], Decision.winner, reason="Очень хочется", actor=staff)
    results.change_proposal(entries["B"], Decision.winner, reason="Решение комиссии: равный вклад", actor=staff)
    assert audits("results.proposal_changed", entries["B"].id) == 1
    rows = {r.title: r for r in full_ranking(c)}
    assert results.proposal_of(rows["B"]) == Decision.winner and rows["B"].override_reason

    results.approve_decision(c, actor=staff)
    assert c.status == CampaignStatus.decision
    assert [entries[n].status for n in "ABCDE"] == [EntryStatus.winner, EntryStatus.winner,
                                                    EntryStatus.not_selected, EntryStatus.not_selected,
                                                    EntryStatus.winner]
    assert entries["A"].final_rank == 1 and entries["A"].final_score == Decimal("85.7143")
    assert entries["B"].decision == Decision.winner and "равный вклад" in entries["B"].decision_reason
    assert entries["D"].decision == Decision.not_selected and entries["D"].final_rank == 4
    assert audits("results.decision_approved") == 1 and audits("campaign.start_decision") == 1

    # locked: no second approval, no proposal change, no reopen or resubmission of sheets
    with pytest.raises(TransitionNotAllowed, match="уже утверждено"):
        results.approve_decision(c, actor=staff)
    with pytest.raises(TransitionNotAllowed):
        results.change_proposal(entries["C"], Decision.winner, reason="x", actor=staff)
    a = db.session.execute(select(ReviewAssignment).where(ReviewAssignment.entry_id == entries["C"].id,
                                                          ReviewAssignment.expert_id == xs[0].id)).scalar_one()
    with pytest.raises(TransitionNotAllowed, match="Решение комиссии утверждено"):
        fire(assignment_lifecycle, a, "reopen", actor=SystemActor("тест"), reason="пересмотр")
    a.status = AssignmentStatus.reopened  # even if it got reopened somehow, submission is refused
    db.session.flush()
    with pytest.raises(TransitionNotAllowed, match="Решение комиссии утверждено"):
        score(a, 1, xs[0])


def test_decision_waits_for_unfinished_review(world):
    c, entries, xs, staff = world
    entries["C"].status = EntryStatus.under_review
    db.session.flush()
    with pytest.raises(DomainError, match="Экспертиза не завершена по 1 заявке: ИП-2026-0003"):
        results.approve_decision(c, actor=staff)
    assert entries["A"].decision is None and results.decision_record(c) is None


def test_applicant_result_is_anonymous_and_only_after_decision(world):
    c, entries, xs, staff = world
    e = make_entry(c, org(n=50), status=EntryStatus.scored, title="Z")
    review = stage(c, StageKind.expert_review)
    sheet(e, xs[0], review, points=[9] * 10, comments=[f"Комментарий {i}" for i in range(10)])
    sheet(e, xs[1], review, points=[5] * 10)
    assert results.entry_result(e) is None
    results.approve_decision(c, actor=staff)
    stages = results.entry_result(e)
    assert [s.title for s in stages] == [StageKind.expert_review.value]
    labels = [sh.label for sh in stages[0].sheets]
    assert labels == ["Эксперт 1", "Эксперт 2"]
    first = stages[0].sheets[0]
    assert first.total == Decimal("94.5") and len(first.scores) == 10
    assert first.scores[0][2] == 9 and first.scores[0][3] == "Комментарий 0"
    text = repr(stages)
    assert all(x.full_name not in text and x.email not in text for x in xs)


def test_conflicted_or_own_org_expert_cannot_submit(world):
    c, entries, xs, staff = world
    e = entries["A"]
    insider = make_expert(name="Свой", organization=e.organization)
    a = sheet(e, insider, stage(c, StageKind.expert_review), status=AssignmentStatus.accepted)
    with pytest.raises(TransitionNotAllowed, match="своей организации"):
        score(a, 5, insider)
    other = make_expert(name="С конфликтом")
    db.session.add(ExpertConflict(expert_id=other.id, organization_id=e.organization_id))
    b = sheet(e, other, stage(c, StageKind.expert_review), status=AssignmentStatus.accepted)
    with pytest.raises(TransitionNotAllowed, match="конфликт"):
        score(b, 5, other)
