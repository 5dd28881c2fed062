"""Where deadlines are set and tasks finished: the calls that plan, move and cancel reminders.

Lifecycle effects are declared by name on the transitions (machines/entry.py, machines/review.py); the
services that set dates call these functions directly (a new draft, an extension, a stage's date, an
order's visa round and signature request). Who is reminded, and when, comes from the rules in force
(rules.py): the responsible people, and on escalation (after the deadline) the municipality's
coordinators and the staff in charge.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import Role, RoleGrant, User, UserStatus
from ...models.base import utcnow
from ...models.competition import (
    ApplicantKind,
    AssignmentStatus,
    Campaign,
    Entry,
    EntryStatus,
    ReviewAssignment,
    Stage,
    StageKind,
)
from ...models.orders import Order
from ...models.reminder import Reminder, ReminderStatus
from .rules import Rule, add_working_days, rule_for
from .schedule import Deadline, Recipient, cancel, move_series, plan_many, plan_new

SUBMISSION = "entry.submission"
CORRECTION = "entry.correction"
DEFENCE = "entry.defence"
REVIEW = "assignment.review"
VISA = "order.visa"
SIGNATURE = "order.signature"
ENTRY_KINDS = (SUBMISSION, CORRECTION, DEFENCE)
OPEN_REVIEW = (AssignmentStatus.offered, AssignmentStatus.accepted, AssignmentStatus.reopened)


# --- who -----------------------------------------------------------------------------------------

def _active(q):
    return list(db.session.execute(q.join(User, User.id == RoleGrant.user_id)
                                   .where(User.status == UserStatus.active).order_by(RoleGrant.user_id)).all())


def _applicants(org_ids: Iterable[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for uid, org in _active(select(RoleGrant.user_id, RoleGrant.organization_id).where(
            RoleGrant.role == Role.applicant, RoleGrant.organization_id.in_(set(org_ids)))):
        out.setdefault(org, []).append(uid)
    return out


def _coordinators(municipality_ids: Iterable[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for uid, mun in _active(select(RoleGrant.user_id, RoleGrant.municipality_id).where(
            RoleGrant.role == Role.coordinator, RoleGrant.municipality_id.in_(set(municipality_ids)))):
        out.setdefault(mun, []).append(uid)
    return out


def _staff() -> list[int]:
    return sorted({uid for uid, in _active(select(RoleGrant.user_id).where(RoleGrant.role == Role.staff))})


def people(rule: Rule, responsible: Sequence[int], *, coordinators: Sequence[int] = (),
           staff: Sequence[int] = ()) -> tuple[Recipient, ...]:
    """The responsible people, then (if the rule says so) the escalation recipients not already in."""
    out = [Recipient(uid) for uid in dict.fromkeys(responsible)]
    seen = set(responsible)
    escalate = [*(coordinators if rule.escalate_coordinator else ()), *(staff if rule.escalate_staff else ())]
    for uid in dict.fromkeys(escalate):
        if uid not in seen:
            out.append(Recipient(uid, escalation=True))
    return tuple(out)


# --- entries: submission, correction, defence -----------------------------------------------------

def _stage(campaign: Campaign, kind: StageKind) -> Stage | None:
    return next((s for s in campaign.stages if s.kind == kind), None)


def _responsible(entry: Entry, applicants: dict[int, list[int]]) -> list[int]:
    """The teacher of a person's entry; otherwise the organisation's applicants."""
    if entry.applicant_kind == ApplicantKind.person:
        person = entry.person
        return [person.id] if person is not None and person.status == UserStatus.active else []
    return applicants.get(entry.organization_id, [])


def _entry_deadlines(entries: Sequence[Entry], kind: str) -> list[Deadline]:
    """The deadlines of one kind for many entries: recipients and rules looked up once for all."""
    from ..competition.dossier import effective_deadline  # dossier imports the machines that name us

    if not entries:
        return []
    applicants = _applicants(e.organization_id for e in entries)
    coords = _coordinators(e.organization.municipality_id for e in entries)
    rules: dict[int, Rule] = {}
    staff = _staff()
    out = []
    for e in entries:
        rule = rules.get(e.campaign_id) or rules.setdefault(e.campaign_id, rule_for(kind, campaign_id=e.campaign_id))
        stage_kind = {SUBMISSION: StageKind.submission, DEFENCE: StageKind.defence}.get(kind)
        stage = _stage(e.campaign, stage_kind) if stage_kind else None
        if kind == DEFENCE:
            deadline, what = (stage.deadline if stage else None), "очный этап (защита проекта)"
        else:
            deadline = effective_deadline(e)
            what = "подать заявку" if kind == SUBMISSION else "подать исправленную заявку"
        out.append(Deadline(
            kind, "entry", e.id, deadline,
            people(rule, _responsible(e, applicants),
                   coordinators=coords.get(e.organization.municipality_id, []), staff=staff),
            title=f"Заявка {e.code}: {what}", link=f"/entries/{e.id}", before=rule.before, after=rule.after,
            series=f"stage:{stage.id}" if stage is not None else ""))
    return out


def plan_submission(entry: Entry, ctx=None) -> None:
    """A draft: its applicants are reminded of the submission deadline (their extension, if any)."""
    plan_many(_entry_deadlines([entry], SUBMISSION))


def plan_correction(entry: Entry, ctx=None) -> None:
    """The applicants are reminded before the correction due date (their extension, if later); the
    municipality's coordinators hear about it once it is overdue."""
    plan_many(_entry_deadlines([entry], CORRECTION))


