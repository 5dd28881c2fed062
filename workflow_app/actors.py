"""Who acts when no person presses the button: the system, always with a stated cause.

A transition that follows from another, authorised action (the entry goes under review because staff
assigned its experts; an award becomes active because its order was signed) is fired by a
`SystemActor`. Only code creates one (never a request), so `fire()` treats it as authorised by
construction, and every audit row it writes has no actor id and reads «Система: <cause>».

    fire(entry_lifecycle, entry, "start_review", actor=SystemActor("назначение экспертов сотрудником"))
"""
from __future__ import annotations

SYSTEM_PREFIX = "Система: "


class SystemActor:
    """The system acting for a reason (`cause`, in Russian, naming the user action behind it if any)."""

    is_system = True
    id = None
    is_authenticated = False  # not a logged-in person: it never passes through Flask-Login
    is_active = True
    is_anonymous = False
    grants: tuple = ()
    organization_id = None

    def __init__(self, cause: str):
        cause = (cause or "").strip()
        if not cause:
            raise ValueError("SystemActor needs a cause")
        self.cause = cause

    @property
    def full_name(self) -> str:
        return f"{SYSTEM_PREFIX}{self.cause}"

    display_name = full_name

    def __repr__(self) -> str:
        return f"SystemActor({self.cause!r})"


def is_system(actor) -> bool:
    return bool(getattr(actor, "is_system", False))
