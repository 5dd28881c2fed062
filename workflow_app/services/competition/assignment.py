"""Assigning experts to entries: applying the plan, replacements, the extra expert, manual changes, and the
expert's answer. The rules and the planning itself are in assignment_plan.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from ... import audit
from ...actors import SystemActor
from ...errors import ConcurrentChange, DomainError, ValidationFailed
from ...extensions import db
from ...machines.base import fire
from ...machines.entry import entry_lifecycle
from ...machines.review import assignment_lifecycle
from ...models import Role, RoleGrant, User, UserStatus
from ...models.competition import (
    AssignmentStatus,
    Campaign,
    Entry,
    EntryStatus,
    ExpertConflict,
    ReviewAssignment,
    Stage,
)
from ..platform import outbox
from ..reminders import hooks as reminder_hooks
from .assignment_plan import (
    STAGE_ENTRY_STATES,
    EntryInfo,
    Excluded,
    ExpertInfo,
    Pick,
    Plan,
    build_plan,
    entry_info,
    exclusion_reasons,
    explain,
    load_conflicts,
    load_counts,
    load_experts,
    rank_candidates,
)

# --- applying -----------------------------------------------------------------------------------

def _new_assignment(entry_id: int, stage: Stage, expert_id: int, explanation: dict, *,
                    is_extra: bool = False, manual: bool = False) -> ReviewAssignment:
    a = ReviewAssignment(entry_id=entry_id, stage_id=stage.id, expert_id=expert_id,
                         status=AssignmentStatus.offered, due_at=stage.deadline, is_extra=is_extra,
                         manual=manual, explanation=explanation)
    db.session.add(a)
    return a


def _start_review(entry: Entry, actor) -> None:
    # The entry moves on as a consequence of an assignment the actor was authorised to make; the
    # entry's own policy (the dossier part's) is about staff pressing buttons: the system fires it.
    if entry.status == EntryStatus.admitted:
        fire(entry_lifecycle, entry, "start_review", actor=SystemActor("назначение экспертов на заявку"),
             payload={"by": "assignment"})


def staff_users() -> list[User]:
    return list(db.session.execute(
        select(User).where(User.status == UserStatus.active,
                           User.id.in_(select(RoleGrant.user_id).where(RoleGrant.role == Role.staff)))
        .order_by(User.id)).scalars())


def notify_staff(key: str, subject: str, body: str) -> None:
    for u in staff_users():
        outbox.queue_notice(f"{key}:{u.id}", user=u, subject=subject, body=body)


def apply_plan(campaign: Campaign, stage: Stage, actor, fingerprint: str | None = None) -> Plan:
    """Create the previewed plan's assignments in the caller's transaction (all or nothing)."""
    plan = build_plan(campaign, stage)
    if fingerprint is not None and plan.fingerprint != fingerprint:
        raise ConcurrentChange("С момента предпросмотра данные изменились (заявки, эксперты или нагрузка). "
                               "Откройте предпросмотр заново и проверьте назначения.")
    picks = plan.picks
    if not picks:
        raise DomainError("Назначать некого: все допущенные заявки уже обеспечены экспертами "
                          "или подходящих экспертов нет.")
    created = []
    for p in picks:
        created.append(_new_assignment(p.entry_id, stage, p.expert_id, p.explanation()))
    db.session.flush()
    reminder_hooks.plan_offers(created)
    for a in created:
        audit.record("assignment.create", actor=actor, obj=a, to_state=a.status.name,
                     payload={"entry_id": a.entry_id, "expert_id": a.expert_id, "stage_id": stage.id,
                              "explanation": a.explanation})
    entry_ids = sorted({p.entry_id for p in picks})
    entries = db.session.execute(select(Entry).where(Entry.id.in_(entry_ids)).order_by(Entry.id)).scalars()
    for entry in entries:
        _start_review(entry, actor)
    per_expert: dict[int, int] = defaultdict(int)
    for p in picks:
        per_expert[p.expert_id] += 1
    users = {u.id: u for u in db.session.execute(select(User).where(User.id.in_(per_expert))).scalars()}
    for expert_id, n in sorted(per_expert.items()):
        outbox.notify(
            f"assign:{campaign.id}:{stage.id}:{plan.fingerprint}:{expert_id}", user=users[expert_id],
            subject=f"Вам назначены заявки на экспертизу ({campaign.name})",
            body=(f"Вам предложено заявок для экспертизы: {n}. Примите назначение или сообщите о конфликте "
                  "интересов в разделе «Моя экспертиза»."),
            about=(OFFERS, campaign.id), needs_action=True,
        )
    audit.record("assignment.auto_apply", actor=actor, obj=campaign,
                 payload={"stage_id": stage.id, "assignments": len(picks), "entries": len(entry_ids),
                          "fingerprint": plan.fingerprint,
                          "shortfall": [{"entry_id": e.entry.id, "missing": e.shortfall}
                                        for e in plan.shortfalls]})
    if plan.shortfalls:
        notify_staff(f"assign-short:{campaign.id}:{stage.id}:{plan.fingerprint}",
                     "Не всем заявкам хватило экспертов",
                     f"Заявок без полного состава экспертов: {len(plan.shortfalls)}. "
                     "Назначьте экспертов вручную.")
    db.session.flush()
    return plan


# --- one entry at a time: replacement, extra expert, manual override ---------------------------

def candidates_for(entry: Entry, stage: Stage) -> tuple[EntryInfo, list[tuple[tuple, ExpertInfo]],
                                                       list[Excluded], dict[int, int]]:
    """The ranking for one entry now (a few queries): eligible experts best first, and the excluded."""
    campaign = entry.campaign
    info = entry_info(entry, stage)
    experts = load_experts(campaign)
    loads = load_counts(campaign)
    conflicts = load_conflicts([info.org_id])
    return (info, rank_candidates(info, experts, loads, conflicts)[0],
            explain(info, experts, loads, conflicts), loads)


def offer_best(entry: Entry, stage: Stage, actor, *, is_extra: bool, mode: str,
               extra_explanation: dict | None = None) -> ReviewAssignment | None:
    """Offer the entry to the best eligible expert (or return None when nobody is eligible)."""
    info, ranked, _excluded, _loads = candidates_for(entry, stage)
    if not ranked:
        return None
    key, x = ranked[0]
    pick = Pick(entry.id, x.id, x.name, key[0], x.cap, 1, len(ranked))
    expl = pick.explanation(mode) | (extra_explanation or {})
    a = _new_assignment(entry.id, stage, x.id, expl, is_extra=is_extra)
    db.session.flush()
    reminder_hooks.plan_offers([a])
    audit.record(f"assignment.{mode}", actor=actor, obj=a, to_state=a.status.name,
                 payload={"entry_id": entry.id, "expert_id": x.id, "explanation": expl})
    expert = db.session.get(User, x.id)
    outbox.notify(f"assign:{a.id}", user=expert,
                  subject=f"Вам предложена заявка на экспертизу {entry.code}",
                  body="Примите назначение или сообщите о конфликте интересов в разделе «Моя экспертиза».",
                  about=("review_assignment", a.id), needs_action=True)
    return a


def propose_replacement(old: ReviewAssignment, actor) -> ReviewAssignment | None:
    """After a decline or a conflict: offer the entry to the next best expert and tell staff."""
    entry = old.entry
    if entry.status not in (EntryStatus.admitted, EntryStatus.under_review, EntryStatus.shortlisted):
        return None
    new = offer_best(entry, old.stage, actor, is_extra=old.is_extra, mode="replacement",
                     extra_explanation={"replaces": old.id})
    if new is None:
        notify_staff(f"replace-none:{old.id}", f"Нет замены эксперту по заявке {entry.code}",
                     f"Эксперт отказался от заявки {entry.code} ({old.status.value}), подходящей замены нет. "
                     "Назначьте эксперта вручную.")
    else:
        notify_staff(f"replace:{old.id}", f"Замена эксперта по заявке {entry.code}",
                     f"Эксперт отказался от заявки {entry.code} ({old.status.value}); "
                     f"предложена замена: {new.expert.full_name}.")
    return new


def manual_assign(entry: Entry, stage: Stage, expert_id: int, actor, *, reason: str,
                  exception_reason: str = "", replace: ReviewAssignment | None = None,
                  is_extra: bool = False) -> ReviewAssignment:
    """Staff add (or replace with) a chosen expert. Rule violations need an explicit, reasoned exception."""
    reason = (reason or "").strip()
    exception_reason = (exception_reason or "").strip()
    if not reason:
        raise ValidationFailed("Укажите причину ручного назначения.")
    if replace is not None and (replace.entry_id != entry.id or replace.stage_id != stage.id):
        raise ValidationFailed("Заменяемое назначение относится к другой заявке или этапу.")
    states = STAGE_ENTRY_STATES.get(stage.kind, (EntryStatus.admitted, EntryStatus.under_review))
    if entry.status not in states:
        raise ValidationFailed(f"Заявка в состоянии «{entry.status.value}»: назначать экспертов на этап "
                               f"«{stage.title}» нельзя.")
    infos = load_experts(entry.campaign, [expert_id])
    if not infos:
        raise ValidationFailed("Выбранный пользователь не является экспертом с анкетой в пуле.")
    x = infos[0]
    info = entry_info(entry, stage)
    if x.id in info.tried:
        raise ValidationFailed(f"Эксперт {x.name} уже назначался на эту заявку на этом этапе.")
    load = load_counts(entry.campaign, [x.id]).get(x.id, 0)
    violations = exclusion_reasons(info, x, load, load_conflicts([info.org_id]))
    if violations and not exception_reason:
        raise ValidationFailed(
            f"Эксперт {x.name} не подходит по правилам: {', '.join(violations)}. "
            "Чтобы назначить его всё же, подтвердите исключение и укажите обоснование.")
    if replace is not None:
        fire(assignment_lifecycle, replace, "revoke", actor=actor, reason=f"Замена эксперта: {reason}")
    expl = {"mode": "manual", "reason": reason, "load": load, "cap": x.cap,
            "text": f"Назначен сотрудником вручную: {reason}"}
    if violations:
        expl |= {"exception": exception_reason, "violations": violations}
        expl["text"] += f". Исключение из правил ({', '.join(violations)}): {exception_reason}"
    if replace is not None:
        expl["replaces"] = replace.id
    a = _new_assignment(entry.id, stage, x.id, expl, is_extra=is_extra, manual=True)
    db.session.flush()
    reminder_hooks.plan_offers([a])
    audit.record("assignment.manual", actor=actor, obj=a, to_state=a.status.name, reason=reason,
                 payload={"entry_id": entry.id, "expert_id": x.id, "explanation": expl})
    _start_review(entry, actor)
    outbox.notify(f"assign:{a.id}", user=db.session.get(User, x.id),
                  subject=f"Вам предложена заявка на экспертизу {entry.code}",
                  body="Примите назначение или сообщите о конфликте интересов в разделе «Моя экспертиза».",
                  about=("review_assignment", a.id), needs_action=True)
    return a


# --- the expert's answer ------------------------------------------------------------------------

OFFERS = "expert_offers"  # a notice about all the offers of a campaign to one expert (links to their list)


def close_offer_requests(a: ReviewAssignment, ctx) -> None:
    """Effect of accept / decline / declare_conflict / revoke: the offer is answered (or withdrawn), so
    its notice no longer asks for anything; the campaign-wide notice closes with the expert's last offer."""
    outbox.resolve("review_assignment", a.id)
    db.session.flush()
    still_offered = db.session.execute(
        select(ReviewAssignment.id).join(Entry, ReviewAssignment.entry_id == Entry.id)
        .where(ReviewAssignment.expert_id == a.expert_id, ReviewAssignment.status == AssignmentStatus.offered,
               Entry.campaign_id == a.entry.campaign_id).limit(1)).first()
    if still_offered is None:
        outbox.resolve(OFFERS, a.entry.campaign_id, user_id=a.expert_id)