def plan_entry_deadline(entry: Entry) -> None:
    """The entry's own deadline changed (an individual extension): only its reminders move."""
    if entry.status == EntryStatus.draft:
        plan_submission(entry)
    elif entry.status == EntryStatus.returned:
        plan_correction(entry)


def plan_defence(entry: Entry, ctx=None) -> None:
    """Admitted to the in-person stage: the applicants are reminded of its date."""
    plan_many(_entry_deadlines([entry], DEFENCE))


def plan_defences(campaign: Campaign) -> None:
    """The in-person stage's list was formed: every shortlisted entry is reminded of its date."""
    stage = _stage(campaign, StageKind.defence)
    if stage is not None:
        stage_changed(stage)


def campaign_decided(campaign: Campaign) -> int:
    """The commission decided: no entry of the campaign is reminded of anything any more (one UPDATE)."""
    entry_ids = select(Entry.id).where(Entry.campaign_id == campaign.id).scalar_subquery()
    return db.session.execute(
        update(Reminder).where(Reminder.object_type == "entry", Reminder.object_id.in_(entry_ids),
                               Reminder.kind.in_(ENTRY_KINDS), Reminder.status == ReminderStatus.pending)
        .values(status=ReminderStatus.cancelled, done_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount


def cancel_submission(entry: Entry, ctx=None) -> None:
    cancel(SUBMISSION, "entry", entry.id)


def cancel_correction(entry: Entry, ctx=None) -> None:
    cancel(CORRECTION, "entry", entry.id)


def cancel_defence(entry: Entry, ctx=None) -> None:
    cancel(DEFENCE, "entry", entry.id)


def cancel_entry(entry: Entry, ctx=None) -> None:
    """Withdrawn: nothing about this entry is reminded any more."""
    cancel(ENTRY_KINDS, "entry", entry.id)


_STAGE_ENTRIES = {StageKind.submission: (SUBMISSION, (EntryStatus.draft,)),
                  StageKind.defence: (DEFENCE, (EntryStatus.shortlisted,))}


def stage_changed(stage: Stage) -> None:
    """A campaign stage's date was set or moved: the pending reminders of the stage move in one
    statement (an entry whose extension runs past the new date keeps its own), then the entries that
    should be reminded and have no reminders yet get theirs."""
    if stage.kind not in _STAGE_ENTRIES:
        return
    kind, statuses = _STAGE_ENTRIES[stage.kind]
    series = f"stage:{stage.id}"
    if stage.deadline is not None:
        extended = exists().where(Entry.id == Reminder.object_id, Entry.extension_until > stage.deadline)
        move_series(series, stage.deadline, keep=extended if kind == SUBMISSION else None)
    entries = db.session.execute(select(Entry).options(selectinload(Entry.organization)).where(
        Entry.campaign_id == stage.campaign_id, Entry.status.in_(statuses))).scalars().all()
    plan_many(_entry_deadlines(entries, kind))


# --- expert reviews --------------------------------------------------------------------------------

def _review_deadlines(assignments: Sequence[ReviewAssignment]) -> list[Deadline]:
    info = {eid: (code, cid) for eid, code, cid in db.session.execute(
        select(Entry.id, Entry.code, Entry.campaign_id).where(Entry.id.in_({a.entry_id for a in assignments})))}
    rules: dict[int, Rule] = {}
    staff = _staff()
    out = []
    for a in assignments:
        code, cid = info[a.entry_id]
        rule = rules.get(cid) or rules.setdefault(cid, rule_for(REVIEW, campaign_id=cid))
        out.append(Deadline(REVIEW, "review_assignment", a.id, a.due_at, people(rule, [a.expert_id], staff=staff),
                            title=f"Заявка {code}: оценка эксперта", link=f"/expert/assignments/{a.id}",
                            before=rule.before, after=rule.after))
    return out


def plan_review(a: ReviewAssignment, ctx=None) -> None:
    """The expert is reminded before the review's due date and after it while the sheet is not sent
    (again after a reopened sheet); staff hear once it is overdue."""
    plan_many(_review_deadlines([a]))


def plan_offers(assignments: list[ReviewAssignment]) -> None:
    """Reminders of assignments just offered, for a whole plan at once: one query for the entries,
    one insert. An offer's reminders start at once: they ask the expert to accept and to review."""
    if assignments:
        plan_new(_review_deadlines(assignments))


def cancel_review(a: ReviewAssignment, ctx=None) -> None:
    cancel(REVIEW, "review_assignment", a.id)


# --- orders: visas and signature (due a number of working days after the request) ----------------

def _order_deadline(order: Order, kind: str, users: Sequence[int], what: str) -> Deadline:
    rule = rule_for(kind)
    due = add_working_days(utcnow(), rule.due_working_days or 1)
    return Deadline(kind, "order_doc", order.id, due,
                    people(rule, users, staff=[order.created_by_id] if order.created_by_id else []),
                    title=f"Приказ «{order.title[:200]}»: {what}", link=f"/orders/{order.id}",
                    before=rule.before, after=rule.after)


def plan_visas(order: Order, approver_ids: Sequence[int]) -> None:
    """A visa round opened: each approver is reminded until their visa is given."""
    plan_many([_order_deadline(order, VISA, approver_ids, "согласование (виза)")])


def visa_given(order: Order, user_id: int) -> None:
    cancel(VISA, "order_doc", order.id, recipient_id=user_id)


def plan_signature(order: Order, signer_ids: Sequence[int]) -> None:
    """Every visa is given (the author's escalation of the round stops too); the signature is awaited."""
    cancel(VISA, "order_doc", order.id)
    plan_many([_order_deadline(order, SIGNATURE, signer_ids, "подписание")])


def close_order(order: Order) -> None:
    """Signed or returned to the draft: no visa or signature is awaited any more."""
    cancel((VISA, SIGNATURE), "order_doc", order.id)


# --- deadlines of status holders (reports, roadmaps): the entry point for their services ----------

@dataclass(frozen=True)
class HolderDeadline:
    """A deadline of a status holder (kind "report" or "roadmap"): its organisation's applicants are
    responsible; the rule of its status type (e.g. «КИП») decides the offsets and the escalation."""

    kind: str
    object_type: str
    object_id: int
    deadline: datetime
    organization_id: int
    municipality_id: int | None
    status_type: str
    title: str
    link: str


def plan_holder_deadlines(items: Sequence[HolderDeadline]) -> int:
    """Plan many holder deadlines at once (the people and rules are read once for the batch). Call
    `cancel(kind, object_type, object_id)` when one is handed in."""
    if not items:
        return 0
    applicants = _applicants({i.organization_id for i in items})
    coords = _coordinators({i.municipality_id for i in items if i.municipality_id})
    staff = _staff()
    rules = {(i.kind, i.status_type): rule_for(i.kind, status_type=i.status_type) for i in items}
    deadlines = []
    for i in items:
        rule = rules[(i.kind, i.status_type)]
        deadlines.append(Deadline(i.kind, i.object_type, i.object_id, i.deadline,
                                  people(rule, applicants.get(i.organization_id, []),
                                         coordinators=coords.get(i.municipality_id, []), staff=staff),
                                  title=i.title, link=i.link, before=rule.before, after=rule.after))
    return plan_many(deadlines)


def plan_status_deadline(kind: str, object_type: str, object_id: int, deadline, responsible: Sequence[int], *,
                         status_type: str, municipality_id: int | None, title: str, link: str) -> None:
    """One holder deadline with its responsible people given explicitly."""
    rule = rule_for(kind, status_type=status_type)
    coords = _coordinators([municipality_id]).get(municipality_id, []) if municipality_id else []
    plan_many([Deadline(kind, object_type, object_id, deadline,
                        people(rule, responsible, coordinators=coords, staff=_staff()),
                        title=title, link=link, before=rule.before, after=rule.after)])


# --- a campaign's rules changed -------------------------------------------------------------------

def replan_campaign(campaign: Campaign) -> int:
    """Every open deadline of the campaign planned again under its current rules (who and when)."""
    by_status = {EntryStatus.draft: SUBMISSION, EntryStatus.returned: CORRECTION, EntryStatus.shortlisted: DEFENCE}
    entries = db.session.execute(select(Entry).options(selectinload(Entry.organization)).where(
        Entry.campaign_id == campaign.id, Entry.status.in_(by_status))).scalars().all()
    deadlines: list[Deadline] = []
    for status, kind in by_status.items():
        deadlines += _entry_deadlines([e for e in entries if e.status == status], kind)
    assignments = db.session.execute(select(ReviewAssignment).join(Entry).where(
        Entry.campaign_id == campaign.id, ReviewAssignment.status.in_(OPEN_REVIEW))).scalars().all()
    if assignments:
        deadlines += _review_deadlines(assignments)
    return plan_many(deadlines)

