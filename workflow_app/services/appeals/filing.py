"""The applicant files an appeal against the published results of an entry, or withdraws it."""
from __future__ import annotations

from sqlalchemy import select

from ... import audit
from ...errors import TransitionNotAllowed, ValidationFailed
from ...extensions import db
from ...machines.appeal import appeal_lifecycle
from ...machines.base import fire, lock
from ...models.appeal import DECIDED, Appeal, AppealAttachment, AppealStatus
from ...models.base import utcnow
from ...models.competition import Entry
from ...policy import require
from ...timeutil import format_date, format_datetime
from ..platform import files
from . import terms
from .decisions import ask_staff, decision_deadline_changed, notify_applicants

GROUNDS_MAX = 20000
MAX_FILES = 5
FILE_KINDS = files.DOCUMENTS | files.IMAGES
FILE_MAX_BYTES = 10 * files.MB


def live_appeal(entry: Entry, stage_id: int) -> Appeal | None:
    """The entry's appeal on this stage that is not withdrawn, if any."""
    return db.session.execute(
        select(Appeal).where(Appeal.entry_id == entry.id, Appeal.stage_id == stage_id,
                             Appeal.status != AppealStatus.withdrawn)).scalar_one_or_none()


def why_not(entry: Entry, now=None) -> str | None:
    """Why an appeal cannot be filed on this entry now (None: it can). Shown before the form, too."""
    campaign = entry.campaign
    closes = terms.window_closes_at(campaign)
    if closes is None or entry.decision is None:
        return "Апелляцию можно подать после публикации результатов конкурса."
    stage = terms.appealed_stage(campaign)
    if stage is None:
        return "В конкурсе нет этапов: обжаловать нечего."
    existing = live_appeal(entry, stage.id)
    if existing is not None and existing.status in DECIDED:
        return (f"По заявке {entry.code} апелляция № {existing.id} уже рассмотрена (решение — "
                f"«{existing.status.value}»): повторная апелляция на этот этап не подаётся.")
    if existing is not None:
        return (f"По заявке {entry.code} уже подана апелляция № {existing.id} от "
                f"{format_date(existing.submitted_at)} (состояние — «{existing.status.value}»). "
                "Новую можно подать, только если отозвать прежнюю.")
    if (now or utcnow()) > closes:
        days = terms.settings_of(campaign).window_days
        return (f"Срок подачи апелляции истёк {format_datetime(closes)} (мск): апелляция принимается в течение "
                f"{days} рабочих дн. после публикации результатов "
                f"{format_date(terms.published_at(campaign))}.")
    return None


def submit_appeal(actor, entry: Entry, *, grounds: str, uploads: list | None = None) -> Appeal:
    """File an appeal: grounds (required) and up to MAX_FILES attachments checked by their content.

    Refused, with nothing stored, when results are not published, the window has closed (the message
    names the deadline) or the entry already has a live appeal on the stage.
    """
    require(actor, "appeal.create", entry)
    entry = lock(entry)  # two clicks at once: the second waits and then sees the first appeal
    why = why_not(entry)
    if why:
        raise TransitionNotAllowed(why)
    grounds = (grounds or "").strip()
    if not grounds:
        raise ValidationFailed("Изложите основания апелляции: с чем в результатах вы не согласны и почему.")
    if len(grounds) > GROUNDS_MAX:
        raise ValidationFailed(f"Основания апелляции — не более {GROUNDS_MAX} символов.")
    uploads = [u for u in (uploads or []) if u is not None and getattr(u, "filename", None)]
    if len(uploads) > MAX_FILES:
        raise ValidationFailed(f"К апелляции можно приложить не более {MAX_FILES} файлов.")
    now = utcnow()
    stage = terms.appealed_stage(entry.campaign)
    assert stage is not None  # why_not refused a campaign without stages
    appeal = Appeal(campaign_id=entry.campaign_id, entry_id=entry.id, stage_id=stage.id, grounds=grounds,
                    submitted_by_id=actor.id, submitted_at=now,
                    decision_due_at=terms.decision_due(entry.campaign, now))
    db.session.add(appeal)
    for upload in uploads:
        stored = files.store_upload(upload, allowed=FILE_KINDS, max_bytes=FILE_MAX_BYTES, user=actor)
        appeal.attachments.append(AppealAttachment(file_id=stored.id))
    db.session.flush()
    audit.record("appeal.submitted", actor=actor, obj=appeal, to_state=appeal.status.name,
                 payload={"entry_id": entry.id, "stage_id": stage.id, "files": len(uploads),
                          "decision_due_at": appeal.decision_due_at.isoformat()})
    decision_deadline_changed(appeal)
    ask_staff(appeal)
    notify_applicants(appeal, "submitted", f"Апелляция по заявке {entry.code} принята",
                      f"Апелляция № {appeal.id} по заявке {entry.code} «{entry.title}» зарегистрирована. "
                      f"Решение по ней будет принято не позднее {format_datetime(appeal.decision_due_at)} (мск).")
    return appeal


def withdraw(actor, appeal: Appeal, *, reason: str = "", expected_version: int | None = None) -> Appeal:
    return fire(appeal_lifecycle, appeal, "withdraw", actor=actor, reason=reason,
                expected_version=expected_version)
