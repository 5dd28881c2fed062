"""Staff write to a filtered group: preview the recipients, confirm, and the message goes through the
outbox as one e-mail per recipient (`group:<mail>:<user>`), audited, listed among the sent group mail.

The recipients are one set-based query of the filter. The preview carries a fingerprint of the exact
recipient list; sending recomputes it and refuses when the group changed meanwhile, so what staff saw is
what is sent.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass

from sqlalchemy import Select, case, func, insert, select

from .. import audit
from ..errors import ConcurrentChange, DomainError
from ..extensions import db
from ..models import Channel, OutboxMessage, Role, RoleGrant, User, UserStatus
from ..models.base import utcnow
from ..models.competition import AssignmentStatus, Campaign, Entry, EntryStatus, ReviewAssignment, Track
from ..models.notification import GroupMail
from ..policy import require

AUDIENCES = {"applicants": "Заявители", "experts": "Эксперты"}
SHEETS = {"not_sent": "лист оценки не отправлен", "offered": "назначение не принято", "all": "все назначенные"}
SHEET_STATUSES = {
    "not_sent": (AssignmentStatus.offered, AssignmentStatus.accepted, AssignmentStatus.reopened),
    "offered": (AssignmentStatus.offered,),
    "all": (AssignmentStatus.offered, AssignmentStatus.accepted, AssignmentStatus.reopened,
            AssignmentStatus.submitted),
}
PREVIEW_LIMIT = 500


@dataclass(frozen=True)
class Audience:
    kind: str                 # applicants | experts
    campaign_id: int
    track_id: int | None = None
    entry_status: str = ""    # applicants: EntryStatus name ("" — any)
    sheets: str = "not_sent"  # experts: SHEETS key


@dataclass(frozen=True)
class Preview:
    audience: Audience
    label: str
    count: int
    people: list            # rows (id, full_name, email), at most PREVIEW_LIMIT
    fingerprint: str


def _checked(a: Audience) -> tuple[Campaign, Track | None]:
    if a.kind not in AUDIENCES:
        raise DomainError("Выберите, кому писать: заявителям или экспертам.")
    campaign = db.session.get(Campaign, a.campaign_id)
    if campaign is None:
        raise DomainError("Конкурс не найден.")
    track = db.session.get(Track, a.track_id) if a.track_id else None
    if a.track_id and (track is None or track.campaign_id != campaign.id):
        raise DomainError("Выбранное направление относится к другому конкурсу.")
    if a.kind == "applicants" and a.entry_status and a.entry_status not in EntryStatus.__members__:
        raise DomainError("Неизвестное состояние заявки.")
    if a.kind == "experts" and a.sheets not in SHEETS:
        raise DomainError("Неизвестное состояние листа оценки.")
    return campaign, track


def label_of(a: Audience) -> str:
    campaign, track = _checked(a)
    parts = [f"{AUDIENCES[a.kind]} конкурса «{campaign.name}»"]
    if track is not None:
        parts.append(f"направление «{track.name}»")
    if a.kind == "applicants":
        parts.append(f"заявка: {EntryStatus[a.entry_status].value.lower()}" if a.entry_status else "любые заявки")
    else:
        parts.append(SHEETS[a.sheets])
    return ", ".join(parts)


def recipients_query(a: Audience) -> Select:
    """Active users of the group, once each, by name."""
    _checked(a)
    if a.kind == "applicants":
        orgs = select(Entry.organization_id).where(Entry.campaign_id == a.campaign_id)
        if a.track_id:
            orgs = orgs.where(Entry.track_id == a.track_id)
        if a.entry_status:
            orgs = orgs.where(Entry.status == EntryStatus[a.entry_status])
        members = select(RoleGrant.user_id).where(RoleGrant.role == Role.applicant,
                                                  RoleGrant.organization_id.in_(orgs))
    else:
        members = (select(ReviewAssignment.expert_id).join(Entry, Entry.id == ReviewAssignment.entry_id)
                   .where(Entry.campaign_id == a.campaign_id,
                          ReviewAssignment.status.in_(SHEET_STATUSES[a.sheets])))
        if a.track_id:
            members = members.where(Entry.track_id == a.track_id)
    return (select(User.id, User.full_name, User.email)
            .where(User.id.in_(members), User.status == UserStatus.active, User.email != "")
            .order_by(User.full_name, User.id))


def _fingerprint(ids: list[int]) -> str:
    return hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()[:40]


def preview(a: Audience, *, actor: User) -> Preview:
    require(actor, "group_mail.send")
    rows = db.session.execute(recipients_query(a)).all()
    return Preview(a, label_of(a), len(rows), rows[:PREVIEW_LIMIT], _fingerprint([r.id for r in rows]))


def send(a: Audience, *, subject: str, body: str, fingerprint: str, actor: User) -> GroupMail:
    """Queue one e-mail per recipient in the caller's transaction (all or nothing); audited."""
    require(actor, "group_mail.send")
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise DomainError("Укажите тему и текст письма.")
    rows = db.session.execute(recipients_query(a)).all()
    if not rows:
        raise DomainError("Под условия не подходит ни один получатель: писать некому.")
    if _fingerprint([r.id for r in rows]) != fingerprint:
        raise ConcurrentChange("Состав получателей изменился после предпросмотра. Проверьте список ещё раз "
                               "и подтвердите отправку.")
    label = label_of(a)
    mail = GroupMail(author_id=actor.id, subject=subject[:300], body=body, audience=asdict(a),
                     audience_label=label[:500], recipients=len(rows))
    db.session.add(mail)
    db.session.flush()
    now = utcnow()
    signature = f"\n\n—\n{actor.full_name}, ГБОУ ИРО Краснодарского края"
    db.session.execute(insert(OutboxMessage), [
        {"dedup_key": f"email:group:{mail.id}:{r.id}", "channel": Channel.email, "recipient_email": r.email,
         "recipient_id": r.id, "subject": mail.subject, "body": f"Здравствуйте, {r.full_name}!\n\n{body}{signature}",
         "created_at": now, "next_attempt_at": now, "attempts": 0, "last_error": "", "failed": False,
         "object_type": "group_mail", "object_id": mail.id, "needs_action": False} for r in rows])
    audit.record("group_mail.send", actor=actor, obj=mail,
                 payload={"subject": mail.subject, "recipients": len(rows), "audience": label})
    db.session.flush()
    return mail


