"""Rules for applications for network statuses and for roadmaps: the holder's applicants prepare and submit
their own; staff review, record the council's decision, approve and prepare orders; whoever sees the
organisation (its municipality's coordinator too) reads them."""
from __future__ import annotations

from typing import Any

from ..models import Role, User
from ..policy import is_admin, is_staff, rule, sees_organization
from .files import file_access


def _own(user: User, obj: Any) -> bool:
    org_id = getattr(obj, "organization_id", None) or getattr(obj, "id", None)
    return org_id is not None and org_id in user.applicant_org_ids()


@rule("status_application.list", "roadmap.list")
def _lists(user: User, obj: Any) -> bool:
    return is_staff(user) or user.has_role(Role.signatory)


@rule("status_application.view", "roadmap.view")
def _view(user: User, obj: Any) -> bool:
    return obj is not None and sees_organization(user, obj.organization)


@rule("status_application.create", "roadmap.create")
def _create(user: User, org: Any) -> bool:
    """obj: the organisation; its own applicants, or staff entering it for the organisation."""
    return org is not None and (is_staff(user) or _own(user, org))


@rule("status_application.edit", "status_application.submit", "status_application.resubmit",
      "roadmap.edit", "roadmap.submit", "roadmap.resubmit", "roadmap.edit_report", "roadmap.report")
def _holder(user: User, obj: Any) -> bool:
    return obj is not None and (_own(user, obj) or is_staff(user))


@rule("status_application.return", "status_application.accept", "status_application.council_approve",
      "status_application.council_reject", "roadmap.return", "roadmap.approve", "roadmap.note")
def _staff(user: User, obj: Any) -> bool:
    return is_staff(user)


@rule("status_application.prepare_order", "roadmap.prepare_order")
def _orders(user: User, obj: Any) -> bool:
    return is_staff(user)


@rule("krc.deadlines")
def _deadlines(user: User, obj: Any) -> bool:
    return is_admin(user) or is_staff(user)


@file_access
def _application_files(user: User, file: Any) -> bool | None:
    """An application's package and its council protocol: whoever sees the organisation."""
    from sqlalchemy import or_, select

    from ..extensions import db
    from ..models.status_application import StatusApplication

    app = db.session.execute(select(StatusApplication).where(or_(
        StatusApplication.file_id == file.id, StatusApplication.council_file_id == file.id))).scalars().first()
    return None if app is None else sees_organization(user, app.organization)


@rule("krc.mine")
def _mine(user: User, obj: Any) -> bool:
    """The holder's page: applicants of a methodological service (ТМС) or an education authority (МОУО)."""
    from ..models import OrgType

    return any(g.role == Role.applicant and g.organization is not None
               and g.organization.org_type in (OrgType.TMS, OrgType.MOUO) for g in user.grants)
