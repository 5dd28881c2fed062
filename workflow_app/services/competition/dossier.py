"""The applicant's side of an entry: creating it, the dossier draft, completeness, attachments,
submission with its deadline (the frozen versions themselves are in dossier_versions), withdrawal.

Guards and effects of the entry lifecycle that belong here are attached at import time, so every
`fire(entry_lifecycle, e, "submit")`, wherever it comes from, checks completeness and the deadline and
freezes a version.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from ... import audit, policy
from ...errors import ConcurrentChange, PermissionDenied, TransitionNotAllowed, ValidationFailed
from ...extensions import db
from ...machines.base import fire, lock
from ...machines.entry import entry_lifecycle
from ...models import Organization, Role, RoleGrant, User, UserStatus
from ...models.base import utcnow
from ...models.competition import (
    ApplicantKind,
    Campaign,
    CampaignStatus,
    Entry,
    EntryAttachment,
    EntryCoapplicant,
    EntryStatus,
    Stage,
    StageKind,
    Track,
)
from ...timeutil import format_datetime
from ..platform import files, outbox
from ..reminders import hooks as reminder_hooks
from . import dossier_content, dossier_versions, intake

EDITABLE = (EntryStatus.draft, EntryStatus.returned)
WITHDRAWABLE = (EntryStatus.draft, EntryStatus.submitted, EntryStatus.returned, EntryStatus.admitted,
                EntryStatus.under_review, EntryStatus.scored, EntryStatus.shortlisted)
MAX_ATTACHMENTS = 20
ATTACHMENT_KINDS = files.DOCUMENTS | (files.IMAGES - {"gif"})  # PDF, DOCX, PNG, JPEG
ATTACHMENT_MAX_BYTES = 20 * files.MB
IMAGE_MAX_BYTES = 10 * files.MB  # scans as images are kept smaller than documents


# --- campaigns an applicant may enter -----------------------------------------------------------

def stage_of(campaign: Campaign, kind: StageKind) -> Stage | None:
    return next((s for s in campaign.stages if s.kind == kind), None)


def submission_deadline(campaign: Campaign) -> datetime | None:
    s = stage_of(campaign, StageKind.submission)
    return s.deadline if s else None


def applicant_orgs(user: User) -> list[Organization]:
    orgs = [g.organization for g in user.grants if g.role == Role.applicant and g.organization]
    return sorted({o.id: o for o in orgs}.values(), key=lambda o: o.short_name)


def allowed_tracks(campaign: Campaign, org: Organization) -> list[Track]:
    return [t for t in campaign.tracks if org.org_type.name in (t.org_types or [])]


def open_campaigns_for(org: Organization) -> list[tuple[Campaign, list[Track]]]:
    """Open campaigns still taking entries, with the tracks this organisation's type may enter."""
    now = utcnow()
    rows = db.session.execute(
        select(Campaign).where(Campaign.status == CampaignStatus.open).order_by(Campaign.year.desc(), Campaign.id)
    ).scalars().all()
    out = []
    for c in rows:
        deadline = submission_deadline(c)
        if deadline is not None and deadline < now:
            continue
        tracks = allowed_tracks(c, org)
        if tracks:
            out.append((c, tracks))
    return out


def org_entries(org_ids: set[int], user_id: int | None = None) -> list[Entry]:
    """Entries of these organisations and those they co-apply to; a teacher's own entry only for that
    teacher (`user_id`)."""
    if not org_ids:
        return []
    co = select(EntryCoapplicant.entry_id).where(EntryCoapplicant.organization_id.in_(org_ids))
    return list(db.session.execute(
        select(Entry).where(or_(Entry.organization_id.in_(org_ids), Entry.id.in_(co)),
                            or_(Entry.applicant_kind != ApplicantKind.person, Entry.person_id == user_id))
        .options(joinedload(Entry.campaign), joinedload(Entry.track), joinedload(Entry.organization))
        .order_by(Entry.created_at.desc(), Entry.id.desc())
    ).scalars())


