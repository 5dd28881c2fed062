"""Writing audit events: the one function every state change calls. Rows are only ever inserted.

A core module (not a service) so that `machines.base` and every service can use it without a cycle;
the journal that staff read lives in `services.platform.audit_journal`.
"""
from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from .extensions import db
from .models import AuditEvent


def client_ip() -> str:
    if not has_request_context():
        return ""
    return (request.remote_addr or "")[:64]


def object_ref(obj: Any) -> tuple[str, int | None]:
    return getattr(obj, "__tablename__", type(obj).__name__.lower()), getattr(obj, "id", None)


def actor_fields(actor, subject: str = "") -> tuple[int | None, str]:
    """(actor_id, subject) for a row: a person by id; the system (`actors.SystemActor`) by no id and
    «Система: <cause>» in `subject`, which the journal shows as the actor."""
    if actor is None:
        return None, subject
    if getattr(actor, "is_system", False):
        return None, (subject or actor.full_name)[:254]
    return getattr(actor, "id", None), subject


def record(
    event: str,
    *,
    actor=None,
    obj: Any = None,
    object_type: str | None = None,
    object_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str = "",
    payload: dict | None = None,
    subject: str = "",
) -> AuditEvent:
    if obj is not None:
        object_type, object_id = object_ref(obj)
    actor_id, subject = actor_fields(actor, subject)
    row = AuditEvent(
        actor_id=actor_id,
        event=event,
        object_type=object_type or "system",
        object_id=object_id,
        from_state=from_state,
        to_state=to_state,
        reason=reason or "",
        payload=payload or {},
        ip=client_ip(),
        subject=subject,
    )
    db.session.add(row)
    return row
