"""The single authorization decision point: can(user, action, obj) -> bool.

Every view and every service that changes state asks here. Rules are registered per action;
an action without a rule is denied. Object-level rules look at ownership (organisation,
municipality, assignment), never at the URL.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


# --- platform rules ---------------------------------------------------------------------------

@rule("dashboard.view", "profile.edit", "notice.view")
def _any_signed_in(user: User, obj: Any) -> bool:
    return True


@rule("org.list")
def _org_list(user: User, obj: Any) -> bool:
    return is_staff(user) or user.has_role(Role.coordinator) or user.has_role(Role.signatory)


@rule("org.view")
def _org_view(user: User, org: Organization | None) -> bool:
    return sees_organization(user, org)


@rule("org.create", "org.edit", "organization.deactivate", "organization.reactivate", "org.import",
      "user.list", "user.view", "user.create", "user.edit", "user.deactivate", "user.reactivate",
      "user.import", "audit.view", "outbox.view")
def _staff_only(user: User, obj: Any) -> bool:
    return is_staff(user)


@rule("user.grant_admin", "settings.edit")
def _admin_only(user: User, obj: Any) -> bool:
    return is_admin(user)
