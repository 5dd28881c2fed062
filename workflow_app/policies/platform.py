"""Rules for the platform: dashboard, organisations, users, audit, outbox."""
from __future__ import annotations

from typing import Any

from ..models import Organization, Role, User
from ..policy import is_admin, is_staff, rule, sees_organization


@rule("dashboard.view", "profile.edit", "notice.view")
def _any_signed_in(user: User, obj: Any) -> bool:
    return True


@rule("org.list", "org.export")
def _org_list(user: User, obj: Any) -> bool:
    # Coordinators get a list filtered to their municipalities (see services.orgs.visible_orgs).
    return is_staff(user) or user.has_role(Role.coordinator) or user.has_role(Role.signatory)


@rule("org.view")
def _org_view(user: User, org: Organization | None) -> bool:
    return sees_organization(user, org)


@rule("org.create", "org.edit", "organization.deactivate", "organization.reactivate", "org.import",
      "user.list", "user.create", "user.import", "user.export", "audit.view", "outbox.view")
def _staff_only(user: User, obj: Any) -> bool:
    return is_staff(user)


def _touches_admin(target: Any) -> bool:
    return isinstance(target, User) and target.has_role(Role.admin)


@rule("user.view")
def _user_view(user: User, target: Any) -> bool:
    return is_staff(user) or (isinstance(target, User) and target.id == user.id)


@rule("user.edit", "user.reactivate")
def _user_edit(user: User, target: Any) -> bool:
    # Plain staff cannot change an administrator's account.
    return is_staff(user) and (is_admin(user) or not _touches_admin(target))


@rule("user.deactivate")
def _user_deactivate(user: User, target: Any) -> bool:
    if isinstance(target, User) and target.id == user.id:
        return False  # staff cannot lock themselves out
    return is_staff(user) and (is_admin(user) or not _touches_admin(target))


@rule("user.grant_admin", "settings.edit")
def _admin_only(user: User, obj: Any) -> bool:
    return is_admin(user)
