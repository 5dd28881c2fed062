"""Deciding an appeal: take it, uphold it with the changes staff entered, or reject it with a reason.

Upholding rewrites the criterion scores staff changed (each sheet's weighted total follows), changes the
approved decision when staff chose a new one (the entry's own transition, fired by the system for the
appeal), recomputes the standings through the ranking service and stores the entries' new final score
and place, records before/after on the appeal and in the audit, and — when the campaign's results
order is signed — prepares the amending order draft (see `amending`).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from ... import audit
from ...actors import SystemActor
from ...errors import ValidationFailed
from ...extensions import db
from ...machines.appeal import appeal_lifecycle
from ...machines.base import fire
from ...machines.entry import entry_lifecycle
from ...models import Role, RoleGrant, User, UserStatus
from ...models.appeal import OPEN, Appeal, AppealStatus
from ...models.base import utcnow
from ...models.competition import AssignmentStatus, Criterion, Decision, Entry, ReviewAssignment, Score
from ...timeutil import format_datetime
from ..competition.dossier import applicant_users
from ..competition.ranking import full_ranking
from ..competition.review import criteria_for, weighted_total
from ..platform import outbox
from ..reminders import schedule

REMINDER_KIND = "appeal.decision"
NOTICE_KIND = "appeal"  # the applicants' notices about their appeal: always sent (no opt-out)
_DECIDE = {"upheld": "uphold", "rejected": "reject"}


# --- notices and the decision deadline ------------------------------------------------------------

def notify_applicants(appeal: Appeal, key: str, subject: str, body: str) -> None:
    """Every active applicant of the entry's organisation: a notice in the app and an e-mail."""
    for user in applicant_users(appeal.entry.organization_id):
        outbox.notify(f"{NOTICE_KIND}:{appeal.id}:{key}:{user.id}", user=user, subject=subject, body=body,
                      about=("appeal", appeal.id))


def _staff_ids() -> list[int]:
    return list(db.session.execute(
        select(RoleGrant.user_id).join(User, User.id == RoleGrant.user_id)
        .where(RoleGrant.role == Role.staff, User.status == UserStatus.active).distinct()).scalars())


def ask_staff(appeal: Appeal) -> None:
    """Each staff member gets a to-do notice about a new appeal; it is resolved by the decision or withdrawal."""
    for uid in _staff_ids():
        user = db.session.get(User, uid)
        if user is not None:
            outbox.queue_notice(f"{NOTICE_KIND}:{appeal.id}:new:{uid}", user=user, about=("appeal", appeal.id),
                                needs_action=True, subject=f"Новая апелляция № {appeal.id}",
                                body=f"Апелляция по заявке {appeal.entry.code} «{appeal.entry.title}». "
                                     f"Срок решения — {format_datetime(appeal.decision_due_at)} (мск).")


def decision_deadline_changed(appeal: Appeal) -> None:
    """The one place the decision due date's reminders follow the appeal: planned for the staff while
    the appeal is open (moved with `decision_due_at`), cancelled once it is decided or withdrawn."""
    deadline = appeal.decision_due_at if appeal.status in OPEN else None
    if deadline is None:
        outbox.resolve("appeal", appeal.id)
    schedule.plan(REMINDER_KIND, "appeal", appeal.id, deadline,
                  [schedule.Recipient(uid) for uid in _staff_ids()],
                  title=f"Апелляция № {appeal.id} по заявке {appeal.entry.code}: срок решения",
                  link=f"/appeals/{appeal.id}", before=(2, 1), after=(1,))


# --- the staff's changes -------------------------------------------------------------------------

@dataclass(frozen=True)
class ScoreChange:
    assignment_id: int
    criterion_id: int
    points: Decimal


