"""Small helpers shared by the staff views (no blueprint here)."""
from __future__ import annotations

from flask import url_for


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def set_password_link(token: str) -> str:
    return url_for("auth.reset_password", token=token, _external=True)
