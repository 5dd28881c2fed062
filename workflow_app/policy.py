"""The single authorization decision point: can(user, action, obj) -> bool.

Every view asks here (`can`), and every service that changes state asks here too (`require`, or
`fire()` for a lifecycle transition), so a direct call from a script or a job is checked the same way.
Rules are registered per action; an action without a rule is denied. Object-level rules look at
ownership (organisation, municipality, assignment), never at the URL.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import PermissionDenied
from .models import Organization, Role, User

Rule = Callable[[User, Any], bool]
_RULES: dict[str, Rule] = {}


def rule(*actions: str):
    def register(fn: Rule) -> Rule:
        for action in actions:
            if action in _RULES:
                raise ValueError(f"duplicate policy rule for {action}")
            _RULES[action] = fn
        return fn

    return register


def can(user: User | None, action: str, obj: Any = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    check = _RULES.get(action)
    if check is None:
        return False
    return bool(check(user, obj))


def require(actor: Any, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless `actor` may do `action` on `obj`.

    The system actor (scheduler, CLI: an object with a true `is_system`) is not a user and is allowed
    without asking the rules."""
    if getattr(actor, "is_system", False) is True:
        return
    if not can(actor, action, obj):
        raise PermissionDenied()


def known_actions() -> list[str]:
    return sorted(_RULES)


# --- helpers ----------------------------------------------------------------------------------

def is_staff(user: User) -> bool:
    return user.has_role(Role.staff) or user.has_role(Role.admin)


def is_admin(user: User) -> bool:
    return user.has_role(Role.admin)


def sees_organization(user: User, org: Organization | None) -> bool:
    """Staff see all; an applicant their own organisation; a coordinator their municipality's."""
    if org is None:
        return False
    if is_staff(user) or user.has_role(Role.signatory):
        return True
    if org.id in user.applicant_org_ids():
        return True
    return org.municipality_id in user.coordinator_municipality_ids()


# Rules live in workflow_app/policies/<area>.py; importing them registers them here.
def _load_rules() -> None:
    from . import policies
    from .discovery import import_submodules

    import_submodules(policies)


_load_rules()
