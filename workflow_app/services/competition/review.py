"""The expert's side: dashboard rows, the dossier reader (blind when the campaign says so), the score
sheet (draft, submit with the weighted total, staff reopen) and the divergence rule.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import nh3
from markupsafe import escape
from sqlalchemy import func, or_, select

from ...actors import SystemActor
from ...errors import DomainError, TransitionNotAllowed, ValidationFailed
from ...extensions import db
from ...machines.base import fire, lock
from ...machines.entry import entry_lifecycle
from ...machines.review import assignment_lifecycle
from ...models.base import utcnow
from ...models.competition import (
    AssignmentStatus,
    Campaign,
    Criterion,
    Entry,
    EntryStatus,
    EntryVersion,
    ReviewAssignment,
    Score,
    Stage,
    Track,
)
from ... import policy
from . import assignment as assignment_service
from ... import audit
from ..platform import outbox

READABLE = (AssignmentStatus.offered, AssignmentStatus.accepted, AssignmentStatus.submitted,
            AssignmentStatus.reopened)
HIDDEN = "[скрыто]"
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


# --- the expert's dashboard ---------------------------------------------------------------------

def dashboard_query(user, q: str = "", status: str = ""):
    """One row per live assignment of the expert, with progress computed in SQL (no per-row queries)."""
    RA = ReviewAssignment
    criteria_count = (
        select(func.count(Criterion.id))
        .where(Criterion.stage_id == RA.stage_id,
               or_(Criterion.track_id.is_(None), Criterion.track_id == Entry.track_id))
        .correlate(RA, Entry).scalar_subquery()
    )
    scored_count = (
        select(func.count(Score.id))
        .where(Score.assignment_id == RA.id, Score.points.is_not(None))
        .correlate(RA).scalar_subquery()
    )
    stmt = (
        select(RA.id, RA.status, RA.due_at, RA.is_extra, RA.total, Entry.code, Entry.title,
               Campaign.name.label("campaign"), Campaign.blind_review, Track.code.label("track_code"),
               Track.name.label("track"), Stage.kind.label("stage_kind"),
               scored_count.label("scored"), criteria_count.label("criteria"))
        .join(Entry, Entry.id == RA.entry_id)
        .join(Campaign, Campaign.id == Entry.campaign_id)
        .join(Track, Track.id == Entry.track_id)
        .join(Stage, Stage.id == RA.stage_id)
        .where(RA.expert_id == user.id, RA.status.in_(READABLE))
    )
    if q:
        from ...listing import like_pattern

        pat = like_pattern(q)
        stmt = stmt.where(or_(Entry.code.ilike(pat, escape="\\"), Entry.title.ilike(pat, escape="\\")))
    if status:
        try:
            stmt = stmt.where(RA.status == AssignmentStatus[status])
        except KeyError:
            pass
    return stmt


def expert_counts(user) -> dict[str, int]:
    rows = db.session.execute(
        select(ReviewAssignment.status, func.count(ReviewAssignment.id))
        .where(ReviewAssignment.expert_id == user.id, ReviewAssignment.status.in_(READABLE))
        .group_by(ReviewAssignment.status)).all()
    return {s.name: n for s, n in rows}


# --- the dossier reader -------------------------------------------------------------------------

_PLACE_PREFIXES = re.compile(r"^(город-курорт|город|муниципальное образование|г\.)\s+", re.IGNORECASE)
_PLACE_SUFFIXES = re.compile(r"\s+(район|муниципальный округ|городской округ)$", re.IGNORECASE)
_REGION = r"(?!ск(?:ий|ого|ому|ом|им|ая|ой|ую|ое) кра)"  # keep «Краснодарского края» readable


def _place_stem(name: str) -> str:
    core = _PLACE_SUFFIXES.sub("", _PLACE_PREFIXES.sub("", name.strip())).strip()
    # «Абинский район» → «Абинск», «Сочи» → «Сочи»: catch the declined forms too.
    for end in ("ский", "цкий", "ской"):
        if core.endswith(end):
            return core[: -len(end) + 2]
    return core


def make_redactor(strings: list[str], stems: list[str]):
    """A function hiding the given names (and their declined forms for stems) in text and HTML."""
    variants: set[str] = set()
    for s in strings:
        s = (s or "").strip()
        if len(s) >= 3:
            variants.add(s)
            variants.add(str(escape(s)))
    pats = [re.escape(s) for s in sorted(variants, key=len, reverse=True)]
    pats += [r"(?<![а-яёА-ЯЁ])" + re.escape(st) + _REGION + r"[а-яё]{0,4}"
             for st in sorted({s for s in stems if s and len(s) >= 4}, key=len, reverse=True)]
    if not pats:
        return lambda text: text
    rx = re.compile("|".join(pats), re.IGNORECASE)
    return lambda text: rx.sub(HIDDEN, text or "")


ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "b", "strong", "i", "em", "a"}


def _clean_html(html: str) -> str:
    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes={"a": {"href"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")


def _cell(v) -> str:
    return "" if v is None else str(v)


def _rows(raw, columns: list[str]) -> list[list[str]]:
    out = []
    for r in raw or []:
        if isinstance(r, dict):
            out.append([_cell(r.get(c, r.get(str(i)))) for i, c in enumerate(columns)])
        elif isinstance(r, (list, tuple)):
            out.append([_cell(v) for v in r])
    return out


@dataclass
class Reader:
    blind: bool
    code: str
    title: str
    track: str
    campaign: str
    organization: str = ""
    municipality: str = ""
    lead_name: str = ""
    team: list[dict] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)  # {"title", "kind", "html" | "columns"+"rows"}
    attachments: list[dict] = field(default_factory=list)  # {"n", "label"}
    has_pdf: bool = False


def attachment_label(n: int, original: str, blind: bool, title: str = "") -> str:
    ext = original.rsplit(".", 1)[-1].lower() if "." in original else ""
    if blind:
        return f"Приложение {n}" + (f".{ext}" if ext else "")
    return title or original


def latest_version(entry: Entry) -> EntryVersion | None:
    return db.session.execute(
        select(EntryVersion).where(EntryVersion.entry_id == entry.id)
        .order_by(EntryVersion.number.desc()).limit(1)).scalar_one_or_none()


def build_reader(a: ReviewAssignment) -> Reader:
    """What the expert reads: the latest frozen version if there is one, else the current dossier.

    Blind campaigns hide the organisation, the municipality and people's names everywhere (also
    inside the applicant's text), name attachments generically and do not offer the dossier PDF.
    """
    entry = a.entry
    campaign = entry.campaign
    blind = bool(campaign.blind_review)
    version = latest_version(entry)
    snapshot = version.content if version is not None and isinstance(version.content, dict) else {}
    org = entry.organization
    team = snapshot.get("team") if isinstance(snapshot.get("team"), list) else (entry.team or [])
    lead = snapshot.get("lead_name") or entry.lead_name or ""
    if blind:
        names = [org.full_name, org.short_name, org.municipality.name, lead,
                 *[m.get("name", "") for m in team if isinstance(m, dict)]]
        stems = [_place_stem(org.municipality.name)]
        for person in [lead, *[m.get("name", "") for m in team if isinstance(m, dict)]]:
            parts = (person or "").split()
            if parts and len(parts[0]) >= 5:
                stems.append(parts[0])  # surname in other cases: «Иванова», «Ивановым»
        redact = make_redactor(names, stems)
    else:
        def redact(text):
            return text or ""
    sections = []
    if isinstance(snapshot.get("sections"), list):
        for sec in snapshot["sections"]:
            sections.append({"title": sec.get("title", ""), "kind": sec.get("kind", "text"),
                             "columns": sec.get("columns") or [], "html": sec.get("html", ""),
                             "rows": _rows(sec.get("rows"), sec.get("columns") or [])})
    else:
        dossier = entry.dossier or {}
        for sec in campaign.dossier_schema or []:
            value = dossier.get(sec.get("key"))
            if sec.get("kind") == "table":
                sections.append({"title": sec.get("title", ""), "kind": "table",
                                 "columns": sec.get("columns") or [],
                                 "rows": _rows(value, sec.get("columns") or [])})
            else:
                sections.append({"title": sec.get("title", ""), "kind": "text",
                                 "html": value if isinstance(value, str) else ""})
    for sec in sections:
        if sec["kind"] == "table":
            sec["rows"] = [[redact(c) for c in row] for row in sec["rows"]]
        else:
            sec["html"] = redact(_clean_html(sec.get("html", "")))
    attachments = [
        {"n": n, "label": attachment_label(n, att.file.original_name, blind, redact(att.title))}
        for n, att in enumerate(entry.attachments, start=1)
    ]
    r = Reader(blind=blind, code=entry.code, title=redact(entry.title), track=entry.track.name,
               campaign=campaign.name, sections=sections, attachments=attachments,
               has_pdf=bool(version is not None and version.pdf_file_id and not blind))
    if not blind:
        r.organization, r.municipality, r.lead_name = org.full_name, org.municipality.name, lead
        r.team = [m for m in team if isinstance(m, dict)]
    return r


def attachment_for_download(a: ReviewAssignment, n: int):
    """(StoredFile, download name): the original name only when the campaign is not blind."""
    atts = a.entry.attachments
    if not 1 <= n <= len(atts):
        return None, ""
    f = atts[n - 1].file
    return f, attachment_label(n, f.original_name, bool(a.entry.campaign.blind_review), f.original_name)


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


def parse_points(raw: str, maximum: Decimal) -> tuple[Decimal | None, str]:
    """Russian users type «7,5»: accept a comma; 0..max, at most two decimal places."""
    text = (raw or "").strip().replace(",", ".").replace(" ", "")
    if not text:
        return None, ""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, "Введите число, например 7 или 7,5."
    if not value.is_finite():
        return None, "Введите число, например 7 или 7,5."
    if value != value.quantize(TWO_PLACES):
        return None, "Допускается не более двух знаков после запятой."
    if value < 0 or value > maximum:
        return None, f"Балл должен быть от 0 до {fmt_points(maximum)}."
    return value.quantize(TWO_PLACES), ""


def fmt_points(v: Decimal | None) -> str:
    if v is None:
        return ""
    v = Decimal(v)
    s = f"{v.quantize(TWO_PLACES):f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s.replace(".", ",")


def sheet_rows(a: ReviewAssignment) -> list[SheetRow]:
    criteria = criteria_for(a.stage_id, a.entry.track_id)
    scores = {s.criterion_id: s for s in db.session.execute(
        select(Score).where(Score.assignment_id == a.id)).scalars()}
    rows = []
    for c in criteria:
        s = scores.get(c.id)
        rows.append(SheetRow(c, fmt_points(s.points) if s else "", s.comment if s else ""))
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
        from ...errors import ConcurrentChange

        raise ConcurrentChange("Лист оценки был изменён в другом окне. Обновите страницу.")
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
    existing = {s.criterion_id: s for s in db.session.execute(
        select(Score).where(Score.assignment_id == a.id)).scalars()}
    for c in criteria:
        s = existing.get(c.id)
        if s is None:
            s = Score(assignment_id=a.id, criterion_id=c.id)
            db.session.add(s)
        s.points = parsed[c.id]
        s.comment = comments[c.id]
    a.comment = (overall_comment or "").strip()[:10000]
    a.updated_at = utcnow()  # bumps the version: a second window cannot overwrite silently
    points_payload = {str(cid): (str(v) if v is not None else None) for cid, v in parsed.items()}
    if not submit:
        db.session.flush()
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
                  body=f"Сотрудник ИРО вернул ваш лист оценки. Причина: {reason.strip()}")
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
