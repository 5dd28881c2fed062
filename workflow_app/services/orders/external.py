"""Orders issued outside the system: the ministry's and municipalities' orders that ground statuses, and the
institute's own paper orders of past years. Staff enter one with its issuer, its own date and number, its
title and kind, and its scan; it is then frozen like a signed order (status «registered»).

The registry keeps (issuer, year, number) unique: the service refuses a duplicate with a Russian message,
and the database's unique key `uq_order_issuer_year_number` holds it against a race.
"""
from __future__ import annotations

from datetime import date as Date
from typing import Any

from sqlalchemy import select

from ... import audit
from ...errors import ConcurrentChange, TransitionNotAllowed
from ...extensions import db
from ...machines.base import FireContext, fire
from ...machines.order import order_lifecycle
from ...models import User
from ...models.files import StoredFile
from ...models.orders import Order, OrderKind, OrderStatus
from ...policy import require
from ...timeutil import today_local
from .content import MAX_ISSUER, MAX_TITLE, OrderInvalid

MAX_NUMBER = 32
EARLIEST = Date(1991, 1, 1)


def _date(value: Any, errors: dict) -> Date | None:
    if isinstance(value, Date):
        day = value
    else:
        try:
            day = Date.fromisoformat(str(value or "").strip())
        except ValueError:
            errors["date"] = "Укажите дату приказа (ГГГГ-ММ-ДД)."
            return None
    if day > today_local():
        errors["date"] = "Дата приказа не может быть позже сегодняшнего дня."
    elif day < EARLIEST:
        errors["date"] = f"Дата приказа не может быть раньше {EARLIEST:%d.%m.%Y}."
    return day


def _number(value: Any, errors: dict) -> str:
    number = " ".join(str(value or "").split())
    if number.startswith("№"):
        number = number[1:].strip()
    if not number:
        errors["number"] = "Укажите номер приказа."
    elif len(number) > MAX_NUMBER:
        errors["number"] = f"Номер приказа длиннее {MAX_NUMBER} символов."
    return number


def duplicate(issuer: str, year: int, number: str, *, other_than: int | None = None) -> Order | None:
    stmt = select(Order).where(Order.issuer == issuer, Order.year == year, Order.number == number)
    if other_than is not None:
        stmt = stmt.where(Order.id != other_than)
    return db.session.execute(stmt.limit(1)).scalar_one_or_none()


def guard_registrable(order: Order, ctx: FireContext) -> str | None:
    if not order.issuer:
        return "Укажите, кем издан приказ."
    if not order.number or order.order_date is None:
        return "Укажите дату и номер приказа."
    if not (order.title or "").strip():
        return "Укажите заголовок приказа."
    return None


def register(order: Order, actor: User, *, date: Any, number: Any, scan: StoredFile | None = None,
             expected_version: int | None = None) -> Order:
    """Register an existing draft (entered with its issuer) as issued outside the system on `date`
    under `number`; the scan, when given, becomes its first scan version."""
    require(actor, "order.register", order)
    if order.status != OrderStatus.draft:
        raise TransitionNotAllowed("Зарегистрировать можно только проект приказа, ещё не направленный "
                                   "на согласование.")
    # Checked here, before the date and number are set (setting them bumps the version at the next flush).
    if expected_version is not None and order.version != expected_version:
        raise ConcurrentChange()
    errors: dict[str, str] = {}
    day = _date(date, errors)
    num = _number(number, errors)
    if not order.issuer:
        errors["issuer"] = "Укажите, кем издан приказ."
    if day is not None and num and order.issuer and "date" not in errors:
        found = duplicate(order.issuer, day.year, num, other_than=order.id)
        if found is not None:
            errors["number"] = (f"Приказ № {num} ({order.issuer}, {day.year} год) уже есть в реестре: "
                                f"«{found.title[:200]}». Проверьте номер и дату или откройте этот приказ.")
    if errors:
        raise OrderInvalid(errors)
    assert day is not None
    order.order_date, order.year, order.number = day, day.year, num
    fire(order_lifecycle, order, "register", actor=actor,
         payload={"issuer": order.issuer, "number": num, "date": day.isoformat()})
    if scan is not None:
        from .signing import attach_scan

        attach_scan(order, scan, actor)
    return order


def register_external(actor: User, fields: dict, scan: StoredFile | None) -> Order:
    """Enter an order issued outside the system: `fields` = {"issuer", "date", "number", "title",
    "kind" (an OrderKind or its name), optionally "preamble"}; returns it registered and frozen."""
    require(actor, "order.register")
    errors: dict[str, str] = {}
    issuer = " ".join(str(fields.get("issuer") or "").split())
    if not issuer:
        errors["issuer"] = "Укажите, кем издан приказ."
    elif len(issuer) > MAX_ISSUER:
        errors["issuer"] = f"Кем издан: не более {MAX_ISSUER} символов."
    title = str(fields.get("title") or "").strip()
    if not title:
        errors["title"] = "Укажите заголовок приказа."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"Заголовок приказа: {len(title)} символов, допускается не более {MAX_TITLE}."
    kind = fields.get("kind")
    if isinstance(kind, str):
        kind = OrderKind.__members__.get(kind)
    if not isinstance(kind, OrderKind):
        errors["kind"] = "Выберите вид приказа."
    day = _date(fields.get("date"), errors)
    num = _number(fields.get("number"), errors)
    if not errors and day is not None and duplicate(issuer, day.year, num) is not None:
        errors["number"] = (f"Приказ № {num} ({issuer}, {day.year} год) уже есть в реестре: "
                            "повторно его не регистрируют.")
    if errors:
        raise OrderInvalid(errors)
    assert isinstance(kind, OrderKind)
    order = Order(kind=kind, status=OrderStatus.draft, issuer=issuer, title=title,
                  preamble=str(fields.get("preamble") or "").strip(), items=[], annexes=[],
                  ministry="", institute_full="", institute_short="", doc_kind="ПРИКАЗ", city="",
                  created_by_id=actor.id)
    db.session.add(order)
    db.session.flush()
    audit.record("order.created", actor=actor, obj=order, to_state=order.status.name,
                 payload={"kind": kind.name, "issuer": issuer})
    return register(order, actor, date=day, number=num, scan=scan)
