"""Who may download which generated document."""
from __future__ import annotations

from typing import Any

from ..models import Role, User
from ..models.competition import AssignmentStatus
from ..policy import is_staff, rule, sees_organization


@rule("document.certificate")
def _certificate(user: User, award: Any) -> bool:
    return award is not None and sees_organization(user, award.organization)


# An expert who declined, declared a conflict or was taken off an entry has no business with its sheet.
_EXPERT_LEFT = (AssignmentStatus.declined, AssignmentStatus.conflict, AssignmentStatus.revoked)


@rule("document.score_sheet")
def _score_sheet(user: User, assignment: Any) -> bool:
    if assignment is None:
        return False
    if is_staff(user):
        return True
    return assignment.expert_id == user.id and assignment.status not in _EXPERT_LEFT


@rule("document.letter")
def _letter(user: User, entry: Any) -> bool:
    return entry is not None and (is_staff(user) or entry.organization_id in user.applicant_org_ids())


@rule("document.protocol", "document.rating", "commission.view")
def _commission_read(user: User, obj: Any) -> bool:
    return is_staff(user) or user.has_role(Role.signatory)


@rule("commission.edit")
def _commission_edit(user: User, obj: Any) -> bool:
    return is_staff(user)