def _points(text) -> Decimal | None:
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def parse_changes(appeal: Appeal, scores: list[dict], decision: str | None) -> dict:
    """Check what staff entered against the entry's submitted sheets; returns the payload `uphold` applies.

    scores: [{"assignment_id", "criterion_id", "points"}] — only the scores that differ from the current
    ones count; decision: "winner" / "not_selected" or empty (unchanged).
    """
    entry = appeal.entry
    sheets = {a.id: a for a in db.session.execute(
        select(ReviewAssignment).where(ReviewAssignment.entry_id == entry.id,
                                       ReviewAssignment.status == AssignmentStatus.submitted)).scalars()}
    current = {(s.assignment_id, s.criterion_id): s for s in db.session.execute(
        select(Score).where(Score.assignment_id.in_(list(sheets) or [-1]))).scalars()}
    errors, changed = [], []
    for item in scores or []:
        row = current.get((item.get("assignment_id"), item.get("criterion_id")))  # type: ignore[arg-type]
        crit = db.session.get(Criterion, row.criterion_id) if row is not None else None
        if row is None or crit is None:
            errors.append("Оценка не найдена среди отправленных листов оценки этой заявки.")
            continue
        points = _points(item.get("points"))
        if points is None or points < 0 or points > crit.max_points:
            errors.append(f"«{crit.name}»: балл — число от 0 до {crit.max_points.normalize():f}.")
            continue
        if row.points is None or points != row.points:
            changed.append({"assignment_id": row.assignment_id, "criterion_id": crit.id, "criterion": crit.name,
                            "before": str(row.points) if row.points is not None else None, "after": str(points)})
    new_decision = None
    if decision:
        if decision not in Decision.__members__:
            errors.append("Неизвестное решение.")
        elif Decision[decision] != entry.decision:
            new_decision = decision
    if errors:
        raise ValidationFailed(" ".join(errors))
    if not changed and new_decision is None:
        raise ValidationFailed("Удовлетворяя апелляцию, измените хотя бы одну оценку или решение по заявке.")
    return {"scores": changed, "decision": new_decision}


def decide(appeal: Appeal, actor, *, outcome: str, reason: str, scores: list[dict] | None = None,
           decision: str | None = None, expected_version: int | None = None) -> Appeal:
    """Uphold («upheld») or reject («rejected») the appeal; an appeal not yet taken is taken first."""
    if outcome not in _DECIDE:
        raise ValidationFailed("Выберите решение по апелляции: удовлетворить или отклонить.")
    if not (reason or "").strip():
        raise ValidationFailed("Укажите обоснование решения по апелляции.")
    payload = parse_changes(appeal, scores or [], decision) if outcome == "upheld" else {}
    if appeal.status == AppealStatus.submitted:
        appeal = fire(appeal_lifecycle, appeal, "take", actor=actor, expected_version=expected_version)
        expected_version = appeal.version
    return fire(appeal_lifecycle, appeal, _DECIDE[outcome], actor=actor, reason=reason, payload=payload,
                expected_version=expected_version)


def take(appeal: Appeal, actor, *, expected_version: int | None = None) -> Appeal:
    return fire(appeal_lifecycle, appeal, "take", actor=actor, expected_version=expected_version)


# --- the lifecycle's guards and effects (declared in machines/appeal.py) ---------------------------

def guard_changes(appeal: Appeal, ctx) -> str | None:
    if not ctx.payload.get("scores") and not ctx.payload.get("decision"):
        return "Удовлетворяя апелляцию, измените хотя бы одну оценку или решение по заявке."
    return None


def _standings(campaign) -> dict[int, dict]:
    return {r.entry_id: {"final": None if r.final is None else round(Decimal(str(r.final)), 4),
                         "place": r.place} for r in full_ranking(campaign)}


def _snapshot(entry: Entry, standing: dict | None) -> dict:
    standing = standing or {}
    return {"final_score": None if standing.get("final") is None else str(standing["final"]),
            "place": standing.get("place"), "decision": entry.decision.name if entry.decision else None}


