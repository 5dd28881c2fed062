"""ФИП preparation cases: the organisation's applicants open, draft, revise, send and withdraw their own
cases; the municipality's coordinator reads; staff (the institute's methodologists) review, tick the
manual readiness items and record the council's and the ministry's outcomes."""
from __future__ import annotations

from typing import Any

from ..models import Organization, OrgStatus, Role, User
from ..models.fip_case import EDITABLE, FipCase
from ..policy import is_staff, rule


def _own(user: User, case: Any) -> bool:
    return isinstance(case, FipCase) and case.organization_id in user.applicant_org_ids()


@rule("fip.list")
def _list(user: User, obj: Any) -> bool:
    return is_staff(user) or user.has_role(Role.signatory) or user.has_role(Role.applicant) \
        or user.has_role(Role.coordinator)


@rule("fip.view")
def _view(user: User, case: Any) -> bool:
    if not isinstance(case, FipCase):
        return False
    if is_staff(user) or user.has_role(Role.signatory) or _own(user, case):
        return True
    return case.organization.municipality_id in user.coordinator_municipality_ids()


@rule("fip.create")
def _create(user: User, org: Any) -> bool:
    if not isinstance(org, Organization) or org.status != OrgStatus.active:
        return False
    return is_staff(user) or org.id in user.applicant_org_ids()


@rule("fip.edit")
def _edit(user: User, case: Any) -> bool:
    return _own(user, case) and case.status in EDITABLE


@rule("fip.start_drafting", "fip.send_for_review")
def _applicant(user: User, case: Any) -> bool:
    return _own(user, case)


@rule("fip.withdraw")
def _withdraw(user: User, case: Any) -> bool:
    return _own(user, case) or is_staff(user)


@rule("fip.comment", "fip.check", "fip.return_for_revision", "fip.recommend", "fip.submit", "fip.recognise",
      "fip.not_recognise", "fip.deadline")
def _staff(user: User, obj: Any) -> bool:
    return is_staff(user)
