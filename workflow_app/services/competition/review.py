"""The expert's score sheet (draft, submit with the weighted total, staff reopen) and the divergence rule.
The dashboard rows and the dossier reader are in review_reader.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ... import audit, formatting, policy
from ...actors import SystemActor
from ...errors import ConcurrentChange, DomainError, TransitionNotAllowed, ValidationFailed
from ...extensions import db
from ...machines.base import fire, lock
from ...machines.entry import entry_lifecycle
from ...machines.review import assignment_lifecycle
from ...models.base import utcnow
from ...models.competition import (
    AssignmentStatus,
    Criterion,
    Entry,
    EntryStatus,
    ReviewAssignment,
    Score,
    Stage,
)
from ..platform import outbox
from . import assignment as assignment_service
from .review_reader import READABLE

TWO_PLACES = Decimal("0.01")


# --- criteria and totals ------------------------------------------------------------------------

def criteria_for(stage_id: int, track_id: int) -> list[Criterion]:
    """The stage's criteria for a track: those of the track plus those for every track (track NULL)."""
    return list(db.session.execute(
        select(Criterion).where(Criterion.stage_id == stage_id,
                                or_(Criterion.track_id.is_(None), Criterion.track_id == track_id))
        .order_by(Criterion.position, Criterion.id)).scalars())


def max_total(criteria: list[Criterion]) -> Decimal:
    return sum((c.max_points * c.weight for c in criteria), Decimal("0"))


def weighted_total(criteria: list[Criterion], points: dict[int, Decimal]) -> Decimal:
    return sum((points[c.id] * c.weight for c in criteria), Decimal("0"))


# --- the score sheet ----------------------------------------------------------------------------

class SheetInvalid(ValidationFailed):
    """Row errors of a score sheet: {criterion id: Russian message}."""

    def __init__(self, errors: dict[int, str], general: str = ""):
        self.errors = errors
        self.general = general
        n = len(errors)
        super().__init__(general or f"Проверьте лист оценки: ошибок в строках — {n}.")


@dataclass
class SheetRow:
    criterion: Criterion
    points: str = ""
    comment: str = ""
    error: str = ""


# A plain decimal as people type it: digits, one comma or point, digits. Only ASCII digits: Python's
# Decimal() would also take «1e30», «1_0», «inf», «７» or «٥», none of which is a score.
_POINTS = re.compile(r"(-?)([0-9]*)(?:[.,]([0-9]*))?", re.ASCII)
NOT_A_NUMBER = "Введите число цифрами 0–9, с запятой или точкой, например 7 или 7,5."
# Digits before the point a score can have (the points column is Numeric(8, 2)).
INT_DIGITS = 6


def parse_points(raw: str, maximum: Decimal) -> tuple[Decimal | None, str]:
    """Russian users type «7,5»: accept a comma or a point; 0..max, at most two decimal places.

    Returns (value, "") or (None, Russian message); an empty field is (None, "").
    """
    text = (raw or "").strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None, ""
    m = _POINTS.fullmatch(text)
    if m is None or not (m.group(2) or m.group(3)):
        return None, NOT_A_NUMBER
    sign, whole, frac = m.group(1), m.group(2).lstrip("0"), (m.group(3) or "").rstrip("0")
    if len(frac) > 2:
        return None, "Допускается не более двух знаков после запятой."
    out_of_range = f"Балл должен быть от 0 до {formatting.points(maximum)}."
    if len(whole) > INT_DIGITS:
        return None, out_of_range
    value = Decimal(f"{sign}{whole or '0'}.{frac or '0'}")
    if value < 0 or value > maximum:
        return None, out_of_range
    return value.quantize(TWO_PLACES), ""


def sheet_rows(a: ReviewAssignment) -> list[SheetRow]:
    criteria = criteria_for(a.stage_id, a.entry.track_id)
    scores = {s.criterion_id: s for s in db.session.execute(
        select(Score).where(Score.assignment_id == a.id)).scalars()}
    rows = []
    for c in criteria:
        s = scores.get(c.id)
        rows.append(SheetRow(c, formatting.points(s.points) if s else "", s.comment if s else ""))
    return rows


