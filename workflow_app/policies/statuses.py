"""Rules for status awards, status types and the figures."""
from __future__ import annotations

from typing import Any

from ..models import Role, User
from ..policy import is_admin, is_staff, rule, sees_organization


@rule("award.list", "award.view", "stats.awards")
def _read(user: User, obj: Any) -> bool:
    return is_staff(user) or user.has_role(Role.signatory)


@rule("award.import", "award.suspend", "award.resume", "award.extend", "award.complete", "award.terminate",
      "award.schedule", "award.activate")
def _manage(user: User, obj: Any) -> bool:
    return is_staff(user)


@rule("status_type.edit")
def _types(user: User, obj: Any) -> bool:
    return is_admin(user)


@rule("organization.profile")
def _profile(user: User, org: Any) -> bool:
    """Whoever sees the organisation: staff, its own applicants, its municipality's coordinator."""
    return org is not None and sees_organization(user, org)
