"""Calendar feeds (iCalendar, built with the `icalendar` library): a user's deadlines on a secret token
URL, and a published campaign's stage dates.

The token is shown once; only its SHA-256 is stored. Regenerating revokes the old one, revoking leaves
none: a revoked token's feed is a 404. Event UIDs are made from the object's id and the kind of date, so
a calendar that subscribed keeps one event per date and moves it when the date moves.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from .. import audit
from ..extensions import db
from ..models import Role, User, UserStatus
from ..models.base import utcnow
from ..models.competition import AssignmentStatus, Campaign, CampaignStatus, Entry, EntryStatus, ReviewAssignment
from ..models.notification import CalendarToken
from ..models.orders import Order, OrderApproval, OrderStatus, VisaStatus
from ..policy import is_staff
from ..timeutil import display_tz

UID_DOMAIN = "workflow-app"
OPEN_REVIEW = (AssignmentStatus.offered, AssignmentStatus.accepted, AssignmentStatus.reopened)


@dataclass(frozen=True)
class Item:
    uid: str
    summary: str
    start: date | datetime  # a date: an all-day event; a datetime: a moment (a deadline)
    description: str = ""


# --- tokens ------------------------------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def live_token(user: User) -> CalendarToken | None:
    return db.session.execute(select(CalendarToken).where(
        CalendarToken.user_id == user.id, CalendarToken.revoked_at.is_(None))).scalar_one_or_none()


def _revoke_live(user: User) -> bool:
    row = live_token(user)
    if row is None:
        return False
    row.revoked_at = utcnow()
    db.session.flush()
    return True


def issue_token(user: User, *, actor: User) -> str:
    """A new feed address for `user` (the old one stops working). Returns the token, shown once."""
    replaced = _revoke_live(user)
    token = secrets.token_urlsafe(32)
    db.session.add(CalendarToken(user_id=user.id, token_hash=_hash(token)))
    audit.record("calendar.token_issued", actor=actor, obj=user, payload={"replaced": replaced})
    db.session.flush()
    return token


def revoke_token(user: User, *, actor: User) -> bool:
    if not _revoke_live(user):
        return False
    audit.record("calendar.token_revoked", actor=actor, obj=user)
    return True


def user_by_token(token: str) -> User | None:
    if not token or len(token) > 200:
        return None
    return db.session.execute(
        select(User).join(CalendarToken, CalendarToken.user_id == User.id)
        .where(CalendarToken.token_hash == _hash(token), CalendarToken.revoked_at.is_(None),
               User.status == UserStatus.active)).scalar_one_or_none()


# --- what goes into a feed -------------------------------------------------------------------

def _stage_items(stages, prefix: str = "") -> list[Item]:
    out = []
    for s in stages:
        name = f"{prefix}{s.title}"
        if s.starts_on:
            out.append(Item(f"stage-{s.id}-start", f"{name}: начало", s.starts_on))
        if s.deadline:
            out.append(Item(f"stage-{s.id}-deadline", f"{name}: срок", s.deadline))
    return out


def campaign_items(campaign: Campaign) -> list[Item]:
    return _stage_items(campaign.stages)


def _campaigns_of(user: User) -> list[Campaign]:
    if is_staff(user):
        cond = Campaign.status.not_in((CampaignStatus.draft, CampaignStatus.closed))
    else:
        ids = set(db.session.execute(select(Entry.campaign_id).where(
            Entry.organization_id.in_(user.applicant_org_ids() or {0}))).scalars())
        ids |= set(db.session.execute(select(Entry.campaign_id).join(
            ReviewAssignment, ReviewAssignment.entry_id == Entry.id).where(
            ReviewAssignment.expert_id == user.id)).scalars())
        cond = Campaign.id.in_(ids or {0})
    return list(db.session.execute(select(Campaign).where(cond, Campaign.status != CampaignStatus.draft)
                                   .options(selectinload(Campaign.stages)).order_by(Campaign.id)).scalars())


def personal_items(user: User) -> list[Item]:
    """The user's deadlines: reviews due, their organisation's submissions and corrections, orders
    awaiting their visa or signature (by the order's date, when it has one), their campaigns' stages."""
    from ..services.competition.dossier import effective_deadline

    items: list[Item] = []
    for a in db.session.execute(
            select(ReviewAssignment).where(ReviewAssignment.expert_id == user.id,
                                           ReviewAssignment.status.in_(OPEN_REVIEW),
                                           ReviewAssignment.due_at.is_not(None))
            .options(joinedload(ReviewAssignment.entry).joinedload(Entry.campaign))
            .order_by(ReviewAssignment.id)).scalars():
        items.append(Item(f"assignment-{a.id}-due", f"Срок экспертизы: заявка {a.entry.code}", a.due_at,
                          f"Конкурс «{a.entry.campaign.name}»"))
    orgs = user.applicant_org_ids()
    if orgs:
        for e in db.session.execute(
                select(Entry).where(Entry.organization_id.in_(orgs),
                                    Entry.status.in_((EntryStatus.draft, EntryStatus.returned)))
                .options(joinedload(Entry.campaign).selectinload(Campaign.stages))
                .order_by(Entry.id)).scalars():
            due = effective_deadline(e)
            if due is None:
                continue
            what = "доработки" if e.status == EntryStatus.returned else "подачи"
            items.append(Item(f"entry-{e.id}-{'correction' if what == 'доработки' else 'submission'}",
                              f"Срок {what} заявки {e.code}", due, f"Конкурс «{e.campaign.name}»"))
    waiting: list[Order] = list(db.session.execute(
        select(Order).join(OrderApproval, OrderApproval.order_id == Order.id)
        .where(OrderApproval.approver_id == user.id, OrderApproval.status == VisaStatus.pending,
               Order.status == OrderStatus.approval)).scalars())
    if user.has_role(Role.signatory):
        waiting += db.session.execute(select(Order).where(
            Order.status == OrderStatus.approved,
            (Order.designated_signatory_id == user.id) | Order.designated_signatory_id.is_(None))).scalars()
    for o in waiting:
        if o.order_date:
            verb = "подписи" if o.status == OrderStatus.approved else "визы"
            items.append(Item(f"order-{o.id}-{o.status.name}", f"Приказ ожидает {verb}: {o.title}", o.order_date))
    for c in _campaigns_of(user):
        items += _stage_items(c.stages, prefix=f"{c.name}: ")
    return items


# --- iCalendar --------------------------------------------------------------------------------

def build_ics(name: str, items: list[Item]) -> bytes:
    tz = display_tz()
    cal = Calendar()
    cal.add("prodid", "-//ГБОУ ИРО Краснодарского края//Инновационная инфраструктура//RU")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", str(tz))
    stamp = utcnow()
    for it in items:
        ev = Event()
        ev.add("uid", f"{it.uid}@{UID_DOMAIN}")
        ev.add("dtstamp", stamp)
        ev.add("summary", it.summary)
        if isinstance(it.start, datetime):
            ev.add("dtstart", it.start.astimezone(tz))  # shown in Moscow time, with its VTIMEZONE
        else:
            ev.add("dtstart", it.start)
            ev.add("dtend", it.start + timedelta(days=1))
        if it.description:
            ev.add("description", it.description)
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical()