def _editable(a: ReviewAssignment, actor) -> None:
    if a.status == AssignmentStatus.submitted:
        raise TransitionNotAllowed("Оценка уже отправлена; изменить её можно, только если сотрудник ИРО "
                                   "вернёт лист на пересмотр.")
    if a.status == AssignmentStatus.offered:
        raise TransitionNotAllowed("Сначала примите назначение, затем заполняйте лист оценки.")
    if not policy.can(actor, "score.edit", a):
        raise TransitionNotAllowed("Этот лист оценки недоступен для изменения.")


def save_sheet(a: ReviewAssignment, actor, values: dict[int, tuple[str, str]], overall_comment: str,
               *, submit: bool, expected_version: int | None = None) -> ReviewAssignment:
    """Save the sheet as a draft, or validate every row and submit it with its weighted total.

    A draft keeps whatever valid points were typed (empty rows allowed); a submission needs every row
    within range and, when the campaign says so, a comment on every row. Any error changes nothing.
    """
    _editable(a, actor)
    if expected_version is not None and a.version != expected_version:
        raise ConcurrentChange(SHEET_CHANGED)
    campaign = a.entry.campaign
    criteria = criteria_for(a.stage_id, a.entry.track_id)
    if not criteria:
        raise DomainError("Для этого этапа и трека не заданы критерии; обратитесь к сотрудникам ИРО.")
    errors: dict[int, str] = {}
    parsed: dict[int, Decimal | None] = {}
    comments: dict[int, str] = {}
    for c in criteria:
        raw, comment = values.get(c.id, ("", ""))
        comment = (comment or "").strip()[:5000]
        value, err = parse_points(raw, c.max_points)
        if not err and submit and value is None:
            err = "Укажите балл."
        if not err and submit and campaign.comment_required and not comment:
            err = "Комментарий к критерию обязателен."
        if err:
            errors[c.id] = err
        parsed[c.id] = value
        comments[c.id] = comment
    if errors:
        raise SheetInvalid(errors)
    a.comment = (overall_comment or "").strip()[:10000]
    a.updated_at = utcnow()  # bumps the version: a second window cannot overwrite silently
    # The header first: its UPDATE takes the row lock, so two saves of one sheet at once are decided one
    # after the other and the later one, finding the version moved on, is told so (409) and keeps nothing.
    _flush_sheet()
    _upsert_scores(a, {c.id: (parsed[c.id], comments[c.id]) for c in criteria})
    points_payload = {str(cid): (str(v) if v is not None else None) for cid, v in parsed.items()}
    if not submit:
        _flush_sheet()
        audit.record("score.save_draft", actor=actor, obj=a, payload={"points": points_payload})
        return a
    total = weighted_total(criteria, {cid: v for cid, v in parsed.items()})
    a.total = total
    a.submitted_at = utcnow()
    fire(assignment_lifecycle, a, "submit", actor=actor,
         payload={"total": str(total), "points": points_payload})
    if not a.stage.in_person:  # the in-person panel completes through services.results instead
        review_progress(a.entry, a.stage, actor)
    return a


SHEET_CHANGED = "Лист оценки был изменён в другом окне. Обновите страницу."


def _flush_sheet() -> None:
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError) as exc:
        raise ConcurrentChange(SHEET_CHANGED) from exc


