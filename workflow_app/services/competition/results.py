"""Results use-cases: score sheets (the in-person stage reuses them), shortlist, defence panel, the
commission's decision and the applicant's view of their result.

Batch actions here are authorised once by the view (`results.*` policy actions, staff only); the
per-entry transitions they fire are consequences of that one decision, so the system fires them
(`actors.SystemActor`, the cause naming the staff action). Every transition still goes through `fire`
or `fire_many` (lock, legal source state, one audit row per object).
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.orm.util import identity_key

from ... import audit
from ...actors import SystemActor
from ...errors import DomainError, TransitionNotAllowed, ValidationFailed
from ...extensions import db
from ...formatting import plural
from ...machines.base import fire, fire_many
from ...machines.campaign import campaign_lifecycle
from ...machines.entry import entry_lifecycle
from ...models import Role, RoleGrant, User
from ...models.base import utcnow
from ...models.competition import (
    AssignmentStatus,
    Campaign,
    CampaignStatus,
    Criterion,
    Decision,
    Entry,
    EntryStatus,
    ExpertConflict,
    ReviewAssignment,
    Score,
    Stage,
)
from ...models.results import CampaignDecision, DecisionOverride
from ..platform import outbox
from ..reminders import hooks as reminder_hooks
from .ranking import ELIGIBLE_STATUSES, LIVE_ASSIGNMENT, defence_stage, full_ranking
from .standings import proposal_of

LOCKED_MESSAGE = "Решение комиссии утверждено: оценки по этой заявке больше не изменяются."


# --- score sheets: written by services.review.save_sheet for both stages; the assignment lifecycle's
# guards and effect (declared in machines/review.py) live here ------------------------------------

def check_scores_open(obj: ReviewAssignment, ctx) -> str | None:
    """Once the commission's decision is approved, scores of the entry are frozen."""
    entry = db.session.get(Entry, obj.entry_id)
    if entry is not None and entry.decision is not None:
        return LOCKED_MESSAGE
    return None


def check_scorer_allowed(obj: ReviewAssignment, ctx) -> str | None:
    """Scores only from the assigned expert with no conflict of interest with the entry's organisation."""
    entry = db.session.get(Entry, obj.entry_id)
    expert = db.session.get(User, obj.expert_id)
    if expert is None or entry is None:
        return "Назначение повреждено."
    if expert.organization_id is not None and expert.organization_id == entry.organization_id:
        return "Эксперт не может оценивать заявку своей организации."
    conflict = db.session.execute(
        select(ExpertConflict.id).where(ExpertConflict.expert_id == expert.id,
                                        ExpertConflict.organization_id == entry.organization_id)
    ).first()
    if conflict:
        return "Эксперт заявил конфликт интересов с организацией-заявителем."
    return None


def complete_defence_if_done(assignment: ReviewAssignment, ctx) -> None:
    """A shortlisted entry whose every live in-person sheet is in has passed the in-person stage.

    An effect of the assignment's `submit`, so it follows whichever score sheet submits it.
    """
    stage = db.session.get(Stage, assignment.stage_id)
    entry = db.session.get(Entry, assignment.entry_id)
    if not stage.in_person or entry.status != EntryStatus.shortlisted:
        return
    open_sheets = db.session.execute(
        select(func.count(ReviewAssignment.id)).where(
            ReviewAssignment.entry_id == entry.id, ReviewAssignment.stage_id == stage.id,
            ReviewAssignment.status.in_((AssignmentStatus.offered, AssignmentStatus.accepted,
                                         AssignmentStatus.reopened)))
    ).scalar_one()
    if open_sheets == 0:
        fire(entry_lifecycle, entry, "complete_defence",
             actor=SystemActor("отправка последнего листа оценки очного этапа"), payload={"stage": stage.kind.name})


# --- shortlist ---------------------------------------------------------------------------------

@dataclass
class ShortlistPlan:
    shortlist: list = field(default_factory=list)   # ranking rows
    not_selected: list = field(default_factory=list)
    token: str = ""


