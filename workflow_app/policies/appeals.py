"""Rules for appeals: the entry's applicants file and withdraw them; whoever sees the organisation reads
them; staff take, decide, list and export them and set the campaign's terms; admins edit the calendar."""
from __future__ import annotations

from typing import Any

from ..models import User
from ..models.files import StoredFile
from ..policy import is_admin, is_staff, rule, sees_organization
from .files import file_access


def _own_entry(user: User, entry: Any) -> bool:
    return entry is not None and entry.organization_id in user.applicant_org_ids()


@rule("appeal.create")
def _create(user: User, entry: Any) -> bool:
    return _own_entry(user, entry)


@rule("appeal.withdraw")
def _withdraw(user: User, appeal: Any) -> bool:
    return appeal is not None and _own_entry(user, appeal.entry)


@rule("appeal.view")
def _view(user: User, appeal: Any) -> bool:
    return appeal is not None and sees_organization(user, appeal.entry.organization)


@rule("appeal.list", "appeal.take", "appeal.uphold", "appeal.reject", "appeal.settings", "appeal.export")
def _staff(user: User, obj: Any) -> bool:
    return is_staff(user)


@rule("calendar.edit")
def _calendar(user: User, obj: Any) -> bool:
    return is_admin(user)


@file_access
def _appeal_file(user: User, file: StoredFile) -> bool | None:
    """An appeal's attachment: whoever may read the appeal."""
    from sqlalchemy import select

    from ..extensions import db
    from ..models.appeal import Appeal, AppealAttachment

    appeal = db.session.execute(select(Appeal).join(AppealAttachment, AppealAttachment.appeal_id == Appeal.id)
                                .where(AppealAttachment.file_id == file.id)).scalars().first()
    if appeal is None:
        return None
    return _view(user, appeal)
