"""Signing in, rate limiting, password change and reset."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update

from ... import audit
from ...errors import DomainError, ValidationFailed
from ...extensions import db
from ...models import AuditEvent, PasswordResetToken, User
from ...models.base import utcnow
from . import outbox
from .passwords import check_strength, hash_password, needs_rehash, verify_password

LOGIN_FAILED = "auth.login_failed"
LOGIN_OK = "auth.login"


class TooManyAttempts(DomainError):
    http_status = 429

    def __init__(self):
        super().__init__(
            "Слишком много неудачных попыток входа. Подождите минуту и попробуйте снова."
        )


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def recent_failures(email: str, ip: str) -> int:
    """Failed logins in the last minute for this account or this address (counted from the audit log)."""
    since = utcnow() - timedelta(minutes=1)
    return db.session.execute(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.event == LOGIN_FAILED,
            AuditEvent.at >= since,
            or_(AuditEvent.subject == email, AuditEvent.ip == ip) if ip else AuditEvent.subject == email,
        )
    ).scalar_one()


def authenticate(email: str, password: str, ip: str) -> User:
    """Return the user for good credentials; raise with a Russian message otherwise.

    Failures are audited; the caller commits them even though the login is refused.
    """
    email = normalize_email(email)
    limit = current_app.config["LOGIN_FAILURES_PER_MINUTE"]
    if recent_failures(email, ip) >= limit:
        audit.record(LOGIN_FAILED, subject=email, object_type="auth", reason="rate limited")
        raise TooManyAttempts()
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None:
        audit.record(LOGIN_FAILED, subject=email, object_type="auth",
                     actor=user, reason="wrong credentials")
        raise DomainError("Неверный адрес электронной почты или пароль.")
    if not user.is_active:
        audit.record(LOGIN_FAILED, subject=email, actor=user, obj=user, reason="account deactivated")
        raise DomainError("Учётная запись заблокирована. Обратитесь к администратору.")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    audit.record(LOGIN_OK, actor=user, obj=user, subject=email)
    return user


def sign_out(user: User) -> None:
    """Logging out ends every session of the user on the server: a copied session or remember-me
    cookie names the old epoch and is refused from now on (see web.load_user)."""
    user.session_epoch = (user.session_epoch or 0) + 1
    audit.record("auth.logout", actor=user, obj=user)


def set_password(user: User, new_password: str, *, actor: User | None, event: str) -> None:
    check_strength(new_password)
    user.password_hash = hash_password(new_password)
    user.session_epoch = (user.session_epoch or 0) + 1  # sign out other sessions and remember-me
    audit.record(event, actor=actor, obj=user)


def change_password(user: User, current: str, new: str, repeat: str) -> None:
    if not verify_password(user.password_hash, current):
        raise ValidationFailed("Текущий пароль введён неверно.")
    if new != repeat:
        raise ValidationFailed("Новый пароль и его повтор не совпадают.")
    set_password(user, new, actor=user, event="auth.password_changed")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_password_token(user: User, ttl: timedelta) -> tuple[PasswordResetToken, str]:
    """A one-time set-password token for the user; only its hash is stored. Returns (row, token)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = PasswordResetToken(user_id=user.id, token_hash=_token_hash(token), created_at=now,
                             expires_at=now + ttl)
    db.session.add(row)
    db.session.flush()
    return row, token


RESET_MAILS_PER_15_MIN = 3


def request_reset(email: str, link_for) -> None:
    """Queue a reset e-mail if the account exists; say nothing either way (no account probing)."""
    email = normalize_email(email)
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    # At most a few mails per address per quarter hour, so nobody can flood a mailbox from this form.
    since = utcnow() - timedelta(minutes=15)
    recent = db.session.execute(select(func.count(AuditEvent.id)).where(
        AuditEvent.event == "auth.reset_requested", AuditEvent.subject == email, AuditEvent.at >= since)
    ).scalar_one()
    audit.record("auth.reset_requested", subject=email, actor=None, obj=user,
                 reason="limit reached, no mail" if recent >= RESET_MAILS_PER_15_MIN else "")
    if user is None or not user.is_active or recent >= RESET_MAILS_PER_15_MIN:
        return
    ttl = current_app.config["PASSWORD_RESET_TTL_MINUTES"]
    row, token = issue_password_token(user, timedelta(minutes=ttl))
    link = link_for(token)
    outbox.queue_email(
        f"password-reset:{row.id}",
        user=user,
        subject="Восстановление пароля",
        body=(
            f"Здравствуйте, {user.full_name}!\n\n"
            f"Для вашей учётной записи запрошено восстановление пароля. "
            f"Чтобы задать новый пароль, откройте ссылку (действует {ttl} мин.):\n{link}\n\n"
            "Если вы не запрашивали восстановление, просто проигнорируйте это письмо."
        ),
    )


def find_reset_token(token: str, *, for_update: bool = False) -> PasswordResetToken:
    stmt = select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_hash(token))
    if for_update:
        stmt = stmt.with_for_update()  # two tabs posting the same link: the second sees it used
    row = db.session.execute(stmt).scalar_one_or_none()
    if row is None or row.used_at is not None or row.expires_at < utcnow():
        raise DomainError("Ссылка для восстановления пароля недействительна или устарела. "
                          "Запросите новую.")
    return row


def reset_password(token: str, new: str, repeat: str) -> User:
    row = find_reset_token(token, for_update=True)
    if new != repeat:
        raise ValidationFailed("Новый пароль и его повтор не совпадают.")
    user = db.session.get(User, row.user_id)
    set_password(user, new, actor=user, event="auth.password_reset")
    # This link and any other outstanding one for the account are spent.
    now = utcnow()
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    return user
