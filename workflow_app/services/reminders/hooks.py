"""Where deadlines are set and tasks finished: the lifecycle effects that plan and cancel reminders.

Declared by name on the transitions in machines/entry.py and machines/review.py; assignment creation
calls `plan_review` directly (an offer is the assignment's initial state, not a transition).
"""
from __future__ import annotations

from sqlalchemy import select

from ...extensions import db
from ...models import Role, RoleGrant, User, UserStatus
from ...models.competition import Entry, ReviewAssignment
from ..competition.dossier import entry_owners
from .schedule import Deadline, Recipient, cancel, plan, plan_new

CORRECTION = "entry.correction"
REVIEW = "assignment.review"


def _coordinators(municipality_id: int) -> list[int]:
    return list(db.session.execute(
        select(RoleGrant.user_id).join(User, User.id == RoleGrant.user_id)
        .where(RoleGrant.role == Role.coordinator, RoleGrant.municipality_id == municipality_id,
               User.status == UserStatus.active)).scalars())


def plan_correction(entry: Entry, ctx=None) -> None:
    """The applicants are reminded before the correction due date; the municipality's coordinators
    hear about it once it is overdue."""
    people = [Recipient(u.id) for u in entry_owners(entry)]
    people += [Recipient(uid, escalation=True) for uid in _coordinators(entry.organization.municipality_id)]
    plan(CORRECTION, "entry", entry.id, entry.correction_due, people,
         title=f"Заявка {entry.code}: исправленную заявку нужно подать", link=f"/entries/{entry.id}")


def cancel_correction(entry: Entry, ctx=None) -> None:
    cancel(CORRECTION, "entry", entry.id)


def _review_deadline(a: ReviewAssignment, code: str) -> Deadline:
    return Deadline(REVIEW, "review_assignment", a.id, a.due_at, (Recipient(a.expert_id),),
                    title=f"Заявка {code}: оценка эксперта", link=f"/expert/assignments/{a.id}")


def plan_review(a: ReviewAssignment, ctx=None) -> None:
    """The expert is reminded before the review's due date and after it while the sheet is not sent
    (again after a reopened sheet)."""
    d = _review_deadline(a, db.session.execute(select(Entry.code).where(Entry.id == a.entry_id)).scalar_one())
    plan(d.kind, d.object_type, d.object_id, d.deadline, d.recipients, title=d.title, link=d.link)


def plan_offers(assignments: list[ReviewAssignment]) -> None:
    """Reminders of assignments just offered, for a whole plan at once: one query for the entries'
    codes, one insert."""
    if not assignments:
        return
    codes = dict(db.session.execute(
        select(Entry.id, Entry.code).where(Entry.id.in_({a.entry_id for a in assignments}))).all())
    plan_new(_review_deadline(a, codes[a.entry_id]) for a in assignments)


def cancel_review(a: ReviewAssignment, ctx=None) -> None:
    cancel(REVIEW, "review_assignment", a.id)
