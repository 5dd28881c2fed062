"""Rules for orders, settings and status awards."""
from __future__ import annotations

from typing import Any

from ..models import Role, User
from ..models.files import StoredFile
from ..policy import is_staff, rule
from .files import file_access


@rule("order.list", "order.view", "order.download")
def _read(user: User, obj: Any) -> bool:
    return is_staff(user) or user.has_role(Role.signatory)


@rule("order.create", "order.edit", "order.send_for_approval", "order.attach_scan", "order.register")
def _draft(user: User, obj: Any) -> bool:
    return is_staff(user)


@rule("order.reopen")
def _reopen(user: User, obj: Any) -> bool:
    """Staff, and the order's designated signatory (who may send it back instead of signing)."""
    if is_staff(user):
        return True
    return user.has_role(Role.signatory) and (obj is None or getattr(obj, "designated_signatory_id", None) == user.id)


@rule("order.visa")
def _visa(user: User, obj: Any) -> bool:
    from ..services.orders import pending_visa

    return obj is not None and pending_visa(obj, user) is not None


@rule("order.sign")
def _sign(user: User, obj: Any) -> bool:
    """A signatory, and for a given order only its designated signatory: nobody signs in another's name."""
    if not user.has_role(Role.signatory):
        return False
    return obj is None or getattr(obj, "designated_signatory_id", None) == user.id


@file_access
def _order_files(user: User, file: StoredFile) -> bool | None:
    """An order's frozen files and its scan: whoever may read the order."""
    from sqlalchemy import or_, select

    from ..extensions import db
    from ..models.orders import Order, OrderScan

    order = db.session.execute(select(Order.id).where(or_(
        Order.pdf_file_id == file.id, Order.docx_file_id == file.id))).first()
    scan = db.session.execute(select(OrderScan.id).where(OrderScan.file_id == file.id)).first()
    if order is None and scan is None:
        return None
    return is_staff(user) or user.has_role(Role.signatory)