def apply_changes(appeal: Appeal, ctx) -> None:
    """Scores, decision, standings; then the amending order draft when the results order is signed."""
    from .amending import prepare_amending_order

    entry, campaign = appeal.entry, appeal.campaign
    system = SystemActor(f"решение по апелляции № {appeal.id}")
    before = _standings(campaign)
    entries_before = {e.id: _snapshot(e, before.get(e.id)) for e in _decided_entries(campaign.id)}
    touched: dict[int, ReviewAssignment] = {}
    for ch in ctx.payload.get("scores", []):
        row = db.session.execute(select(Score).where(Score.assignment_id == ch["assignment_id"],
                                                     Score.criterion_id == ch["criterion_id"])).scalar_one()
        row.points = Decimal(ch["after"])
        touched[ch["assignment_id"]] = db.session.get_one(ReviewAssignment, ch["assignment_id"])
    db.session.flush()
    for a in touched.values():
        crit = criteria_for(a.stage_id, entry.track_id)
        points: dict[int, Decimal | None] = {cid: p for cid, p in db.session.execute(
            select(Score.criterion_id, Score.points).where(Score.assignment_id == a.id))}
        old_total = a.total
        a.total = weighted_total(crit, {c.id: points.get(c.id) or Decimal(0) for c in crit})
        audit.record("assignment.rescored_by_appeal", actor=system, obj=a, reason=ctx.reason,
                     payload={"appeal_id": appeal.id, "total_before": str(old_total), "total_after": str(a.total),
                              "scores": [c for c in ctx.payload["scores"] if c["assignment_id"] == a.id]})
    if ctx.payload.get("decision"):
        trigger = "appeal_to_winner" if ctx.payload["decision"] == Decision.winner.name else "appeal_to_not_selected"
        fire(entry_lifecycle, entry, trigger, actor=system, reason=f"Апелляция № {appeal.id}: {ctx.reason}",
             payload={"appeal_id": appeal.id})
    db.session.flush()
    after = _standings(campaign)
    moved = []
    for e in _decided_entries(campaign.id):
        now = after.get(e.id) or {}
        if e.final_score != now.get("final") or e.final_rank != now.get("place"):
            e.final_score, e.final_rank = now.get("final"), now.get("place")
        snap = _snapshot(e, now)
        if snap != entries_before.get(e.id):
            moved.append({"entry_id": e.id, "code": e.code, "organization": e.organization.short_name,
                          "organization_full": e.organization.full_name,
                          "before": entries_before.get(e.id), "after": snap})
    appeal.changes = {"scores": ctx.payload.get("scores", []), "decision": ctx.payload.get("decision"),
                      "standings": moved}
    ctx.payload["standings"] = moved
    db.session.flush()
    order = prepare_amending_order(appeal, moved, actor=ctx.actor, reason=ctx.reason)
    if order is not None:
        appeal.amending_order_id = order.id
        ctx.payload["amending_order_id"] = order.id


def _decided_entries(campaign_id: int) -> list[Entry]:
    return list(db.session.execute(
        select(Entry).where(Entry.campaign_id == campaign_id, Entry.decision.is_not(None))
        .order_by(Entry.id)).scalars())


def sync_entry_decision(entry: Entry, ctx) -> None:
    """The approved decision follows the entry's new state (the database checks they agree)."""
    entry.decision = Decision[entry.status.name]
    entry.decision_reason = ctx.reason


def on_taken(appeal: Appeal, ctx) -> None:
    notify_applicants(appeal, "taken", f"Апелляция № {appeal.id} рассматривается",
                      f"Апелляция № {appeal.id} по заявке {appeal.entry.code} принята к рассмотрению. "
                      f"Срок решения — {format_datetime(appeal.decision_due_at)} (мск).")


def record_decision(appeal: Appeal, ctx) -> None:
    """Who decided, when and why: set first, as the new state needs them (the database checks it)."""
    appeal.decided_at = utcnow()
    appeal.decided_by_id = getattr(ctx.actor, "id", None)
    appeal.decision_reason = ctx.reason


def on_decided(appeal: Appeal, ctx) -> None:
    decision_deadline_changed(appeal)
    verdict = "удовлетворена" if appeal.status == AppealStatus.upheld else "отклонена"
    notify_applicants(appeal, "decided", f"Апелляция № {appeal.id} {verdict}",
                      f"Апелляция № {appeal.id} по заявке {appeal.entry.code} {verdict}.\n"
                      f"Обоснование: {ctx.reason}\nПодробности — на странице результата заявки.")


def on_withdrawn(appeal: Appeal, ctx) -> None:
    decision_deadline_changed(appeal)
    notify_applicants(appeal, "withdrawn", f"Апелляция № {appeal.id} отозвана",
                      f"Апелляция № {appeal.id} по заявке {appeal.entry.code} отозвана заявителем.")
