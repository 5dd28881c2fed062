"""A user's choice for non-urgent e-mail: each one at once, or one daily digest."""
from __future__ import annotations

from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..models import User
from ..models.notification import MailMode, NotificationSetting


def mail_mode(user: User) -> MailMode:
    setting = db.session.execute(
        select(NotificationSetting).where(NotificationSetting.user_id == user.id)).scalar_one_or_none()
    return setting.mail_mode if setting is not None else MailMode.immediate


def set_mail_mode(user: User, mode: MailMode, *, actor: User) -> bool:
    """Save the choice (audited). Returns False when nothing changed. Mail already waiting for a digest
    goes out at once when the user switches back to immediate (the dispatcher no longer holds it)."""
    before = mail_mode(user)
    if before == mode:
        return False
    setting = db.session.execute(
        select(NotificationSetting).where(NotificationSetting.user_id == user.id).with_for_update()
    ).scalar_one_or_none()
    if setting is None:
        setting = NotificationSetting(user_id=user.id)
        db.session.add(setting)
    setting.mail_mode = mode
    audit.record("notification.mail_mode", actor=actor, obj=user,
                 payload={"from": before.value, "to": mode.value})
    db.session.flush()
    return True
