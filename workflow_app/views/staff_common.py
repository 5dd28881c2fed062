"""Small helpers shared by the staff views (no blueprint here)."""
from __future__ import annotations

from flask import abort
from wtforms import Form

from ..extensions import db
from ..links import external_url
from ..services.platform.validation import FieldErrors


def get_or_404(model, ident: int):
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


def show_field_errors(form: Form, exc: FieldErrors) -> None:
    """Put a service's field errors next to the fields; the failed transaction is rolled back first."""
    db.session.rollback()
    for name, message in exc.errors.items():
        target = getattr(form, name, None)
        if target is not None:
            target.errors = list(target.errors) + [message]
        else:
            form.form_errors.append(message)


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def set_password_link(token: str) -> str:
    return external_url("auth.reset_password", token=token)