def shortlist_plan(campaign: Campaign) -> ShortlistPlan:
    """Which scored entries go to the in-person stage (≥ shortlist_pct of the expert-stage maximum)."""
    plan = ShortlistPlan()
    digest = hashlib.sha256()
    for row in full_ranking(campaign):
        if row.status != EntryStatus.scored:
            continue
        (plan.shortlist if row.shortlist_ok else plan.not_selected).append(row)
        digest.update(f"{row.entry_id}:{int(bool(row.shortlist_ok))};".encode())
    plan.token = digest.hexdigest()[:32]
    return plan


def apply_shortlist(campaign: Campaign, *, actor: User, token: str) -> ShortlistPlan:
    """Fire shortlist / not_select for every scored entry, exactly as previewed (token), in one transaction."""
    _refuse_if_decided(campaign)
    plan = shortlist_plan(campaign)
    if not plan.shortlist and not plan.not_selected:
        raise DomainError("Нет оценённых заявок: формировать список очного этапа пока не из чего.")
    if token != plan.token:
        raise DomainError("Оценки изменились после предпросмотра. Проверьте список ещё раз и подтвердите.")
    system = SystemActor("формирование списка очного этапа")
    fire_many(entry_lifecycle, Entry, [r.entry_id for r in plan.shortlist], "shortlist", actor=system,
              payloads={r.entry_id: {"pct": str(r.s0_pct)} for r in plan.shortlist})
    fire_many(entry_lifecycle, Entry, [r.entry_id for r in plan.not_selected], "not_select", actor=system,
              reason=f"Ниже порога отбора на очный этап ({campaign.shortlist_pct} %).",
              payloads={r.entry_id: {"pct": str(r.s0_pct) if r.s0_pct is not None else None}
                        for r in plan.not_selected})
    reminder_hooks.plan_defences(campaign)
    audit.record("results.shortlist", actor=actor, obj=campaign,
                 payload={"shortlisted": len(plan.shortlist), "not_selected": len(plan.not_selected),
                          "threshold_pct": str(campaign.shortlist_pct)})
    return plan


# --- defence panel -----------------------------------------------------------------------------

def expert_pool() -> list[User]:
    return list(db.session.execute(
        select(User).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.expert).order_by(User.full_name, User.id)
    ).unique().scalars())


def assign_panel(campaign: Campaign, expert_ids: list[int], *, actor: User) -> dict:
    """Put the chosen experts on the in-person panel of every shortlisted entry (accepted sheets).

    An expert from the entry's own organisation or with a declared conflict sits that entry out.
    """
    _refuse_if_decided(campaign)
    stage = defence_stage(campaign)
    if stage is None:
        raise DomainError("В конкурсе нет оцениваемого очного этапа.")
    pool = {u.id: u for u in expert_pool()}
    experts = [pool[i] for i in dict.fromkeys(expert_ids) if i in pool]
    if not experts:
        raise ValidationFailed("Выберите хотя бы одного эксперта для комиссии очного этапа.")
    entries = list(db.session.execute(
        select(Entry).where(Entry.campaign_id == campaign.id, Entry.status == EntryStatus.shortlisted)
        .order_by(Entry.code)).scalars())
    if not entries:
        raise DomainError("Нет заявок, прошедших на очный этап.")
    conflicts = set(db.session.execute(
        select(ExpertConflict.expert_id, ExpertConflict.organization_id)
        .where(ExpertConflict.expert_id.in_([u.id for u in experts]))).all())
    existing = set(db.session.execute(
        select(ReviewAssignment.entry_id, ReviewAssignment.expert_id)
        .where(ReviewAssignment.stage_id == stage.id)).all())
    created, skipped = [], []
    for entry in entries:
        for u in experts:
            if (entry.id, u.id) in existing:
                continue
            if u.organization_id == entry.organization_id or (u.id, entry.organization_id) in conflicts:
                skipped.append({"entry": entry.code, "expert_id": u.id})
                continue
            a = ReviewAssignment(
                entry_id=entry.id, stage_id=stage.id, expert_id=u.id, status=AssignmentStatus.accepted,
                manual=True, due_at=stage.deadline,
                explanation={"panel": True, "why": "Член комиссии очного этапа, назначен сотрудником ИРО"})
            db.session.add(a)
            created.append(a)
    db.session.flush()
    # Each sheet comes into being in a state (accepted), like any other assignment: one audit row each.
    for a in created:
        audit.record("assignment.panel", actor=actor, obj=a, to_state=a.status.name,
                     payload={"entry_id": a.entry_id, "expert_id": a.expert_id, "stage_id": stage.id,
                              "explanation": a.explanation})
    created = len(created)
    for u in experts:
        outbox.notify(f"results.panel:{campaign.id}:{u.id}", user=u,
                      subject="Вы включены в комиссию очного этапа",
                      body=f"Конкурс «{campaign.name}»: оцените защиты проектов, "
                           "назначенные вам в разделе «Очный этап».")
    audit.record("results.panel_assigned", actor=actor, obj=campaign,
                 payload={"experts": [u.id for u in experts], "created": created, "skipped": skipped})
    return {"created": created, "skipped": len(skipped)}


