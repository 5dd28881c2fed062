"""Rules for the review part: the expert pool, assignments, the expert's reader and score sheet.

An expert acts only on their own assignments; a sheet is editable only while the assignment is accepted
or reopened. Staff see and manage everything. Nobody but staff reads another expert's sheet.
"""
from __future__ import annotations

from typing import Any

from ..models import Role, User
from ..models.competition import AssignmentStatus, ReviewAssignment
from ..policy import is_staff, rule

# Assignments through which an expert may read the entry (not revoked, declined or conflicted).
READABLE = {AssignmentStatus.offered, AssignmentStatus.accepted, AssignmentStatus.submitted,
            AssignmentStatus.reopened}


def _own(user: User, a: Any) -> bool:
    return isinstance(a, ReviewAssignment) and a.expert_id == user.id and user.has_role(Role.expert)


@rule("expert.list", "expert.edit", "expert.export", "assignment.plan", "assignment.apply",
      "assignment.manage", "assignment.reopen", "assignment.revoke")
def _staff(user: User, obj: Any) -> bool:
    return is_staff(user)


@rule("expert.dashboard")
def _expert_dashboard(user: User, obj: Any) -> bool:
    return user.has_role(Role.expert)


@rule("assignment.accept", "assignment.decline", "assignment.declare_conflict")
def _respond(user: User, a: Any) -> bool:
    return _own(user, a)


@rule("assignment.read", "score.view")
def _read(user: User, a: Any) -> bool:
    if is_staff(user):
        return isinstance(a, ReviewAssignment)
    return _own(user, a) and a.status in READABLE


@rule("score.edit", "assignment.submit")
def _edit(user: User, a: Any) -> bool:
    return _own(user, a) and a.status in (AssignmentStatus.accepted, AssignmentStatus.reopened)
