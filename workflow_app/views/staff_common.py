"""Small helpers shared by the staff views (no blueprint here)."""
from __future__ import annotations

from ..ints import db_int
from ..links import external_url


def int_or_none(value) -> int | None:
    return db_int(value)


def set_password_link(token: str) -> str:
    return external_url("auth.reset_password", token=token)