def create_entry(actor: User, org: Organization, campaign: Campaign, track: Track) -> Entry:
    if not policy.can(actor, "entry.create", org):
        raise PermissionDenied()
    campaign = lock(campaign)  # serialises entry numbering and the per-organisation limit
    deadline = submission_deadline(campaign)
    if campaign.status == CampaignStatus.open and deadline is not None and deadline < utcnow():
        raise ValidationFailed(f"Срок подачи заявок на конкурс «{campaign.name}» истёк.")
    person = actor if campaign.applicant_kind == ApplicantKind.person else None
    intake.check_intake(campaign, org, track, person)
    entry = Entry(campaign=campaign, track=track, organization=org, status=EntryStatus.draft,
                  code=intake.next_code(campaign), title="", applicant_kind=campaign.applicant_kind,
                  person_id=person.id if person else None,
                  created_by_id=actor.id, dossier={}, team=[], lead_name=person.full_name if person else "")
    db.session.add(entry)
    db.session.flush()
    audit.record("entry.create", actor=actor, obj=entry, to_state=entry.status.name,
                 payload={"campaign_id": campaign.id, "track": track.code, "code": entry.code})
    reminder_hooks.plan_submission(entry)
    return entry


# --- the draft ---------------------------------------------------------------------------------

def parse_form(campaign: Campaign, form) -> dict:
    """The editor's POST (werkzeug MultiDict) → clean values (dossier_content.parse_form)."""
    return dossier_content.parse_form(campaign.dossier_schema or [], form)


def save_draft(actor: User, entry: Entry, data: dict, expected_version: int | None = None) -> Entry:
    if not policy.can(actor, "entry.edit", entry):
        raise PermissionDenied("Эту заявку сейчас нельзя изменять.")
    entry = lock(entry)
    if expected_version is not None and entry.version != expected_version:
        raise ConcurrentChange()
    if entry.status not in EDITABLE:
        raise TransitionNotAllowed(f"Заявку в состоянии «{entry.status.value}» изменить нельзя.")
    # New objects for JSON columns: in-place mutation would not be noticed by the ORM.
    if entry.title != data["title"]:
        entry.title = data["title"]
    if entry.lead_name != data["lead_name"]:
        entry.lead_name = data["lead_name"]
    if (entry.team or []) != data["team"]:
        entry.team = list(data["team"])
    if (entry.dossier or {}) != data["dossier"]:
        entry.dossier = dict(data["dossier"])
    db.session.flush()
    return entry


def missing(entry: Entry) -> list[str]:
    """What still stops submission, in the order of the form."""
    out = []
    if not (entry.title or "").strip():
        out.append("Не указана тема проекта.")
    if not (entry.lead_name or "").strip():
        out.append("Не указан руководитель проекта.")
    if not entry.team:
        out.append("Не указан состав команды проекта.")
    dossier = entry.dossier or {}
    for sec in entry.campaign.dossier_schema or []:
        if sec.get("required", True) and not dossier_content.filled(sec, dossier.get(sec["key"])):
            out.append(f"Не заполнен раздел «{sec['title']}».")
    return out


def filled_sections(entry: Entry) -> set[str]:
    dossier = entry.dossier or {}
    return {s["key"] for s in entry.campaign.dossier_schema or [] if dossier_content.filled(s, dossier.get(s["key"]))}


# --- deadlines ---------------------------------------------------------------------------------

def base_deadline(entry: Entry) -> datetime | None:
    """Submission deadline; for a returned entry its correction due date (or the correction stage's)."""
    if entry.status == EntryStatus.returned:
        if entry.correction_due:
            return entry.correction_due
        s = stage_of(entry.campaign, StageKind.correction)
        if s and s.deadline:
            return s.deadline
    return submission_deadline(entry.campaign)


def effective_deadline(entry: Entry) -> datetime | None:
    base = base_deadline(entry)
    if entry.extension_until and (base is None or entry.extension_until > base):
        return entry.extension_until
    return base


def check_complete(entry: Entry, ctx) -> str | None:
    gaps = missing(entry)
    if gaps:
        return "Заявка заполнена не полностью: " + " ".join(gaps)
    return None


def check_deadline(entry: Entry, ctx) -> str | None:
    deadline = effective_deadline(entry)
    if deadline is not None and utcnow() > deadline:
        local = format_datetime(deadline)
        return (f"Срок подачи истёк {local} (МСК). Подать заявку можно только если сотрудники ИРО "
                f"продлят срок для этой заявки.")
    return None


# --- submission: the version is frozen by the lifecycle's effect ---------------------------------

def freeze_version(entry: Entry, ctx) -> None:
    v = dossier_versions.freeze(entry, ctx.actor)
    ctx.payload.update(version=v.number, sha256=v.sha256)


