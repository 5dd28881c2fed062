"""Termination proposals: raised by the overdue scan for staff to decide on, never acted on by the
system. A staff member either prepares the termination order (the orders area) or dismisses the
proposal with a note; both are audited."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, insert, select

from ... import audit, policy
from ...actors import SystemActor
from ...errors import ConcurrentChange, TransitionNotAllowed, ValidationFailed
from ...extensions import db
from ...models.base import utcnow
from ...models.status_award import AwardStatus, StatusAward
from ...models.status_report import ProposalStatus, StatusReport, TerminationProposal

MISSED_TWICE = "missed_twice"
LIVE = (AwardStatus.scheduled, AwardStatus.active, AwardStatus.suspended)
# The configured termination ground (status types' list) each cause corresponds to.
GROUND_OF = {MISSED_TWICE: "Не представлены отчёты дважды", "returned_unfixed": "Отчёт отклонён дважды"}


def unfixed_cause(report_id: int) -> str:
    return f"returned_unfixed:{report_id}"


def raise_for(day: date, award_ids: set[int], unfixed: list[tuple[int, int, date]]) -> int:
    """Proposals for awards among `award_ids` with two or more missed reports, and for each returned
    report in `unfixed` (award id, report id, its new due date). Existing proposals are kept as they
    are (one per award and cause). Returns how many were raised."""
    if not award_ids:
        return 0
    live = set(db.session.execute(select(StatusAward.id).where(
        StatusAward.id.in_(award_ids), StatusAward.status.in_(LIVE))).scalars())
    twice = db.session.execute(
        select(StatusReport.award_id, func.count())
        .where(StatusReport.award_id.in_(live), StatusReport.missed.is_(True))
        .group_by(StatusReport.award_id).having(func.count() >= 2)).all()
    wanted: dict[tuple[int, str], str] = {}
    for award_id, n in twice:
        wanted[(award_id, MISSED_TWICE)] = (f"Отчёты не представлены в срок дважды (просрочено отчётов: {n}). "
                                            f"Основание: «{GROUND_OF[MISSED_TWICE]}».")
    for award_id, report_id, due in unfixed:
        if award_id in live:
            wanted[(award_id, unfixed_cause(report_id))] = (
                f"Отчёт, возвращённый на доработку, не исправлен к новому сроку {due:%d.%m.%Y}.")
    if not wanted:
        return 0
    have = set(db.session.execute(select(TerminationProposal.award_id, TerminationProposal.cause).where(
        TerminationProposal.award_id.in_({k[0] for k in wanted}))).all())
    now = utcnow()
    new: list[dict[str, Any]] = [
        {"award_id": a, "cause": cause, "reason": reason, "status": ProposalStatus.open, "decision_note": "",
         "created_at": now, "updated_at": now, "version": 1}
        for (a, cause), reason in wanted.items() if (a, cause) not in have]
    if not new:
        return 0
    ids = list(db.session.execute(insert(TerminationProposal).returning(TerminationProposal.id), new).scalars())
    actor = SystemActor("просроченные отчёты")
    for pid, row in zip(ids, new, strict=True):
        audit.record("termination_proposal.raised", actor=actor, object_type="termination_proposal",
                     object_id=pid, reason=row["reason"], payload={"award_id": row["award_id"], "on": day.isoformat()})
    return len(ids)


def ground_name(proposal: TerminationProposal) -> str:
    return GROUND_OF[proposal.cause.split(":", 1)[0]]


def dismiss(actor: Any, proposal: TerminationProposal, note: str, expected_version: int | None = None) -> None:
    """A staff member decides not to end the status; the note says why."""
    policy.require(actor, "termination_proposal.decide", proposal)
    if expected_version is not None and proposal.version != expected_version:
        raise ConcurrentChange()
    if proposal.status != ProposalStatus.open:
        raise TransitionNotAllowed(f"Решение по предложению уже принято: «{proposal.status.value}».")
    note = (note or "").strip()
    if not note:
        raise ValidationFailed("Укажите, почему статус не прекращается.")
    proposal.status = ProposalStatus.dismissed
    proposal.decision_note = note
    db.session.flush()
    audit.record("termination_proposal.dismissed", actor=actor, obj=proposal, from_state="open",
                 to_state="dismissed", reason=note)


def draft_order(actor: Any, proposal: TerminationProposal, expected_version: int | None = None):
    """Staff decide to end the status: the draft of the termination order (the orders area's
    `terminate_status` kind, the proposal's reason as its grounds) is created for them to edit, agree
    and sign; the status ends only when that order is signed. Returns the order."""
    from ...models.orders import OrderKind
    from ..orders import create_draft

    policy.require(actor, "termination_proposal.decide", proposal)
    policy.require(actor, "order.create")
    if expected_version is not None and proposal.version != expected_version:
        raise ConcurrentChange()
    if proposal.status != ProposalStatus.open:
        raise TransitionNotAllowed(f"Решение по предложению уже принято: «{proposal.status.value}».")
    if proposal.award.status not in LIVE:
        raise TransitionNotAllowed(f"Статус уже не действует: «{proposal.award.status.value}».")
    order = create_draft(OrderKind.terminate_status, actor, award_ids=[proposal.award_id],
                         grounds=f"{ground_name(proposal)}. {proposal.reason}")
    proposal.status = ProposalStatus.ordered
    proposal.decision_note = f"Подготовлен проект приказа «{order.title}»."
    db.session.flush()
    audit.record("termination_proposal.ordered", actor=actor, obj=proposal, from_state="open",
                 to_state="ordered", payload={"order_id": order.id})
    return order
