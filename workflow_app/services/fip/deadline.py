"""The federal deadline of a case and its reminders, like every deadline (services/reminders).

`case_deadline(case)` is the one function the reminder rules read: the deadline of the call the case
goes to, whom to remind and where to send them. The lifecycle plans the reminders when drafting starts
and cancels them once the application is submitted or withdrawn."""
from __future__ import annotations

from sqlalchemy import select

from ...extensions import db
from ...models.fip_case import FipCase, FipStatus
from ...timeutil import end_of_day
from ..competition.dossier import applicant_users
from ..reminders.schedule import Deadline, Recipient, cancel, plan
from .settings import federal_deadline

KIND = "fip.federal_deadline"
# Until the council has recommended it the application is still to be sent to the ministry.
REMINDED = (FipStatus.drafting, FipStatus.review, FipStatus.revision, FipStatus.recommended)


def case_deadline(case: FipCase) -> Deadline | None:
    """The federal deadline the case works to (None when staff have not set the year's date)."""
    day = federal_deadline(case.year)
    if day is None:
        return None
    people = tuple(Recipient(u.id) for u in applicant_users(case.organization_id))
    return Deadline(KIND, "fip_case", case.id, end_of_day(day), people,
                    title=f"ФИП {case.year}: срок подачи заявки «{case.project[:120]}»", link=f"/fip/{case.id}")


def plan_reminders(case: FipCase, ctx=None) -> None:
    d = case_deadline(case)
    if d is None:
        cancel(KIND, "fip_case", case.id)
        return
    plan(d.kind, d.object_type, d.object_id, d.deadline, d.recipients, title=d.title, link=d.link)


def cancel_reminders(case: FipCase, ctx=None) -> None:
    cancel(KIND, "fip_case", case.id)


def replan_year(year: int) -> None:
    """After the year's deadline changed: every case still working to it follows."""
    cases = db.session.execute(select(FipCase).where(
        FipCase.year == year, FipCase.status.in_(REMINDED))).scalars()
    for case in cases:
        plan_reminders(case)