def panel_progress(campaign: Campaign) -> list:
    """Per shortlisted/defended entry: sheets at the in-person stage (one grouped query)."""
    stage = defence_stage(campaign)
    if stage is None:
        return []
    a = ReviewAssignment
    return list(db.session.execute(
        select(Entry.id, Entry.code, Entry.title, Entry.status,
               func.count(a.id).filter(a.status.in_(LIVE_ASSIGNMENT)).label("assigned"),
               func.count(a.id).filter(a.status == AssignmentStatus.submitted).label("submitted"))
        .outerjoin(a, (a.entry_id == Entry.id) & (a.stage_id == stage.id))
        .where(Entry.campaign_id == campaign.id,
               Entry.status.in_((EntryStatus.shortlisted, EntryStatus.defended)))
        .group_by(Entry.id, Entry.code, Entry.title, Entry.status)
        .order_by(Entry.code)
    ).all())


# --- commission decision -----------------------------------------------------------------------

def decision_record(campaign: Campaign) -> CampaignDecision | None:
    return db.session.execute(
        select(CampaignDecision).where(CampaignDecision.campaign_id == campaign.id)).scalar_one_or_none()


def _refuse_if_decided(campaign: Campaign) -> None:
    if decision_record(campaign) is not None:
        raise TransitionNotAllowed("Решение комиссии уже утверждено: результаты закрыты для изменений.")


def change_proposal(entry: Entry, decision: Decision, *, reason: str, actor: User) -> DecisionOverride:
    """Staff depart from the ranking's proposal for one entry; the reason is required and audited."""
    campaign = entry.campaign
    _refuse_if_decided(campaign)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Укажите причину изменения предложения.")
    if entry.status not in ELIGIBLE_STATUSES:
        raise DomainError(f"Заявка {entry.code} в состоянии «{entry.status.value}»: "
                          "решение по ней не может быть изменено.")
    row = db.session.execute(
        select(DecisionOverride).where(DecisionOverride.entry_id == entry.id)).scalar_one_or_none()
    before = row.decision.name if row else None
    if row is None:
        row = DecisionOverride(entry_id=entry.id, campaign_id=campaign.id, decision=decision, reason=reason,
                               changed_by_id=actor.id)
        db.session.add(row)
    else:
        row.decision, row.reason, row.changed_by_id, row.changed_at = decision, reason, actor.id, utcnow()
    audit.record("results.proposal_changed", actor=actor, obj=entry, reason=reason,
                 payload={"decision": decision.name, "previous_override": before})
    db.session.flush()
    return row


