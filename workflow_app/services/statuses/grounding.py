"""Orders issued outside the system that ground statuses (a ministry's order for ФИП, a municipality's
for МИП, the institute's paper orders of past years), as the status work needs them: found by issuer,
year and number, or registered through the orders' own registration (services/orders/external.py), which
freezes them in the «registered» state with their issuer.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from ...models.orders import Order, OrderKind
from ..orders import external


def external_title(issuer: str, number: str, order_date: date) -> str:
    return f"Приказ {issuer} от {order_date:%d.%m.%Y} № {number}"


def register_external(actor: Any, issuer: str, number: str, order_date: date, *, note: str = "",
                      title: str = "") -> Order:
    """The registered order with this issuer, year and number; registered now (kind «Иной приказ», no scan)
    if it is not in the registry yet — so an import run twice grounds its rows on the same orders."""
    issuer, number = " ".join(issuer.split()), " ".join(number.split()).removeprefix("№").strip()
    found = external.duplicate(issuer, order_date.year, number)
    if found is not None:
        return found
    return external.register_external(actor, {
        "issuer": issuer, "date": order_date, "number": number, "kind": OrderKind.other.name,
        "title": title or external_title(issuer, number, order_date), "preamble": note}, None)


def issuer_of(order: Order) -> str:
    """Who issued the order: the registered issuer, or the institute for its own orders."""
    if order.issuer:
        return order.issuer
    return order.institute_short or _institute_short()


def _institute_short() -> str:
    from ..platform import settings

    return settings.institution()["short_name"]
