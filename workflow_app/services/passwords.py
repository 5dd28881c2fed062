"""Password hashing (argon2id) and the password rules users are told about."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..errors import ValidationFailed

_hasher = PasswordHasher()
MIN_LENGTH = 8


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
    try:
        _hasher.verify(_DUMMY, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        pass
