"""Award lifecycle use-cases: granting by an order, changes grounded in an order, and the daily
refresh that starts and completes terms (set-based, idempotent).

Every change goes through `machines.base.fire` (one audit row each) or `fire_many` (the scheduler's
bulk start/expiry); the grounding order's id rides in the transition's payload.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from ...actors import SystemActor
from ...errors import ValidationFailed
from ...extensions import db
from ...machines.base import FireContext, fire, fire_many
from ...machines.status_award import award_lifecycle
from ...models.orders import Order, OrderStatus
from ...models.org import Organization
from ...models.status_award import AwardStatus, StatusAward
from ...models.status_type import StatusType, TerminationGround
from ...timeutil import today_local

# Orders whose text grounds a change: signed here (and possibly amended later), or registered from outside.
GROUNDING_STATES = (OrderStatus.signed, OrderStatus.amended, OrderStatus.registered)


# --- guards and effects named by the lifecycle --------------------------------------------------

def guard_grounded(award: StatusAward, ctx: FireContext) -> str | None:
    order_id = ctx.payload.get("order_id")
    order = db.session.get(Order, order_id) if order_id else None
    if order is None or order.status not in GROUNDING_STATES:
        return "Изменение статуса оформляется приказом: укажите подписанный или зарегистрированный приказ."
    return None


def guard_suspension_allowed(award: StatusAward, ctx: FireContext) -> str | None:
    if not award.status_type.suspension_allowed:
        return f"Статус «{award.status_type.short_name}» не приостанавливается (так задано в его типе)."
    return None


def set_new_term(award: StatusAward, ctx: FireContext) -> None:
    new_to = date.fromisoformat(ctx.payload["new_term_to"])
    ctx.payload["old_term_to"] = award.term_to.isoformat()
    award.term_to = new_to


def record_end(award: StatusAward, ctx: FireContext) -> None:
    award.ended_by_order_id = ctx.payload["order_id"]
    award.end_reason = ctx.reason


# --- granting ---------------------------------------------------------------------------------

def check_holder(st: StatusType, org: Organization) -> str | None:
    """Why this organisation may not hold this status (its type is not among the holders), or None."""
    if st.may_hold(org.org_type):
        return None
    allowed = ", ".join(t.value for t in st.holder_types)
    return (f"Статус «{st.short_name}» может иметь организация типа: {allowed}; "
            f"«{org.short_name}» — {org.org_type.value}.")


def grant(order: Order, actor: Any, org_id: int, st: StatusType, theme: str, term_from: date,
          term_to: date, entry_id: int | None = None, today: date | None = None) -> StatusAward:
    """A new award grounded in `order`: scheduled if its term starts later, else active."""
    if term_from > term_to:
        raise ValidationFailed("Срок статуса: дата начала позже даты окончания.")
    org = db.session.get(Organization, org_id)
    if org is None:
        raise ValidationFailed("Организация не найдена.")
    if why := check_holder(st, org):
        raise ValidationFailed(why)
    award = StatusAward(organization_id=org_id, status_type=st, theme=theme, term_from=term_from,
                        term_to=term_to, status=AwardStatus.proposed, granted_by_order_id=order.id,
                        entry_id=entry_id)
    db.session.add(award)
    db.session.flush()
    trigger = "schedule" if term_from > (today or today_local()) else "activate"
    fire(award_lifecycle, award, trigger, actor=actor,
         payload={"order_id": order.id, "order_number": order.number})
    return award


CHANGES = ("suspend", "resume", "extend", "complete", "terminate")


def change(award: StatusAward, trigger: str, actor: Any, order: Order, *, reason: str = "",
           ground_id: int | None = None, new_term_to: date | None = None) -> StatusAward:
    """Suspend, resume, extend, complete or terminate an award on the ground of `order`.

    A termination names one of the configured grounds (`ground_id`); its text becomes the reason, with
    the staff member's note after it."""
    if trigger not in CHANGES:
        raise ValidationFailed("Неизвестное действие со статусом.")
    payload: dict[str, Any] = {"order_id": order.id, "order_number": order.number}
    if trigger == "terminate":
        ground = db.session.get(TerminationGround, ground_id) if ground_id else None
        if ground is None or not ground.is_active:
            raise ValidationFailed("Выберите основание досрочного прекращения из списка.")
        reason = f"{ground.name}. {reason.strip()}".strip(". ") if reason.strip() else ground.name
        payload["ground_id"] = ground.id
    if trigger == "extend":
        if new_term_to is None or new_term_to <= award.term_to:
            raise ValidationFailed("Новый срок окончания должен быть позже нынешнего "
                                   f"({award.term_to:%d.%m.%Y}).")
        payload["new_term_to"] = new_term_to.isoformat()
    return fire(award_lifecycle, award, trigger, actor=actor, reason=reason, payload=payload)


# --- the daily refresh (scheduler) ---------------------------------------------------------------

def refresh_awards(today: date | None = None) -> dict[str, int]:
    """Start scheduled terms that have begun and complete terms that have ended (on the first day after
    their last day). Set-based (`fire_many`: a few statements per 900 awards) and idempotent: an award
    already moved no longer matches, so a second run the same day changes nothing."""
    day = today or today_local()
    starting_rows = db.session.execute(select(StatusAward.id, StatusAward.term_to).where(
        StatusAward.status == AwardStatus.scheduled, StatusAward.term_from <= day)).all()
    starting = [i for i, _ in starting_rows]
    ending = list(db.session.execute(select(StatusAward.id).where(
        StatusAward.status.in_([AwardStatus.active, AwardStatus.suspended]),
        StatusAward.term_to < day)).scalars())
    # A scheduled award whose whole term has already passed starts and then ends in the same run.
    ending += [i for i, term_to in starting_rows if term_to < day]
    started = fire_many(award_lifecycle, StatusAward, starting, "start",
                        actor=SystemActor("начало срока статуса"), payload={"on": day.isoformat()})
    expired = fire_many(award_lifecycle, StatusAward, ending, "expire",
                        actor=SystemActor("окончание срока статуса"), payload={"on": day.isoformat()})
    return {"started": started, "completed": expired}

