"""Rules for reminders: who edits the rules and sees the planned reminders."""
from __future__ import annotations

from typing import Any

from ..models import User
from ..policy import is_staff, rule


@rule("reminder.view", "reminder.rules", "reminder.defaults")
def _staff(user: User, obj: Any) -> bool:
    return is_staff(user)
