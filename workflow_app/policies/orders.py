"""Rules for orders, settings and status awards."""
from __future__ import annotations

from typing import Any

from ..models import Role, User
from ..policy import is_staff, rule


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