def sent_query(q: str = "") -> Select:
    from ..listing import like_pattern

    stmt = select(GroupMail)
    if q:
        stmt = stmt.where(GroupMail.subject.ilike(like_pattern(q), escape="\\"))
    return stmt.order_by(GroupMail.created_at.desc(), GroupMail.id.desc())


def delivery(mail_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per group mail: how many of its e-mails were sent, wait, or were not delivered — one query."""
    if not mail_ids:
        return {}
    m = OutboxMessage
    rows = db.session.execute(
        select(m.object_id, func.count(m.sent_at), func.sum(case((m.failed.is_(True), 1), else_=0)),
               func.count(m.id))
        .where(m.object_type == "group_mail", m.object_id.in_(mail_ids), m.channel == Channel.email)
        .group_by(m.object_id)).all()
    return {r[0]: {"sent": r[1], "failed": int(r[2] or 0), "waiting": r[3] - r[1] - int(r[2] or 0)} for r in rows}


def campaign_choices() -> list[tuple[int, str]]:
    return [(c.id, f"{c.name} ({c.year})") for c in db.session.execute(
        select(Campaign).order_by(Campaign.year.desc(), Campaign.name)).scalars()]


def track_choices() -> list[tuple[int, str]]:
    return [(t.id, f"{t.campaign.name}: {t.name}") for t in db.session.execute(
        select(Track).join(Campaign).order_by(Campaign.year.desc(), Campaign.name, Track.position)).scalars()]
