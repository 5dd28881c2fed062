"""Rules for orders, settings and status awards."""
from __future__ import annotations

from typing import Any

from ..models import Role, User
from ..models.files import StoredFile
from ..policy import is_staff, rule
from .files import file_access


@rule("order.list", "order.view", "order.download", "award.list")
def _read(user: User, obj: Any) -> bool:
    return is_staff(user) or user.has_role(Role.signatory)


@rule("order.create", "order.edit", "order.send_for_approval", "order.attach_scan")
def _draft(user: User, obj: Any) -> bool:
    return is_staff(user)


@rule("order.visa")
def _visa(user: User, obj: Any) -> bool:
    from ..services.orders import pending_visa

    return obj is not None and pending_visa(obj, user) is not None


@rule("order.sign")
def _sign(user: User, obj: Any) -> bool:
    return user.has_role(Role.signatory)


@file_access
def _order_files(user: User, file: StoredFile) -> bool | None:
    """An order's frozen files and its scan: whoever may read the order."""
    from sqlalchemy import or_, select

    from ..extensions import db
    from ..models.orders import Order

    order = db.session.execute(select(Order).where(or_(
        Order.pdf_file_id == file.id, Order.docx_file_id == file.id, Order.scan_file_id == file.id))
    ).scalar_one_or_none()
    if order is None:
        return None
    return is_staff(user) or user.has_role(Role.signatory)
