"""Orders issued outside the system that ground statuses (a ministry's order for ФИП, a municipality's
for МИП, the institute's paper orders of past years): registered with issuer, number and date.

A registered order is an `Order` of kind «Иной приказ» already in the signed state (it carries a number
and a signing date like any signed order), with its issuer in `effects` and in the title. It grounds
award changes like an order signed here; it has no draft, visas or frozen files of its own.
"""
from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import select

from ... import audit, policy
from ...extensions import db
from ...models.orders import Order, OrderKind, OrderStatus


def external_title(issuer: str, number: str, order_date) -> str:
    return f"Приказ {issuer} от {order_date:%d.%m.%Y} № {number}"


def find_external(issuer: str, number: str, order_date) -> Order | None:
    return db.session.execute(select(Order).where(
        Order.kind == OrderKind.other, Order.number == number, Order.order_date == order_date,
        Order.title == external_title(issuer, number, order_date))).scalars().first()


def register_external(actor: Any, issuer: str, number: str, order_date, *, note: str = "") -> Order:
    """The registered order with this issuer, number and date; registered now if it is not yet."""
    policy.require(actor, "order.register_external")
    issuer, number = issuer.strip(), number.strip()
    found = find_external(issuer, number, order_date)
    if found is not None:
        return found
    order = Order(kind=OrderKind.other, status=OrderStatus.signed, title=external_title(issuer, number, order_date),
                  preamble=note, items=[], annexes=[], number=number, order_date=order_date,
                  signed_at=datetime.combine(order_date, time(12), tzinfo=UTC),
                  effects={"external": True, "issuer": issuer},
                  created_by_id=getattr(actor, "id", None))
    db.session.add(order)
    db.session.flush()
    audit.record("order.registered_external", actor=actor, obj=order, to_state=order.status.name,
                 payload={"issuer": issuer, "number": number, "date": order_date.isoformat()})
    return order


def issuer_of(order: Order) -> str:
    """Who issued the order: the registered issuer, or the institute for its own orders."""
    if (order.effects or {}).get("external"):
        return order.effects.get("issuer", "")
    from ..platform import settings

    return settings.institution()["short_name"]
