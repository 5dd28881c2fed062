"""Rules for operating the platform: the mail queue."""
from __future__ import annotations

from typing import Any

from ..models import User
from ..policy import is_staff, rule


@rule("outbox.retry")
def _outbox_retry(user: User, obj: Any) -> bool:
    return is_staff(user)
