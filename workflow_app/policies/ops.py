"""Rules for operating the platform: the mail queue."""
from __future__ import annotations

from typing import Any

from ..models import User
from ..policy import is_staff, rule


@rule("outbox.retry")
def _outbox_retry(user: User, obj: Any) -> bool:
    return is_staff(user)


@rule("mail_catcher.view")
def _mail_catcher_view(user: User, obj: Any) -> bool:
    # Only where the development mail catcher runs (`make run`); production has no such page.
    from flask import current_app

    return is_staff(user) and bool(current_app.config.get("MAIL_CATCHER_DIR"))


@rule("group_mail.view", "group_mail.send")
def _group_mail(user: User, obj: Any) -> bool:
    return is_staff(user)
