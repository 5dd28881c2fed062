"""API tokens: issue (the secret is shown once), authenticate a bearer token, list, revoke.

A token is `wfa_` + 43 URL-safe characters from `secrets` (256 bits); the database keeps its SHA-256
only, so a stolen database yields no usable token. With that much entropy a plain hash is enough (a
slow password hash would only slow every request down); the lookup is one unique-index probe by hash.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Select, or_, select, update

from ... import audit, policy
from ...errors import ValidationFailed
from ...extensions import db
from ...models import User
from ...models.api_token import ApiToken
from ...models.base import utcnow
from .validation import FieldErrors, clean, contains_ci

PREFIX = "wfa_"
NAME_MAX = 100
# last_used_at is written at most this often per token: one tiny UPDATE instead of one per request.
TOUCH_EVERY = timedelta(minutes=5)



@dataclass(frozen=True)
class Issued:
    token: ApiToken
    secret: str  # shown once, never stored


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue(actor, owner: User, name: str) -> Issued:
    """A new token for `owner` (the web: only for oneself; the CLI's system actor: for anyone)."""
    policy.require(actor, "api_token.create", owner)
    name = clean(name)
    if not name:
        raise FieldErrors({"name": "Укажите название токена (например, «Выгрузка в 1С»)."})
    if len(name) > NAME_MAX:
        raise FieldErrors({"name": f"Название токена — не длиннее {NAME_MAX} символов."})
    if not owner.is_active:
        raise ValidationFailed(f"Учётная запись {owner.email} заблокирована: токен для неё не выпускается.")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=owner.id, name=name, token_hash=hash_secret(secret), prefix=secret[:10],
                     created_at=utcnow(), created_by_id=getattr(actor, "id", None))
    db.session.add(token)
    db.session.flush()
    audit.record("api_token.created", actor=actor, obj=owner,
                 payload={"token": token.prefix + "…", "name": name})
    return Issued(token, secret)


def authenticate(secret: str) -> User | None:
    """The active user a live token belongs to, else None; notes the use (cheaply, see TOUCH_EVERY)."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    digest = hash_secret(secret)
    token = db.session.execute(select(ApiToken).where(ApiToken.token_hash == digest)).scalar_one_or_none()
    # The index probe compares hashes of the secret, never the secret; the final check is constant-time.
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    if token.revoked_at is not None or not token.user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or token.last_used_at < now - TOUCH_EVERY:
        # A plain UPDATE (no version bump, no ORM flush of the user): kept with the request's commit.
        db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now)
                           .execution_options(synchronize_session=False))
    return token.user


def revoke(actor, token: ApiToken) -> ApiToken:
    policy.require(actor, "api_token.revoke", token)
    if token.revoked_at is not None:
        raise ValidationFailed(f"Токен «{token.name}» уже отозван.")
    token.revoked_at = utcnow()
    token.revoked_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record("api_token.revoked", actor=actor, obj=token.user,
                 payload={"token": token.prefix + "…", "name": token.name})
    return token


def get(token_id: int) -> ApiToken | None:
    return db.session.get(ApiToken, token_id)


def list_query(owner_id: int | None = None, q: str = "") -> Select:
    """Tokens newest first (live ones before revoked), of one user or of everyone; `q` searches the
    owner's e-mail and name and the token's name."""
    stmt = select(ApiToken).join(ApiToken.user)
    if owner_id is not None:
        stmt = stmt.where(ApiToken.user_id == owner_id)
    if q:
        stmt = stmt.where(or_(contains_ci(User.email, q), contains_ci(User.full_name, q),
                              contains_ci(ApiToken.name, q)))
    return stmt.order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())


def tokens(owner_id: int | None = None) -> list[ApiToken]:
    return list(db.session.execute(list_query(owner_id)).unique().scalars())


def user_by_email(email: str) -> User | None:
    from .accounts import normalize_email

    return db.session.execute(select(User).where(User.email == normalize_email(email))).scalar_one_or_none()