def submit(actor: User, entry: Entry, expected_version: int | None = None) -> Entry:
    trigger = "resubmit" if entry.status == EntryStatus.returned else "submit"
    return fire(entry_lifecycle, entry, trigger, actor=actor, expected_version=expected_version)


def withdraw(actor: User, entry: Entry, reason: str, expected_version: int | None = None) -> Entry:
    return fire(entry_lifecycle, entry, "withdraw", actor=actor, reason=reason, expected_version=expected_version)


# --- attachments ---------------------------------------------------------------------------------

def add_attachment(actor: User, entry: Entry, upload, title: str = "") -> EntryAttachment:
    """upload: a werkzeug FileStorage (or anything with .filename and .stream)."""
    if not policy.can(actor, "entry.edit", entry):
        raise PermissionDenied("Эту заявку сейчас нельзя изменять.")
    if len(entry.attachments) >= MAX_ATTACHMENTS:
        raise ValidationFailed(f"К заявке можно приложить не более {MAX_ATTACHMENTS} файлов.")
    stored = files.store_upload(upload, allowed=ATTACHMENT_KINDS, max_bytes=ATTACHMENT_MAX_BYTES, user=actor)
    if stored.content_type.startswith("image/") and stored.size > IMAGE_MAX_BYTES:
        # The request rolls back, and the upload service deletes the file it wrote.
        raise ValidationFailed(f"Изображение «{stored.original_name}» больше {IMAGE_MAX_BYTES // files.MB} МБ: "
                               f"уменьшите его или приложите PDF.")
    att = EntryAttachment(entry=entry, file=stored, title=(title or "").strip()[:300] or stored.original_name)
    db.session.add(att)
    db.session.flush()
    audit.record("entry.attachment_added", actor=actor, obj=entry,
                 payload={"file": stored.original_name, "sha256": stored.sha256, "size": stored.size})
    return att


def remove_attachment(actor: User, entry: Entry, attachment_id: int) -> None:
    if not policy.can(actor, "entry.edit", entry):
        raise PermissionDenied("Эту заявку сейчас нельзя изменять.")
    att = next((a for a in entry.attachments if a.id == attachment_id), None)
    if att is None:
        raise ValidationFailed("Такого приложения у заявки нет.")
    # The stored file stays: frozen versions may refer to it by id and hash.
    entry.attachments.remove(att)
    db.session.flush()
    audit.record("entry.attachment_removed", actor=actor, obj=entry,
                 payload={"file": att.file.original_name, "sha256": att.file.sha256})


def file_of_entry(entry: Entry, file_id: int):
    """A stored file readable through this entry: a current attachment, one a version froze, or a PDF."""
    from ...models.files import StoredFile

    if any(a.file_id == file_id for a in entry.attachments):
        return db.session.get(StoredFile, file_id)
    for v in dossier_versions.versions(entry):
        if v.pdf_file_id == file_id or any(a.get("file_id") == file_id for a in v.content.get("attachments", [])):
            return db.session.get(StoredFile, file_id)
    return None


# --- people to notify ----------------------------------------------------------------------------

def applicant_users(org_id: int) -> list[User]:
    return list(db.session.execute(
        select(User).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.applicant, RoleGrant.organization_id == org_id,
               User.status == UserStatus.active)
        .order_by(User.id)
    ).unique().scalars())


def entry_owners(entry: Entry) -> list[User]:
    """Who hears about the entry: the teacher of a person's entry, else the organisation's applicants."""
    if entry.applicant_kind == ApplicantKind.person:
        return [entry.person] if entry.person is not None and entry.person.status == UserStatus.active else []
    return applicant_users(entry.organization_id)


def notify_applicants(entry: Entry, key: str, subject: str, body: str) -> None:
    for user in entry_owners(entry):
        outbox.notify(f"entry:{entry.id}:{key}:{user.id}", user=user, subject=subject, body=body,
                      about=("entry", entry.id))


def deadline_text(entry: Entry) -> str:
    d = effective_deadline(entry)
    return format_datetime(d)


def days_left(entry: Entry) -> int | None:
    d = effective_deadline(entry)
    return (d - utcnow()) // timedelta(days=1) if d else None


def deadline_problem(entry: Entry) -> str | None:
    """Why submitting now would be refused for lateness, or None."""
    return check_deadline(entry, None)
