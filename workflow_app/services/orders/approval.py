"""Approval of a draft order: visa rounds of the configured approvers."""
from __future__ import annotations

from sqlalchemy import select

from ... import audit
from ...actors import SystemActor
from ...documents.orders import shorten
from ...errors import TransitionNotAllowed, ValidationFailed
from ...extensions import db
from ...machines.base import FireContext, fire
from ...machines.order import order_lifecycle
from ...models import Role, RoleGrant, User, UserStatus
from ...models.base import utcnow
from ...models.orders import Order, OrderApproval, OrderStatus, VisaStatus
from ..platform import outbox, settings
from ..reminders import hooks as reminder_hooks

# --- approval ------------------------------------------------------------------------------------

def _current_round(order: Order) -> int:
    return max((a.round for a in order.approvals), default=0)


def guard_ready(order: Order, ctx: FireContext) -> str | None:
    if not (order.title or "").strip() or not order.items:
        return "В проекте приказа нет заголовка или пунктов."
    if order.issuer:
        return (f"Приказ издан не институтом ({order.issuer}): его не согласуют и не подписывают здесь, "
                "а регистрируют с датой, номером и сканом.")
    if not settings.institution().get("approver_ids"):
        return "Не настроен список согласующих (Администрирование → Настройки учреждения)."
    from .drafting import signatory_problem

    return signatory_problem(order.designated_signatory)


def open_visa_round(order: Order, ctx: FireContext) -> None:
    n = _current_round(order) + 1
    approvers = settings.institution()["approver_ids"]
    users = {u.id: u for u in db.session.execute(select(User).where(User.id.in_(approvers))).scalars()}
    for pos, uid in enumerate(approvers):
        if uid not in users:
            continue
        order.approvals.append(OrderApproval(approver_id=uid, position=pos, round=n))
        outbox.notify(f"order:{order.id}:visa:{n}:{uid}", user=users[uid],
                      subject=shorten(f"Проект приказа на согласование: {order.title}"),
                      body=f"Прошу согласовать проект приказа «{order.title}».",
                      about=("order_doc", order.id), needs_action=True)
    reminder_hooks.plan_visas(order, [uid for uid in approvers if uid in users])


def signatories() -> list[User]:
    """Active users who may sign orders."""
    return list(db.session.execute(
        select(User).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.signatory, User.status == UserStatus.active)
        .order_by(User.id)).unique().scalars())


def ask_for_signature(order: Order, ctx: FireContext) -> None:
    """Effect of «approve»: the order waits for a signature; its designated signatory (the only one who
    may sign it) gets a notice to act on — every signatory when none is designated yet."""
    signer = order.designated_signatory
    reminder_hooks.plan_signature(order, [u.id for u in ([signer] if signer is not None else signatories())])
    for user in [signer] if signer is not None else signatories():
        outbox.notify(f"order:{order.id}:sign:{order.version}:{user.id}", user=user,
                      subject=shorten(f"Приказ ожидает подписи: {order.title}"),
                      body=f"Проект приказа «{order.title}» согласован и ожидает вашей подписи.",
                      about=("order_doc", order.id), needs_action=True)


def close_order_requests(order: Order, ctx: FireContext) -> None:
    """Effect of «sign», «return_to_draft» and «reopen»: nobody is asked for a visa or a signature any more."""
    outbox.resolve("order_doc", order.id)
    reminder_hooks.close_order(order)


def reset_visas(order: Order, ctx: FireContext) -> None:
    """Effect of going back to the draft: the round's visas no longer count (the next sending opens a new
    round); visas never given are withdrawn, so nobody is left with a request on a draft."""
    n = _current_round(order)
    given = [a.approver_id for a in order.approvals if a.round == n and a.status != VisaStatus.pending]
    withdrawn = [a for a in order.approvals if a.status == VisaStatus.pending]
    for visa in withdrawn:
        order.approvals.remove(visa)
    ctx.payload.update(visas_reset={"round": n, "given": given, "withdrawn": [a.approver_id for a in withdrawn]})


def pending_visa(order: Order, user: User) -> OrderApproval | None:
    n = _current_round(order)
    for a in order.approvals:
        if a.round == n and a.approver_id == user.id and a.status == VisaStatus.pending:
            return a
    return None


def decide_visa(order: Order, actor: User, *, approve: bool, remark: str = "",
                expected_version: int | None = None) -> Order:
    if order.status != OrderStatus.approval:
        raise TransitionNotAllowed("Приказ не находится на согласовании.")
    visa = pending_visa(order, actor)
    if visa is None:
        raise TransitionNotAllowed("У вас нет ожидающей визы по этому приказу.")
    remark = (remark or "").strip()
    if not approve and not remark:
        raise ValidationFailed("Укажите замечание, с которым возвращаете проект.")
    visa.status = VisaStatus.approved if approve else VisaStatus.returned
    visa.remark = remark
    visa.decided_at = utcnow()
    audit.record("order.visa_approved" if approve else "order.visa_returned", actor=actor, obj=order,
                 reason=remark, payload={"round": visa.round})
    outbox.resolve("order_doc", order.id, user_id=actor.id)  # the visa asked of this approver is given
    reminder_hooks.visa_given(order, actor.id)
    if not approve:
        return fire(order_lifecycle, order, "return_to_draft",
                    actor=SystemActor("возврат проекта приказа с замечаниями при согласовании"),
                    reason=remark, expected_version=expected_version)
    n = visa.round
    if all(a.status == VisaStatus.approved for a in order.approvals if a.round == n):
        return fire(order_lifecycle, order, "approve",
                    actor=SystemActor("последняя виза согласования проекта приказа"),
                    expected_version=expected_version)
    db.session.flush()
    return order

