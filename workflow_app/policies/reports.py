"""Rules for status reports and termination proposals: the holder's applicants edit and submit their own
organisation's reports, staff review them, a municipal coordinator reads their municipality's."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Role, User
from ..models.files import StoredFile
from ..models.status_report import EDITABLE, StatusReport, StatusReportFile
from ..policy import is_staff, rule
from .files import file_access


def _org(report: Any):
    return report.award.organization if isinstance(report, StatusReport) else None


def _own(user: User, report: Any) -> bool:
    org = _org(report)
    return org is not None and org.id in user.applicant_org_ids()


def _municipal(user: User, report: Any) -> bool:
    org = _org(report)
    return org is not None and org.municipality_id in user.coordinator_municipality_ids()


@rule("report.view", "report.document")
def _view(user: User, report: Any) -> bool:
    return isinstance(report, StatusReport) and (
        is_staff(user) or user.has_role(Role.signatory) or _own(user, report) or _municipal(user, report))


@rule("report.edit")
def _edit(user: User, report: Any) -> bool:
    return _own(user, report) and report.status in EDITABLE


@rule("report.start", "report.submit", "report.resubmit")
def _file(user: User, report: Any) -> bool:
    return _own(user, report)


@rule("report.mine")
def _mine(user: User, obj: Any) -> bool:
    return user.has_role(Role.applicant)


@rule("report.accept", "report.return_for_revision", "report.mark_overdue", "report.list", "report.export",
      "report.change_due_date", "termination_proposal.list", "termination_proposal.decide")
def _staff(user: User, obj: Any) -> bool:
    return is_staff(user)


@rule("report.municipal")
def _coordinator(user: User, obj: Any) -> bool:
    return user.has_role(Role.coordinator)


@file_access
def _evidence(user: User, file: StoredFile) -> bool | None:
    """An evidence file is read by whoever may read its report."""
    report = db.session.execute(
        select(StatusReport).join(StatusReportFile, StatusReportFile.report_id == StatusReport.id)
        .where(StatusReportFile.file_id == file.id).limit(1)).scalar_one_or_none()
    if report is None:
        return None
    return _view(user, report)