def _upsert_scores(a: ReviewAssignment, rows: dict[int, tuple[Decimal | None, str]]) -> None:
    """One statement writing every row of the sheet: INSERT … ON CONFLICT (assignment, criterion) DO UPDATE,
    so a row another transaction inserted meanwhile is updated, never a unique violation."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    stmt = dialect_insert(Score).values([
        {"assignment_id": a.id, "criterion_id": cid, "points": points, "comment": comment}
        for cid, (points, comment) in rows.items()])
    stmt = stmt.on_conflict_do_update(
        index_elements=[Score.assignment_id, Score.criterion_id],
        set_={"points": stmt.excluded.points, "comment": stmt.excluded.comment})
    try:
        db.session.execute(stmt)
    except IntegrityError as exc:
        raise ConcurrentChange(SHEET_CHANGED) from exc
    # Score rows this session already holds would show the old points: read them again when used.
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Score) and obj.assignment_id == a.id:
            db.session.expire(obj)


def reopen_sheet(a: ReviewAssignment, actor, reason: str) -> None:
    """Staff return a submitted sheet to its expert; the entry goes back under review if it was scored."""
    fire(assignment_lifecycle, a, "reopen", actor=actor, reason=reason,
         payload={"previous_total": str(a.total) if a.total is not None else None})
    a.total = None
    a.submitted_at = None
    entry = a.entry
    if entry.status == EntryStatus.scored:
        fire(entry_lifecycle, entry, "reopen_review",
             actor=SystemActor("возврат листа оценки эксперту на пересмотр"),
             reason=reason, payload={"assignment_id": a.id})
    outbox.notify(f"reopen:{a.id}:{a.version}", user=a.expert,
                  subject=f"Лист оценки заявки {entry.code} возвращён на пересмотр",
                  body=f"Сотрудник ИРО вернул ваш лист оценки. Причина: {reason.strip()}",
                  about=("review_assignment", a.id))
    db.session.flush()


# --- divergence and completion ------------------------------------------------------------------

def review_progress(entry: Entry, stage: Stage, actor) -> str:
    """After a sheet is submitted (or an assignment revoked): decide what the entry needs next.

    - some live sheet is not submitted yet, or the panel is short of experts → "waiting";
    - all submitted and the spread of totals exceeds `divergence_pct` % of the maximum weighted total,
      with no extra expert yet → the entry is flagged divergent (audited) and ONE extra expert is
      offered → "extra";
    - otherwise (also once the extra expert has submitted) → complete_review → "complete".
    Idempotent: the entry row is locked, so two experts submitting at once are decided one after the other,
    and a second call neither flags twice, nor adds a second extra expert, nor completes twice.
    """
    entry = lock(entry)
    campaign = entry.campaign
    live = list(db.session.execute(
        select(ReviewAssignment).where(ReviewAssignment.entry_id == entry.id,
                                       ReviewAssignment.stage_id == stage.id,
                                       ReviewAssignment.status.in_(READABLE))
        .order_by(ReviewAssignment.id)).scalars())
    regular = [a for a in live if not a.is_extra]
    extra = [a for a in live if a.is_extra]
    if not live or any(a.status != AssignmentStatus.submitted for a in live):
        return "waiting"
    if len(regular) < campaign.experts_per_entry:
        return "waiting"
    totals = [a.total for a in live if a.total is not None]
    maximum = max_total(criteria_for(stage.id, entry.track_id))
    spread = (max(totals) - min(totals)) if totals else Decimal("0")
    limit = maximum * Decimal(campaign.divergence_pct) / Decimal(100)
    info = {"spread": str(spread), "limit": str(limit), "max_total": str(maximum),
            "totals": [str(t) for t in totals]}
    if spread > limit and not extra:
        if not entry.divergent:
            entry.divergent = True
            audit.record("entry.divergent", actor=actor, obj=entry, payload=info | {"stage_id": stage.id})
        new = assignment_service.offer_best(entry, stage, actor, is_extra=True, mode="extra",
                                            extra_explanation={"divergence": info})
        if new is None:
            assignment_service.notify_staff(
                f"extra-none:{entry.id}:{stage.id}", f"Расхождение оценок по заявке {entry.code}",
                f"Разброс итогов {info['spread']} превышает {info['limit']}; подходящего дополнительного "
                "эксперта нет — назначьте его вручную.")
        else:
            assignment_service.notify_staff(
                f"extra:{entry.id}:{stage.id}", f"Расхождение оценок по заявке {entry.code}",
                f"Разброс итогов {info['spread']} превышает {info['limit']}; предложен дополнительный "
                f"эксперт: {new.expert.full_name}.")
        db.session.flush()
        return "extra"
    if entry.status == EntryStatus.under_review:
        # A consequence of the expert's authorised submission, not a staff button: the system fires it.
        fire(entry_lifecycle, entry, "complete_review", actor=SystemActor("отправка экспертом листа оценки"),
             payload=info)
    return "complete"
