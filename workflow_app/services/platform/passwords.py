"""Password hashing (argon2id) and the password rules users are told about."""
from __future__ import annotations

import contextlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ...errors import ValidationFailed

_DEFAULTS = PasswordHasher()  # argon2-cffi's defaults: RFC 9106's low-memory profile
_hasher = _DEFAULTS
MIN_LENGTH = 8


def configure(config) -> None:
    """Hash cost from the app config. Only tests lower it (each login there would cost ~0.1 s)."""
    global _hasher, _DUMMY
    params = dict(
        time_cost=config.get("ARGON2_TIME_COST") or _DEFAULTS.time_cost,
        memory_cost=config.get("ARGON2_MEMORY_COST") or _DEFAULTS.memory_cost,
        parallelism=config.get("ARGON2_PARALLELISM") or _DEFAULTS.parallelism,
    )
    if params != dict(time_cost=_hasher.time_cost, memory_cost=_hasher.memory_cost,
                      parallelism=_hasher.parallelism):
        _hasher = PasswordHasher(**params)
        _DUMMY = _hasher.hash("dummy-password-for-timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        # Spend the same time as a real check, so a missing account is not told apart by timing.
        _verify_dummy(password)
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(f"Пароль должен содержать не менее {MIN_LENGTH} символов.")
    if password.isdigit() or password.isalpha():
        raise ValidationFailed("Пароль должен содержать и буквы, и цифры или другие символы.")


_DUMMY = _hasher.hash("dummy-password-for-timing")


def _verify_dummy(password: str) -> None:
    with contextlib.suppress(VerifyMismatchError, VerificationError, InvalidHashError):
        _hasher.verify(_DUMMY, password)