def clear_proposal_change(entry: Entry, *, actor: User) -> None:
    _refuse_if_decided(entry.campaign)
    row = db.session.execute(
        select(DecisionOverride).where(DecisionOverride.entry_id == entry.id)).scalar_one_or_none()
    if row is not None:
        audit.record("results.proposal_restored", actor=actor, obj=entry,
                     payload={"removed_override": row.decision.name})
        db.session.delete(row)
        db.session.flush()


def decision_blockers(campaign: Campaign, rows: list | None = None) -> list[str]:
    """Why the decision cannot be approved yet (empty list: it can)."""
    rows = full_ranking(campaign) if rows is None else rows
    out = []
    pending = [r.code for r in rows if r.status == EntryStatus.under_review]
    if pending:
        out.append(f"Экспертиза не завершена по {plural(len(pending), 'заявке', 'заявкам', 'заявкам')}: "
                   + ", ".join(pending[:10]) + ("…" if len(pending) > 10 else ""))
    stage = defence_stage(campaign)
    if stage is not None:
        waiting = [r.code for r in rows if r.status == EntryStatus.shortlisted]
        if waiting and any(p.assigned for p in panel_progress(campaign)):
            out.append(f"Очный этап не завершён по {plural(len(waiting), 'заявке', 'заявкам', 'заявкам')}: "
                       + ", ".join(waiting[:10]) + ("…" if len(waiting) > 10 else ""))
    if not rows:
        out.append("В рейтинге нет заявок.")
    if campaign.status not in (CampaignStatus.review, CampaignStatus.defence, CampaignStatus.decision):
        out.append(f"Конкурс в состоянии «{campaign.status.value}»: решение принимается после экспертизы.")
    return out


def _store_decisions(rows: list[dict]) -> None:
    """Decision, reason, final score and place of every entry, version + 1 as an ORM write of these fields
    would; copies of the entries in the session are expired. PostgreSQL: one `UPDATE … FROM unnest(arrays)`
    for all entries; SQLite (in-process, no round trips): one executemany."""
    if not rows:
        return
    e = Entry.__table__.c
    now = utcnow()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(
            "UPDATE entry SET decision = v.decision, decision_reason = v.reason, final_score = v.score,"
            " final_rank = v.rank, version = entry.version + 1, updated_at = :now"
            " FROM unnest(CAST(:ids AS integer[]), CAST(:decisions AS varchar[]), CAST(:reasons AS text[]),"
            " CAST(:scores AS numeric[]), CAST(:ranks AS integer[])) AS v(id, decision, reason, score, rank)"
            " WHERE entry.id = v.id"
        ).bindparams(bindparam("now", type_=e.updated_at.type)), {
            "now": now, "ids": [r["b_id"] for r in rows], "decisions": [r["b_decision"].name for r in rows],
            "reasons": [r["b_reason"] for r in rows], "scores": [r["b_score"] for r in rows],
            "ranks": [r["b_rank"] for r in rows]})
    else:
        db.session.execute(
            update(Entry.__table__).where(e.id == bindparam("b_id"))
            .values(decision=bindparam("b_decision", type_=e.decision.type),
                    decision_reason=bindparam("b_reason", type_=e.decision_reason.type),
                    final_score=bindparam("b_score", type_=e.final_score.type),
                    final_rank=bindparam("b_rank", type_=e.final_rank.type),
                    version=e.version + 1, updated_at=now), rows)
    fields = ["decision", "decision_reason", "final_score", "final_rank", "version", "updated_at"]
    for row in rows:
        entry = db.session.identity_map.get(identity_key(Entry, row["b_id"]))
        if entry is not None:
            db.session.expire(entry, fields)


