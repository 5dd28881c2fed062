"""Competition presets: staff see them (and create campaigns from them); admins copy and edit them."""
from __future__ import annotations

from typing import Any

from ..models import User
from ..policy import is_admin, is_staff, rule


@rule("preset.list", "preset.view")
def _staff(user: User, obj: Any) -> bool:
    return is_staff(user)


@rule("preset.copy", "preset.edit")
def _admin(user: User, obj: Any) -> bool:
    return is_admin(user)
