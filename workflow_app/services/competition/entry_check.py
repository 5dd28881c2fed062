"""Staff's technical check of entries: admit, return for corrections, reject, deadline extensions,
bulk actions (all or nothing), and the entry lists for staff and municipal coordinators."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import contains_eager, defer

from ... import audit, policy
from ...errors import ConcurrentChange, DomainError, PermissionDenied, ValidationFailed
from ...extensions import db
from ...listing import ListArgs, like_pattern
from ...machines.base import fire, lock
from ...machines.entry import entry_lifecycle
from ...models import AuditEvent, Municipality, Organization, User
from ...models.base import utcnow
from ...models.competition import Entry, EntryStatus, Track
from ...timeutil import end_of_day
from ..reminders import hooks as reminder_hooks
from . import dossier, search


def _due_after_today(due: date | None, what: str) -> None:
    if due is None:
        raise ValidationFailed(f"Укажите {what}.")
    if end_of_day(due) <= utcnow():
        raise ValidationFailed(f"{what[0].upper() + what[1:]} должен быть в будущем.")


# --- lifecycle effects (declared in machines/entry.py): remarks and notices -----------------------

def on_returned(entry: Entry, ctx) -> None:
    due = ctx.payload.get("correction_due")
    entry.correction_due = end_of_day(date.fromisoformat(due)) if due else None
    entry.staff_remark = ctx.reason
    dossier.notify_applicants(
        entry, f"returned:{entry.version}",
        subject=f"Заявка {entry.code} возвращена на доработку",
        body=(f"Заявка «{entry.title or entry.code}» на конкурс «{entry.campaign.name}» возвращена на доработку.\n"
              f"Замечания: {ctx.reason}\n"
              f"Исправленную заявку нужно подать до {dossier.deadline_text(entry)} (МСК)."),
    )


def on_rejected(entry: Entry, ctx) -> None:
    entry.staff_remark = ctx.reason
    dossier.notify_applicants(
        entry, f"rejected:{entry.version}",
        subject=f"Заявка {entry.code} отклонена",
        body=(f"Заявка «{entry.title or entry.code}» на конкурс «{entry.campaign.name}» отклонена "
              f"по итогам технической экспертизы.\nПричина: {ctx.reason}"),
    )


def on_admitted(entry: Entry, ctx) -> None:
    dossier.notify_applicants(
        entry, f"admitted:{entry.version}",
        subject=f"Заявка {entry.code} допущена к экспертизе",
        body=f"Заявка «{entry.title or entry.code}» на конкурс «{entry.campaign.name}» допущена к экспертизе.",
    )


# --- single actions ------------------------------------------------------------------------------

def admit(actor: User, entry: Entry, expected_version: int | None = None) -> Entry:
    return fire(entry_lifecycle, entry, "admit", actor=actor, expected_version=expected_version)


def return_for_correction(actor: User, entry: Entry, reason: str, due: date | None,
                          expected_version: int | None = None) -> Entry:
    _due_after_today(due, "срок доработки")
    return fire(entry_lifecycle, entry, "return_for_correction", actor=actor, reason=reason,
                payload={"correction_due": due.isoformat()}, expected_version=expected_version)


def reject(actor: User, entry: Entry, reason: str, expected_version: int | None = None) -> Entry:
    return fire(entry_lifecycle, entry, "reject", actor=actor, reason=reason, expected_version=expected_version)


def grant_extension(actor: User, entry: Entry, until: date | None, reason: str,
                    expected_version: int | None = None) -> Entry:
    """Let this one entry be (re)submitted after the deadline, until the given day."""
    if not policy.can(actor, "entry.extend", entry):
        raise PermissionDenied()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Укажите причину продления срока.")
    _due_after_today(until, "новый срок")
    entry = lock(entry)
    if expected_version is not None and entry.version != expected_version:
        raise ConcurrentChange()
    if entry.status not in dossier.EDITABLE:
        raise ValidationFailed(f"Продлить срок можно только для черновика или заявки на доработке; "
                               f"сейчас — «{entry.status.value}».")
    before = entry.extension_until
    entry.extension_until = end_of_day(until)
    audit.record("entry.extension", actor=actor, obj=entry, reason=reason,
                 payload={"until": until.isoformat(), "before": before.isoformat() if before else None})
    dossier.notify_applicants(
        entry, f"extension:{entry.version}",
        subject=f"Срок подачи заявки {entry.code} продлён",
        body=f"Срок подачи заявки «{entry.title or entry.code}» продлён до {until:%d.%m.%Y} включительно.",
    )
    reminder_hooks.plan_entry_deadline(entry)  # only this entry's reminders move
    db.session.flush()
    return entry


# --- bulk ---------------------------------------------------------------------------------------

BULK_ACTIONS = {"admit": "Допустить к экспертизе", "return": "Вернуть на доработку"}


@dataclass
class BulkResult:
    count: int
    codes: list[str]


def bulk_entries(campaign_id: int, ids: list[int]) -> list[Entry]:
    if not ids:
        return []
    return list(db.session.execute(
        select(Entry).where(Entry.campaign_id == campaign_id, Entry.id.in_(ids)).order_by(Entry.code)
    ).scalars())


def bulk_apply(actor: User, campaign_id: int, versions: dict[int, int], action: str, *, reason: str = "",
               due: date | None = None) -> BulkResult:
    """Apply one action to every listed entry in the caller's transaction, or raise and change nothing.

    versions: entry id → the version the staff member saw on the confirmation page.
    """
    if action not in BULK_ACTIONS:
        raise ValidationFailed("Неизвестное массовое действие.")
    entries = bulk_entries(campaign_id, list(versions))
    if not entries or len(entries) != len(versions):
        raise ValidationFailed("Выберите заявки этого конкурса.")
    if action == "return":
        if not (reason or "").strip():
            raise ValidationFailed("Укажите причину возврата на доработку.")
        _due_after_today(due, "срок доработки")
    codes = []
    for e in entries:
        try:
            if action == "admit":
                admit(actor, e, expected_version=versions[e.id])
            else:
                return_for_correction(actor, e, reason, due, expected_version=versions[e.id])
        except DomainError as exc:
            # One failure fails the batch: the caller rolls everything back.
            raise type(exc)(f"Заявка {e.code}: {exc.message} Ни одна заявка не изменена.") from exc
        codes.append(e.code)
    return BulkResult(len(codes), codes)


# --- lists --------------------------------------------------------------------------------------

SORTABLE = {
    "code": Entry.code,
    "title": Entry.title,
    "org": Organization.short_name,
    "municipality": Municipality.name,
    "track": Track.position,
    "status": Entry.status,
    "submitted": Entry.submitted_at,
    "updated": Entry.updated_at,
}
FILTERS = ("track", "municipality", "status", "overdue")


def overdue_clause():
    return and_(Entry.status == EntryStatus.returned, Entry.correction_due.is_not(None),
                Entry.correction_due < utcnow())


def entry_query(campaign_id: int | None, args: ListArgs, municipality_ids: set[int] | None = None) -> Select:
    """Entries with their organisation, municipality and track in one query (no N+1 on the page). The
    dossier and team are not loaded: no list shows them, and a real dossier runs to 10–120 KB."""
    stmt = (
        select(Entry)
        .join(Entry.organization).join(Organization.municipality).join(Entry.track)
        .options(contains_eager(Entry.organization).contains_eager(Organization.municipality),
                 contains_eager(Entry.track), defer(Entry.dossier), defer(Entry.team))
    )
    if campaign_id is not None:
        stmt = stmt.where(Entry.campaign_id == campaign_id)
    if municipality_ids is not None:
        stmt = stmt.where(Organization.municipality_id.in_(municipality_ids or {-1}))
    f = args.filters
    if args.int_filter("track") is not None:
        stmt = stmt.where(Entry.track_id == args.int_filter("track"))
    if args.int_filter("municipality") is not None:
        stmt = stmt.where(Organization.municipality_id == args.int_filter("municipality"))
    if f.get("status") in EntryStatus.__members__:
        stmt = stmt.where(Entry.status == EntryStatus[f["status"]])
    if f.get("overdue"):
        stmt = stmt.where(overdue_clause())
    if args.q:
        pat = like_pattern(args.q)
        stmt = stmt.where(or_(*(col.ilike(pat, escape="\\") for col in (
            Entry.code, Entry.title, Organization.short_name, Organization.full_name)), search.matches(args.q)))
    return stmt


def export_rows(stmt: Select):
    now = utcnow()
    for e in db.session.execute(stmt).unique().scalars():
        yield [e.code, e.title, e.organization.short_name, e.organization.municipality.name, e.track.name,
               e.status.value, e.submitted_at, e.correction_due,
               "да" if e.status == EntryStatus.returned and e.correction_due and e.correction_due < now else "",
               e.current_version, e.staff_remark]


EXPORT_HEADERS = ["Номер", "Тема проекта", "Организация", "Муниципальное образование", "Направление",
                  "Состояние", "Подана", "Срок доработки", "Просрочена", "Версия", "Замечания"]


def last_extension_reason(entry: Entry) -> str:
    row = db.session.execute(
        select(AuditEvent.reason).where(AuditEvent.object_type == "entry", AuditEvent.object_id == entry.id,
                                        AuditEvent.event == "entry.extension")
        .order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    return row or ""
