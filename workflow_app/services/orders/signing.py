"""Signing an order: the year's registry number, frozen PDF and DOCX, the kind's effects; a signed order
never changes afterwards (only its scan is attached)."""
from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event, func, inspect, select, update
from sqlalchemy.orm import Session

from ... import audit
from ...errors import DomainError, PermissionDenied, TransitionNotAllowed
from ...extensions import db
from ...machines.base import FireContext, fire, lock
from ...machines.order import order_lifecycle
from ...models import User
from ...models.base import utcnow
from ...models.files import StoredFile
from ...models.orders import Order, OrderCounter, OrderKind, OrderScan
from ...policy import require
from ...timeutil import today_local
from ..platform import files, settings
from .drafting import DOCX, FINAL, PDF, file_name, render, signatory_problem, signature_of

log = logging.getLogger(__name__)

# --- signing -------------------------------------------------------------------------------------

def next_number(year: int) -> int:
    """Take the next registry number of the year inside the caller's transaction (gapless)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    db.session.execute(dialect_insert(OrderCounter).values(year=year, last=0).on_conflict_do_nothing())
    return db.session.execute(
        update(OrderCounter).where(OrderCounter.year == year)
        .values(last=OrderCounter.last + 1).returning(OrderCounter.last)
    ).scalar_one()


Effect = Callable[[Order, User], list[str]]
_EFFECTS: dict[OrderKind, Effect] = {}


def effect(kind: OrderKind):
    def register(fn: Effect) -> Effect:
        _EFFECTS[kind] = fn
        return fn

    return register


def number_and_freeze(order: Order, ctx: FireContext) -> None:
    # The machine has already set status=signed; until this transaction ends the order may still be
    # written (number, files, effects): the immutability guard lets this one signing through.
    db.session.info.setdefault("orders_being_signed", set()).add(order.id)
    # No flush until the number is set: the database refuses a signed order without one
    # (ck_order_doc_number_iff_signed), and reading the settings or the counter would autoflush.
    with db.session.no_autoflush:
        inst = settings.institution()
        order.order_date = today_local()
        order.year = order.order_date.year
        order.seq = next_number(order.year)
        order.number = settings.format_number(inst["order_number_format"], order.seq)
        order.signed_at = utcnow()
    # The signature block prints who signs (the guard made sure he is the designated signatory).
    order.signatory_id = ctx.actor.id
    order.signatory_position, order.signatory_name = signature_of(ctx.actor)
    pdf, docx = _documents(order)
    order.pdf_file = files.store_bytes(pdf, original_name=file_name(order, "pdf"), content_type=PDF,
                                       user=ctx.actor)
    order.docx_file = files.store_bytes(docx, original_name=file_name(order, "docx"), content_type=DOCX,
                                        user=ctx.actor)
    changes = _EFFECTS.get(order.kind, lambda o, a: [])(order, ctx.actor)
    ctx.payload.update(number=order.number, date=order.order_date.isoformat(),
                       pdf_sha256=order.pdf_file.sha256, docx_sha256=order.docx_file.sha256,
                       effects=changes)


def _documents(order: Order) -> tuple[bytes, bytes]:
    """The PDF and DOCX to freeze. A failure refuses the signing in Russian; the request's rollback then
    undoes the number, the files and the state together, so the order stays approved and can be signed
    again once the cause is fixed."""
    try:
        return render(order, "pdf"), render(order, "docx")
    except Exception as exc:  # any builder failure: the signing must not half-happen
        log.exception("order %s: documents could not be generated at signing", order.id)
        raise DomainError("Не удалось сформировать PDF и DOCX приказа, поэтому он не подписан и номер не "
                          "израсходован; приказ остался согласованным. Повторите подписание позже или "
                          f"сообщите администратору (ошибка: {type(exc).__name__}).") from exc


def _not_designated(order: Order) -> str:
    who = order.designated_signatory
    if who is None:
        return "Не выбран подписант приказа: выберите его в проекте приказа."
    return (f"Подписать этот приказ может только назначенный подписант — {who.full_name}. "
            "Подписывать приказ за другого нельзя.")


def guard_signatory(order: Order, ctx: FireContext) -> str | None:
    """Only the designated signatory signs, in his own name, with a complete profile."""
    if order.designated_signatory_id is None or getattr(ctx.actor, "id", None) != order.designated_signatory_id:
        return _not_designated(order)
    return signatory_problem(order.designated_signatory)


def sign(order: Order, actor: User, expected_version: int | None = None) -> Order:
    if order.designated_signatory_id is None or getattr(actor, "id", None) != order.designated_signatory_id:
        raise PermissionDenied(_not_designated(order))
    return fire(order_lifecycle, order, "sign", actor=actor, expected_version=expected_version)


def attach_scan(order: Order, stored_file: StoredFile, actor: User) -> OrderScan:
    """Add the next scan version of a signed order; earlier versions stay as they were."""
    require(actor, "order.attach_scan", order)
    if order.status not in FINAL:
        raise TransitionNotAllowed("Скан с подписью прикладывается только к подписанному приказу.")
    lock(order)  # two uploads at once get consecutive versions
    last = db.session.execute(select(func.max(OrderScan.version)).where(OrderScan.order_id == order.id)
                              ).scalar_one()
    scan = OrderScan(order_id=order.id, version=(last or 0) + 1, file_id=stored_file.id,
                     uploaded_by_id=actor.id)
    db.session.add(scan)
    db.session.flush()
    db.session.expire(order, ["scans"])
    audit.record("order.scan_attached", actor=actor, obj=order,
                 payload={"version": scan.version, "file_id": stored_file.id, "sha256": stored_file.sha256,
                          "size": stored_file.size})
    return scan


# --- immutability of signed orders ---------------------------------------------------------------

_MUTABLE_AFTER_SIGNING = {"status", "scans", "version", "updated_at"}


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_signed_orders(session, flush_context, instances):
    for obj in list(session.dirty) + list(session.deleted):
        if not isinstance(obj, Order):
            continue
        state = inspect(obj)
        hist = state.attrs.status.history
        was = (hist.deleted or hist.unchanged or [None])[0]
        if was not in FINAL or obj.id in session.info.get("orders_being_signed", ()):
            continue
        if obj in session.deleted:
            raise DomainError("Подписанный приказ удалить нельзя.")
        changed = {a.key for a in state.attrs if a.history.has_changes()} - _MUTABLE_AFTER_SIGNING
        if changed:
            raise DomainError("Подписанный приказ изменить нельзя: оформите новый приказ о внесении "
                              "изменений.")


@event.listens_for(Session, "after_transaction_end")
def _forget_signing(session, transaction):
    if transaction.parent is None:
        session.info.pop("orders_being_signed", None)

