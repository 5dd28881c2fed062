"""Rules for the platform: dashboard, organisations, users, audit, outbox."""
from __future__ import annotations

from typing import Any

from ..models import Organization, Role, User
from ..policy import is_admin, is_staff, rule, sees_organization


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