def respond(a: ReviewAssignment, trigger: str, actor, reason: str = "") -> ReviewAssignment | None:
    """accept / decline / declare_conflict. Returns the replacement offered, if any."""
    if trigger not in ("accept", "decline", "declare_conflict"):
        raise DomainError("Неизвестное действие.")
    fire(assignment_lifecycle, a, trigger, actor=actor, reason=reason)
    if trigger == "accept":
        return None
    if trigger == "declare_conflict":
        entry = a.entry
        exists = db.session.execute(select(ExpertConflict.id).where(
            ExpertConflict.expert_id == a.expert_id,
            ExpertConflict.organization_id == entry.organization_id)).first()
        if not exists:
            db.session.add(ExpertConflict(expert_id=a.expert_id, organization_id=entry.organization_id,
                                          reason=reason.strip()))
            audit.record("expert.conflict_declared", actor=actor, object_type="expert_conflict",
                         object_id=a.expert_id, reason=reason,
                         payload={"organization_id": entry.organization_id, "assignment_id": a.id})
        db.session.flush()
    return propose_replacement(a, actor)


def revoke(a: ReviewAssignment, actor, reason: str) -> None:
    fire(assignment_lifecycle, a, "revoke", actor=actor, reason=reason)
    outbox.queue_notice(f"revoke:{a.id}", user=a.expert, subject=f"Назначение по заявке {a.entry.code} снято",
                        body=f"Причина: {reason}", about=("entry", a.entry_id))
    from .review import review_progress

    review_progress(a.entry, a.stage, actor)
