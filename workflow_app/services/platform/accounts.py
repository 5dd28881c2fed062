"""Signing in, rate limiting, password change and reset."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

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


# --- throttling -------------------------------------------------------------------------------
# Counted with `limits` (the core of Flask-Limiter) in the storage named by RATELIMIT_STORAGE_URI: Redis
# in production and CI, so every worker process shares one count; `memory://` (the default of `make run`)
# is per process and only right for the single-process development server. Each attempt takes its slot
# with one atomic increment BEFORE the password is checked, so parallel tries cannot overshoot the limit.
#
# Two counters, one window (LOGIN_WINDOW_SECONDS):
# - per account: LOGIN_FAILURES_PER_MINUTE attempts; nothing passes it (a signed-in success clears it);
# - per IP address: LOGIN_ATTEMPTS_PER_IP_PER_MINUTE attempts from browsers the account is not known on.
#   A browser where this account signed in before carries a signed «known device» cookie (see
#   device_token); its attempts for that account skip the IP counter, so an attacker flooding from a
#   shared school NAT does not lock out the people who work there. The cookie never passes the
#   account counter, so a stolen cookie buys no extra password guesses.

DEVICE_SALT = "workflow-app.login-device"
DEVICE_MAX_AGE = 180 * 24 * 3600
DEVICE_ACCOUNTS = 5  # accounts remembered per browser (a shared office computer)


def _limiter():
    from limits.storage import storage_from_string
    from limits.strategies import FixedWindowRateLimiter

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    cached = app.extensions.get("login_limiter")
    if cached is None or cached[0] != uri:
        cached = (uri, FixedWindowRateLimiter(storage_from_string(uri)))
        app.extensions["login_limiter"] = cached
    return cached[1]


def _items():
    from limits import RateLimitItemPerSecond

    cfg = current_app.config
    window = int(cfg.get("LOGIN_WINDOW_SECONDS", 60))
    return (RateLimitItemPerSecond(int(cfg["LOGIN_FAILURES_PER_MINUTE"]), window),
            RateLimitItemPerSecond(int(cfg.get("LOGIN_ATTEMPTS_PER_IP_PER_MINUTE", 20)), window))


def _keys(kind: str, value: str) -> tuple[str, ...]:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "workflow_app")
    return prefix, "login", kind, hashlib.sha256(value.encode()).hexdigest()[:32]


def _serializer():
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=DEVICE_SALT)


def known_accounts(device: str | None) -> list[int]:
    """The user ids a «known device» cookie vouches for (none for a missing, forged or old cookie)."""
    from itsdangerous import BadData

    if not device:
        return []
    try:
        ids = _serializer().loads(device, max_age=DEVICE_MAX_AGE)
    except BadData:
        return []
    return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


def device_token(user: User, device: str | None) -> str:
    """The cookie value after `user` signed in on this browser: the accounts known here, newest first."""
    ids = [user.id] + [i for i in known_accounts(device) if i != user.id]
    return _serializer().dumps(ids[:DEVICE_ACCOUNTS])


def _take_attempt(email: str, ip: str, known_device: bool) -> bool:
    """Count one attempt; False if this account or (for an unknown browser) this address is over its limit."""
    limiter = _limiter()
    per_account, per_ip = _items()
    # The address first: attempts refused at a locked address do not use up the account's own slots.
    if not known_device and ip and not limiter.hit(per_ip, *_keys("ip", ip)):
        return False
    return limiter.hit(per_account, *_keys("account", email))


def reset_throttle() -> None:
    """Forget every count (tests; an administrator after an incident)."""
    _limiter().storage.reset()


def authenticate(email: str, password: str, ip: str, device: str | None = None) -> User:
    """Return the user for good credentials; raise with a Russian message otherwise.

    `device` is the browser's «known device» cookie, if any. Failures are audited; the caller commits
    them even though the login is refused.
    """
    email = normalize_email(email)
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    known = user is not None and user.id in known_accounts(device)
    if not _take_attempt(email, ip, known):
        audit.record(LOGIN_FAILED, subject=email, object_type="auth", reason="rate limited")
        raise TooManyAttempts()
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None:
        audit.record(LOGIN_FAILED, subject=email, object_type="auth",
                     actor=user, reason="wrong credentials")
        raise DomainError("Неверный адрес электронной почты или пароль.")
    if not user.is_active:
        audit.record(LOGIN_FAILED, subject=email, actor=user, obj=user, reason="account deactivated")
        raise DomainError("Учётная запись заблокирована. Обратитесь к администратору.")
    _limiter().clear(_items()[0], *_keys("account", email))  # the owner proved themselves
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
