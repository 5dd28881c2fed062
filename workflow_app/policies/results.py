"""Rules for results: the ranking, shortlist, panel and decision are staff work; an applicant (and whoever
sees the organisation) reads the entry's result; a panel expert scores only their own in-person sheets."""
from __future__ import annotations

from typing import Any

from ..models import Role, User
from ..policy import is_staff, rule, sees_organization


@rule("results.view", "results.shortlist", "results.panel", "results.decide", "results.export",
      "results.strictness", "results.change_proposal")
def _staff(user: User, obj: Any) -> bool:
    return is_staff(user)


@rule("results.entry")
def _entry_result(user: User, entry: Any) -> bool:
    """The entry's result page: its organisation's applicants, the municipality's coordinator, staff."""
    return entry is not None and sees_organization(user, entry.organization)


@rule("results.defence_list")
def _panel_member(user: User, obj: Any) -> bool:
    return user.has_role(Role.expert)


@rule("results.defence_score")
def _own_sheet(user: User, assignment: Any) -> bool:
    return assignment is not None and assignment.expert_id == user.id and user.has_role(Role.expert)