def approve_decision(campaign: Campaign, *, actor: User) -> CampaignDecision:
    """Fire select_winner / not_select for every entry, store final score, place and decision, lock results.

    Set-based: one `fire_many` per trigger and one UPDATE for the decision fields, so a 10,000-entry
    campaign takes a constant number of statements per 900 entries.
    """
    _refuse_if_decided(campaign)
    rows = full_ranking(campaign)
    blockers = decision_blockers(campaign, rows)
    if blockers:
        raise DomainError("Решение нельзя утвердить. " + " ".join(blockers))
    system = SystemActor("утверждение решения комиссии")
    if campaign.status != CampaignStatus.decision:
        fire(campaign_lifecycle, campaign, "start_decision", actor=system, reason="Утверждение решения комиссии")
    summary: dict = OrderedDict()
    winners = not_selected = 0
    to_fire: dict[str, list[int]] = {"select_winner": [], "not_select": []}
    reasons: dict[int, str] = {}
    payloads: dict[int, dict] = {}
    decided: list[dict] = []
    for row in rows:
        decision = proposal_of(row)
        if row.status in ELIGIBLE_STATUSES:
            to_fire["select_winner" if decision == Decision.winner else "not_select"].append(row.entry_id)
            reasons[row.entry_id] = row.override_reason or ""
            payloads[row.entry_id] = {"final_score": str(row.final) if row.final is not None else None,
                                      "place": row.place}
        else:  # not shortlisted earlier: already not_selected
            decision = Decision.winner if row.status == EntryStatus.winner else Decision.not_selected
        decided.append({"b_id": row.entry_id, "b_decision": decision, "b_reason": row.override_reason or "",
                        "b_score": Decimal(str(round(row.final, 4))) if row.final is not None else None,
                        "b_rank": row.place})
        t = summary.setdefault(row.track_code, {"winners": 0, "entries": 0, "quota": row.winners_quota})
        t["entries"] += 1
        if decision == Decision.winner:
            t["winners"] += 1
            winners += 1
        else:
            not_selected += 1
    for trigger, ids in to_fire.items():
        fire_many(entry_lifecycle, Entry, ids, trigger, actor=system, reasons=reasons, payloads=payloads)
    reminder_hooks.campaign_decided(campaign)
    _store_decisions(decided)
    record = CampaignDecision(campaign_id=campaign.id, approved_by_id=actor.id, winners=winners,
                              not_selected=not_selected,
                              summary={**summary, "threshold_pct": str(campaign.shortlist_pct)})
    db.session.add(record)
    audit.record("results.decision_approved", actor=actor, obj=campaign,
                 payload={"winners": winners, "not_selected": not_selected})
    db.session.flush()
    return record


# --- the applicant's result --------------------------------------------------------------------

@dataclass
class ExpertSheet:
    label: str  # «Эксперт 1»: experts are anonymous to applicants
    total: Decimal | None
    comment: str
    scores: list = field(default_factory=list)  # (criterion name, max, points, comment)


@dataclass
class StageResult:
    title: str
    sheets: list[ExpertSheet] = field(default_factory=list)


def entry_result(entry: Entry) -> list[StageResult] | None:
    """Per stage, each expert's per-criterion scores and comments, anonymised. None before the decision."""
    if entry.decision is None:
        return None
    a = ReviewAssignment
    rows = db.session.execute(
        select(Stage.id, Stage.kind, a.id, a.total, a.comment, Criterion.name, Criterion.max_points,
               Score.points, Score.comment)
        .join(Stage, Stage.id == a.stage_id)
        .join(Score, Score.assignment_id == a.id)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .where(a.entry_id == entry.id, a.status == AssignmentStatus.submitted)
        .order_by(Stage.position, a.id, Criterion.position, Criterion.id)
    ).all()
    stages: dict[int, StageResult] = OrderedDict()
    sheets: dict[int, ExpertSheet] = {}
    for stage_id, kind, aid, total, comment, cname, cmax, points, ccomment in rows:
        st = stages.setdefault(stage_id, StageResult(title=kind.value))
        sheet = sheets.get(aid)
        if sheet is None:
            sheet = ExpertSheet(label=f"Эксперт {len(st.sheets) + 1}", total=total, comment=comment or "")
            sheets[aid] = sheet
            st.sheets.append(sheet)
        sheet.scores.append((cname, cmax, points, ccomment or ""))
    return list(stages.values())
