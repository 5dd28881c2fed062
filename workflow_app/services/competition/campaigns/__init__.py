"""Campaign configuration use-cases: create from a preset, settings, tracks, stages, criteria,
regulation, lifecycle guards, copy from a previous year, public listing.

Editing rules (one place, shown to staff on the campaign page):
- a closed campaign is read-only;
- tracks and stages are added or removed only in draft/open (entries and experts depend on them later);
- criteria (and a stage's scoring parameters) are locked once scoring starts: `criteria_locked_at` is set
  when the campaign goes to review, or the first time a score is found; after that a change needs a
  reason and is audited as `campaign.criteria_changed` with before/after;
- every change bumps the campaign's `version`, and every edit form carries the version it was opened
  with, so a stale form is refused instead of silently overwriting someone else's edit.

Everything validates first and changes afterwards, so a refusal leaves nothing half-applied.
"""
from __future__ import annotations

import copy
import enum
import re
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from sqlalchemy import func, select

from ....errors import ConcurrentChange, TransitionNotAllowed, ValidationFailed
from ....extensions import db
from ....machines.base import fire, lock
from ....machines.campaign import campaign_lifecycle
from ....models import OrgType, Role
from ....models.base import utcnow
from ....models.competition import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    Criterion,
    Entry,
    EntryStatus,
    FinalScoreMode,
    Score,
    Stage,
    StageKind,
    Track,
)
from .... import audit
from ...platform import files
from ...platform.dashboard import Panel, panel
from ..presets import preset_for

S = CampaignStatus
STRUCTURE_EDITABLE = (S.draft, S.open)
# Stage kinds in calendar order: deadlines must follow it.
STAGE_ORDER = [StageKind.registration, StageKind.submission, StageKind.correction,
               StageKind.expert_review, StageKind.defence, StageKind.decision]
REGULATION_TYPES = {"pdf", "docx"}
REGULATION_MAX_BYTES = 20 * files.MB
# Settings that change how scores turn into results: once scoring started, changing them needs a reason.
SCORING_SETTINGS = ("divergence_pct", "shortlist_pct", "normalize_scores", "final_score_mode",
                    "blind_review", "comment_required", "experts_per_entry")
SETTINGS_FIELDS = ("name", "year", "kind", "description", "experts_per_entry", "expert_load_cap",
                   "divergence_pct", "shortlist_pct", "blind_review", "entries_per_org", "comment_required",
                   "normalize_scores", "final_score_mode", "code_prefix")
FIELD_LABELS = {
    "name": "Название", "year": "Год", "kind": "Вид конкурса", "description": "Описание",
    "experts_per_entry": "Экспертов на заявку", "expert_load_cap": "Предельная нагрузка эксперта",
    "divergence_pct": "Порог расхождения, %", "shortlist_pct": "Порог прохода на очный этап, %",
    "blind_review": "Слепая экспертиза", "entries_per_org": "Заявок от одной организации",
    "comment_required": "Комментарий к оценке обязателен", "normalize_scores": "Нормировка оценок экспертов",
    "final_score_mode": "Итоговая оценка", "code_prefix": "Префикс кода заявки",
}
_CODE_PREFIX = re.compile(r"^[0-9A-Za-zА-Яа-яЁё_-]{1,16}$")


# --- time: forms speak Moscow, the database speaks UTC ---------------------------------------

def display_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("DISPLAY_TIMEZONE", "Europe/Moscow"))


def deadline_utc(day: date | None, at: time | None = None) -> datetime | None:
    """A deadline typed in Moscow time; a date alone means the end of that day in Moscow."""
    if day is None:
        return None
    local = datetime.combine(day, at if at is not None else time(23, 59, 59), tzinfo=display_tz())
    return local.astimezone(UTC)


def deadline_parts(value: datetime | None) -> tuple[date | None, time | None]:
    """The form's (date, time) for a stored deadline; time is None when it is the end of the day."""
    if value is None:
        return None, None
    local = value.astimezone(display_tz())
    t = local.time().replace(microsecond=0)
    return local.date(), (None if t == time(23, 59, 59) else t)


def _shift_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February into a non-leap year
        return d.replace(year=d.year + years, day=28)


def _shift_deadline(value: datetime | None, years: int) -> datetime | None:
    if value is None:
        return None
    local = value.astimezone(display_tz())
    shifted = datetime.combine(_shift_years(local.date(), years), local.time(), tzinfo=display_tz())
    return shifted.astimezone(UTC)


def _fmt(value: datetime | None) -> str:
    return value.astimezone(display_tz()).strftime("%d.%m.%Y %H:%M") if value else "—"


# --- small helpers -----------------------------------------------------------------------------

def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # "10", "1.5": never "1E+1"
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _decimal(value: Any, label: str, errors: list[str]) -> Decimal | None:
    if value is None or value == "":
        errors.append(f"Укажите значение поля «{label}».")
        return None
    try:
        d = Decimal(str(value).replace(",", ".").strip())
    except InvalidOperation:
        errors.append(f"«{label}»: введите число.")
        return None
    if not d.is_finite():
        errors.append(f"«{label}»: введите число.")
        return None
    return d


def _int(value: Any, label: str, errors: list[str]) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        errors.append(f"«{label}»: введите целое число.")
        return None


def _fail(errors: list[str]) -> None:
    if errors:
        raise ValidationFailed(" ".join(errors))


def _begin_edit(campaign: Campaign, expected_version: int | None) -> Campaign:
    """Lock the campaign row and refuse a stale form (the version it was opened with has moved on)."""
    campaign = lock(campaign)
    if expected_version is not None and campaign.version != expected_version:
        raise ConcurrentChange(
            "Настройки конкурса были изменены другим пользователем, пока форма была открыта. "
            "Обновите страницу и внесите изменения заново.")
    if campaign.status == S.closed:
        raise TransitionNotAllowed("Конкурс завершён: его настройки больше не меняются.")
    return campaign


def _touch(campaign: Campaign) -> None:
    """Bump the campaign's version for any change of its configuration (tracks, stages, criteria…)."""
    campaign.updated_at = utcnow()


def _require_structure_editable(campaign: Campaign, what: str) -> None:
    if campaign.status not in STRUCTURE_EDITABLE:
        raise TransitionNotAllowed(
            f"{what} возможно только до начала экспертизы (сейчас конкурс в состоянии "
            f"«{campaign.status.value}»).")


def stage_of(campaign: Campaign, kind: StageKind) -> Stage | None:
    return next((s for s in campaign.stages if s.kind == kind), None)


# --- creation ----------------------------------------------------------------------------------

def default_code_prefix(kind: CampaignKind) -> str:
    return {CampaignKind.innovation_search: "ИП", CampaignKind.methodical_teams: "ММК",
            CampaignKind.best_practice: "ЛМП", CampaignKind.poster_session: "ПС"}.get(kind, "К")


def validate_header(name: str, year: Any, errors: list[str]) -> tuple[str, int | None]:
    name = (name or "").strip()
    if not name:
        errors.append("Укажите название конкурса.")
    elif len(name) > 300:
        errors.append("Название конкурса — не длиннее 300 символов.")
    y = _int(year, "Год", errors)
    if y is not None and not 2000 <= y <= 2100:
        errors.append("Год проведения — от 2000 до 2100.")
        y = None
    return name, y


def campaign_from_preset(kind: CampaignKind, **fields) -> Campaign:
    """A new, unsaved campaign with the kind's preset: tracks, stages (no dates yet), criteria, dossier form.

    `fields` are Campaign columns (name, year, status, settings…); the caller adds it to the session."""
    preset = preset_for(kind)
    fields.setdefault("status", S.draft)
    fields.setdefault("code_prefix", default_code_prefix(kind))
    c = Campaign(kind=kind, dossier_schema=copy.deepcopy(preset["dossier_schema"]), **fields)
    for i, t in enumerate(preset["tracks"]):
        c.tracks.append(Track(code=t["code"], name=t["name"], org_types=list(t["org_types"]), position=i))
    for i, s in enumerate(preset["stages"]):
        stage = Stage(kind=s["kind"], position=i, in_person=s["in_person"], scored=s["scored"])
        c.stages.append(stage)
        for j, cr in enumerate(preset["criteria"].get(stage.kind, [])):
            c.criteria.append(Criterion(stage=stage, position=j, name=cr["name"],
                                        description=cr.get("description", ""),
                                        max_points=cr["max_points"], weight=cr["weight"]))
    return c


def create_campaign(*, name: str, year: int, kind: CampaignKind, description: str = "", actor) -> Campaign:
    """A new draft campaign with the kind's preset (see campaign_from_preset), audited."""
    errors: list[str] = []
    name, year = validate_header(name, year, errors)
    if not isinstance(kind, CampaignKind):
        errors.append("Выберите вид конкурса.")
    _fail(errors)
    c = campaign_from_preset(kind, name=name, year=year, description=(description or "").strip())
    db.session.add(c)
    db.session.flush()
    audit.record("campaign.created", actor=actor, obj=c, to_state=c.status.name,
                 payload={"kind": kind.name, "year": year, "preset": kind.name})
    return c


# --- settings ----------------------------------------------------------------------------------

def _clean_settings(data: dict) -> dict:
    """Validate a settings form's values; returns typed values or raises ValidationFailed listing all errors."""
    errors: list[str] = []
    out: dict[str, Any] = {}
    out["name"], out["year"] = validate_header(data.get("name"), data.get("year"), errors)
    kind = data.get("kind")
    if isinstance(kind, str):
        kind = CampaignKind.__members__.get(kind)
    if not isinstance(kind, CampaignKind):
        errors.append("Выберите вид конкурса.")
    out["kind"] = kind
    out["description"] = (data.get("description") or "").strip()
    for key, lo, hi in (("experts_per_entry", 1, 10), ("expert_load_cap", 1, 1000), ("entries_per_org", 1, 100)):
        v = _int(data.get(key), FIELD_LABELS[key], errors)
        if v is not None and not lo <= v <= hi:
            errors.append(f"«{FIELD_LABELS[key]}»: от {lo} до {hi}.")
        out[key] = v
    for key in ("divergence_pct", "shortlist_pct"):
        v = _decimal(data.get(key), FIELD_LABELS[key], errors)
        if v is not None and not Decimal(0) <= v <= Decimal(100):
            errors.append(f"«{FIELD_LABELS[key]}»: процент от 0 до 100.")
        out[key] = v
    for key in ("blind_review", "comment_required", "normalize_scores"):
        out[key] = bool(data.get(key))
    mode = data.get("final_score_mode")
    if isinstance(mode, str):
        mode = FinalScoreMode.__members__.get(mode)
    if not isinstance(mode, FinalScoreMode):
        errors.append("Выберите способ расчёта итоговой оценки.")
    out["final_score_mode"] = mode
    prefix = (data.get("code_prefix") or "").strip()
    if not _CODE_PREFIX.match(prefix):
        errors.append("Префикс кода заявки: от 1 до 16 букв, цифр, «-» или «_».")
    out["code_prefix"] = prefix
    _fail(errors)
    return out


def update_settings(campaign: Campaign, data: dict, *, actor, expected_version: int | None,
                    reason: str = "") -> dict:
    """Change the campaign's settings; returns {field: [before, after]} of what changed (audited)."""
    campaign = _begin_edit(campaign, expected_version)
    clean = _clean_settings(data)
    changed = {k: [getattr(campaign, k), v] for k, v in clean.items() if getattr(campaign, k) != v}
    if not changed:
        return {}
    reason = (reason or "").strip()
    if criteria_locked(campaign) and any(k in SCORING_SETTINGS for k in changed) and not reason:
        names = ", ".join(f"«{FIELD_LABELS[k]}»" for k in changed if k in SCORING_SETTINGS)
        raise ValidationFailed(
            f"Оценивание уже началось: чтобы изменить {names}, укажите причину изменения.")
    for k, (_, after) in changed.items():
        setattr(campaign, k, after)
    _touch(campaign)
    payload = {"changed": {k: [_jsonable(b), _jsonable(a)] for k, (b, a) in changed.items()}}
    audit.record("campaign.settings_changed", actor=actor, obj=campaign, reason=reason, payload=payload)
    db.session.flush()
    return changed


def update_dossier_schema(campaign: Campaign, sections: list[dict], *, actor,
                          expected_version: int | None) -> None:
    """Replace the dossier form's sections (titles, kinds, columns, required). Only before submissions start."""
    campaign = _begin_edit(campaign, expected_version)
    _require_structure_editable(campaign, "Изменение формы заявки")
    errors: list[str] = []
    keys: set[str] = set()
    clean: list[dict] = []
    for i, s in enumerate(sections, start=1):
        key = (s.get("key") or "").strip()
        title = (s.get("title") or "").strip()
        kind = s.get("kind") or "text"
        if not key or not title:
            errors.append(f"Раздел {i}: укажите номер (ключ) и название.")
            continue
        if key in keys:
            errors.append(f"Раздел {i}: ключ «{key}» повторяется.")
        keys.add(key)
        if kind not in ("text", "table", "list"):
            errors.append(f"Раздел {i}: неизвестный вид раздела.")
        item = {"key": key, "title": title, "kind": kind, "required": bool(s.get("required"))}
        if kind == "table":
            cols = [c.strip() for c in (s.get("columns") or []) if c and c.strip()]
            if not cols:
                errors.append(f"Раздел «{title}»: у таблицы должна быть хотя бы одна колонка.")
            item["columns"] = cols
        clean.append(item)
    if not clean and not errors:
        errors.append("В форме заявки должен быть хотя бы один раздел.")
    _fail(errors)
    before = campaign.dossier_schema
    campaign.dossier_schema = clean
    _touch(campaign)
    audit.record("campaign.dossier_schema_changed", actor=actor, obj=campaign,
                 payload={"before": before, "after": clean})
    db.session.flush()


# --- regulation --------------------------------------------------------------------------------

def set_regulation(campaign: Campaign, file_storage, *, actor, expected_version: int | None):
    campaign = _begin_edit(campaign, expected_version)
    stored = files.store_upload(file_storage, allowed=REGULATION_TYPES, max_bytes=REGULATION_MAX_BYTES,
                                user=actor)
    before = campaign.regulation_file_id
    campaign.regulation_file_id = stored.id
    _touch(campaign)
    audit.record("campaign.regulation_uploaded", actor=actor, obj=campaign,
                 payload={"file_id": stored.id, "previous_file_id": before, "name": stored.original_name,
                          "sha256": stored.sha256})
    db.session.flush()
    return stored


# --- tracks ------------------------------------------------------------------------------------

def _clean_track(campaign: Campaign, data: dict, track: Track | None) -> dict:
    errors: list[str] = []
    code = (data.get("code") or "").strip()
    name = (data.get("name") or "").strip()
    if not code or len(code) > 32:
        errors.append("Код направления: от 1 до 32 символов.")
    elif any(t.code == code and t is not track for t in campaign.tracks):
        errors.append(f"Направление с кодом «{code}» уже есть в этом конкурсе.")
    if not name or len(name) > 200:
        errors.append("Название направления: от 1 до 200 символов.")
    types = list(data.get("org_types") or [])
    bad = [t for t in types if t not in OrgType.__members__]
    if bad:
        errors.append("Неизвестный тип организации.")
    if not types:
        errors.append("Отметьте хотя бы один тип организаций, которые могут участвовать в направлении.")
    quota = data.get("winners_quota")
    if quota in ("", None):
        quota = None
    else:
        quota = _int(quota, "Квота победителей", errors)
        if quota is not None and quota < 0:
            errors.append("Квота победителей не может быть отрицательной.")
    _fail(errors)
    ordered = [t.name for t in OrgType if t.name in types]
    return {"code": code, "name": name, "org_types": ordered, "winners_quota": quota}


def _track_snapshot(t: Track) -> dict:
    return {"code": t.code, "name": t.name, "org_types": list(t.org_types or []), "winners_quota": t.winners_quota}


def add_track(campaign: Campaign, data: dict, *, actor, expected_version: int | None) -> Track:
    campaign = _begin_edit(campaign, expected_version)
    _require_structure_editable(campaign, "Добавление направления")
    clean = _clean_track(campaign, data, None)
    t = Track(position=max((x.position for x in campaign.tracks), default=-1) + 1, **clean)
    campaign.tracks.append(t)
    _touch(campaign)
    db.session.flush()
    audit.record("campaign.track_added", actor=actor, obj=campaign, payload={"after": _track_snapshot(t)})
    return t


def update_track(track: Track, data: dict, *, actor, expected_version: int | None) -> Track:
    campaign = _begin_edit(track.campaign, expected_version)
    clean = _clean_track(campaign, data, track)
    if clean["code"] != track.code and campaign.status not in STRUCTURE_EDITABLE:
        raise TransitionNotAllowed("Код направления меняется только до начала экспертизы.")
    before = _track_snapshot(track)
    for k, v in clean.items():
        setattr(track, k, v)
    if before == _track_snapshot(track):
        return track
    _touch(campaign)
    audit.record("campaign.track_updated", actor=actor, obj=campaign,
                 payload={"track_id": track.id, "before": before, "after": _track_snapshot(track)})
    db.session.flush()
    return track


def remove_track(track: Track, *, actor, expected_version: int | None) -> None:
    campaign = _begin_edit(track.campaign, expected_version)
    _require_structure_editable(campaign, "Удаление направления")
    n = db.session.execute(select(func.count(Entry.id)).where(Entry.track_id == track.id)).scalar_one()
    if n:
        raise TransitionNotAllowed(
            f"В направлении «{track.name}» уже есть заявки ({n}): удалить его нельзя.")
    before = _track_snapshot(track)
    campaign.tracks.remove(track)
    _touch(campaign)
    audit.record("campaign.track_removed", actor=actor, obj=campaign, payload={"before": before})
    db.session.flush()


# --- stages ------------------------------------------------------------------------------------

def check_stage_dates(stages: list[tuple[StageKind, date | None, datetime | None]]) -> list[str]:
    """Deadlines follow the calendar order of the stages; a stage starts no later than its deadline."""
    errors: list[str] = []
    tz = display_tz()
    by_kind = {k: (s, d) for k, s, d in stages}
    for kind, (starts, deadline) in by_kind.items():
        if starts and deadline and starts > deadline.astimezone(tz).date():
            errors.append(f"Этап «{kind.value}»: дата начала {starts:%d.%m.%Y} позже срока {_fmt(deadline)}.")
    dated = [(k, by_kind[k][1]) for k in STAGE_ORDER if k in by_kind and by_kind[k][1] is not None]
    for i, (earlier, d1) in enumerate(dated):
        for later, d2 in dated[i + 1:]:
            # Registration may close together with submission; every other pair is strictly ordered.
            ok = d2 >= d1 if earlier == StageKind.registration else d2 > d1
            if not ok:
                errors.append(
                    f"Срок этапа «{later.value}» ({_fmt(d2)}) должен быть позже срока этапа "
                    f"«{earlier.value}» ({_fmt(d1)}).")
    return errors


def _stage_snapshot(s: Stage) -> dict:
    return {"kind": s.kind.name, "starts_on": _jsonable(s.starts_on), "deadline": _jsonable(s.deadline),
            "in_person": s.in_person, "scored": s.scored, "score_weight": _jsonable(s.score_weight)}


def update_stage(stage: Stage, data: dict, *, actor, expected_version: int | None, reason: str = "") -> Stage:
    """data: starts_on (date|None), deadline_date (date|None), deadline_time (time|None), in_person,
    scored, score_weight."""
    campaign = _begin_edit(stage.campaign, expected_version)
    errors: list[str] = []
    deadline = deadline_utc(data.get("deadline_date"), data.get("deadline_time"))
    if data.get("deadline_time") is not None and data.get("deadline_date") is None:
        errors.append("Указано время срока без даты.")
    weight = _decimal(data.get("score_weight", stage.score_weight), "Вес этапа в итоговой оценке", errors)
    if weight is not None and not Decimal(0) < weight <= Decimal(100):
        errors.append("Вес этапа в итоговой оценке должен быть больше 0 (и не больше 100).")
    scored = bool(data.get("scored"))
    in_person = bool(data.get("in_person"))
    starts_on = data.get("starts_on")
    proposed = [(s.kind, s.starts_on, s.deadline) for s in campaign.stages if s is not stage]
    proposed.append((stage.kind, starts_on, deadline))
    errors += check_stage_dates(proposed)
    _fail(errors)
    scoring_change = scored != stage.scored or (scored and weight != stage.score_weight)
    reason = (reason or "").strip()
    locked = criteria_locked(campaign)
    if scoring_change and locked and not reason:
        raise ValidationFailed("Оценивание уже началось: чтобы изменить оценивание этапа, укажите причину.")
    if scoring_change and scored is False and _stage_has_scores(stage):
        raise TransitionNotAllowed(f"На этапе «{stage.title}» уже выставлены оценки: он остаётся оцениваемым.")
    before = _stage_snapshot(stage)
    stage.starts_on, stage.deadline, stage.in_person, stage.scored = starts_on, deadline, in_person, scored
    stage.score_weight = weight
    after = _stage_snapshot(stage)
    if before == after:
        return stage
    _touch(campaign)
    audit.record("campaign.stage_updated", actor=actor, obj=campaign, reason=reason,
                 payload={"stage_id": stage.id, "before": before, "after": after})
    if scoring_change:
        audit.record("campaign.criteria_changed", actor=actor, obj=campaign, reason=reason,
                     payload={"action": "stage_scoring", "locked": locked, "before": before, "after": after})
    db.session.flush()
    return stage


def add_stage(campaign: Campaign, kind: StageKind, *, actor, expected_version: int | None) -> Stage:
    campaign = _begin_edit(campaign, expected_version)
    _require_structure_editable(campaign, "Добавление этапа")
    if not isinstance(kind, StageKind):
        raise ValidationFailed("Выберите этап.")
    if stage_of(campaign, kind):
        raise ValidationFailed(f"Этап «{kind.value}» уже есть в конкурсе.")
    in_person = kind == StageKind.defence
    s = Stage(kind=kind, in_person=in_person, scored=kind in (StageKind.expert_review, StageKind.defence),
              position=STAGE_ORDER.index(kind))
    campaign.stages.append(s)
    for other in campaign.stages:  # keep positions in calendar order
        other.position = STAGE_ORDER.index(other.kind)
    _touch(campaign)
    db.session.flush()
    audit.record("campaign.stage_added", actor=actor, obj=campaign, payload={"after": _stage_snapshot(s)})
    return s


def remove_stage(stage: Stage, *, actor, expected_version: int | None) -> None:
    campaign = _begin_edit(stage.campaign, expected_version)
    _require_structure_editable(campaign, "Удаление этапа")
    if stage.kind in (StageKind.submission, StageKind.expert_review):
        raise TransitionNotAllowed(f"Этап «{stage.title}» обязателен: без него конкурс не провести.")
    if _stage_has_scores(stage):
        raise TransitionNotAllowed(f"На этапе «{stage.title}» уже есть оценки: удалить его нельзя.")
    before = _stage_snapshot(stage)
    n_criteria = sum(1 for c in campaign.criteria if c.stage_id == stage.id)
    for c in [c for c in campaign.criteria if c.stage_id == stage.id]:
        campaign.criteria.remove(c)
    campaign.stages.remove(stage)
    _touch(campaign)
    audit.record("campaign.stage_removed", actor=actor, obj=campaign,
                 payload={"before": before, "criteria_removed": n_criteria})
    db.session.flush()


def _stage_has_scores(stage: Stage) -> bool:
    return db.session.execute(
        select(Score.id).join(Criterion, Criterion.id == Score.criterion_id)
        .where(Criterion.stage_id == stage.id).limit(1)).first() is not None


# --- criteria ----------------------------------------------------------------------------------

def criteria_locked(campaign: Campaign) -> bool:
    """Locked once the campaign went to review, or once any score exists (then the lock is recorded)."""
    if campaign.criteria_locked_at is not None:
        return True
    scored = db.session.execute(
        select(Score.id).join(Criterion, Criterion.id == Score.criterion_id)
        .where(Criterion.campaign_id == campaign.id).limit(1)).first()
    if scored is not None:
        campaign.criteria_locked_at = utcnow()
        db.session.flush()  # bump the version now, before any form on the page reads it
        return True
    return False


def _criterion_snapshot(c: Criterion) -> dict:
    return {"id": c.id, "stage": c.stage.kind.name if c.stage else None,
            "track": c.track.code if c.track else None, "position": c.position, "name": c.name,
            "description": c.description, "max_points": _jsonable(c.max_points), "weight": _jsonable(c.weight)}


def _clean_criterion(campaign: Campaign, data: dict) -> dict:
    errors: list[str] = []
    name = (data.get("name") or "").strip()
    if not name or len(name) > 300:
        errors.append("Название критерия: от 1 до 300 символов.")
    stage = next((s for s in campaign.stages if s.id == _as_int(data.get("stage_id"))), None)
    if stage is None:
        errors.append("Выберите этап конкурса.")
    elif not stage.scored:
        errors.append(f"Этап «{stage.title}» не оценивается: критерии задаются только для оцениваемых этапов.")
    track_id = _as_int(data.get("track_id"))
    track = None
    if track_id:
        track = next((t for t in campaign.tracks if t.id == track_id), None)
        if track is None:
            errors.append("Выберите направление из списка.")
    max_points = _decimal(data.get("max_points"), "Максимальный балл", errors)
    if max_points is not None and not Decimal(0) < max_points <= Decimal(1000):
        errors.append("Максимальный балл должен быть больше 0 (и не больше 1000).")
    weight = _decimal(data.get("weight"), "Вес критерия", errors)
    if weight is not None and not Decimal(0) < weight <= Decimal(100):
        errors.append("Вес критерия должен быть больше 0 (и не больше 100).")
    _fail(errors)
    return {"name": name, "description": (data.get("description") or "").strip(), "stage": stage,
            "track": track, "max_points": max_points, "weight": weight}


def _as_int(v: Any) -> int | None:
    try:
        return int(v) if v not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _criteria_change(campaign: Campaign, action: str, before: dict | None, after: dict | None, *,
                     actor, reason: str, locked: bool) -> None:
    _touch(campaign)
    audit.record("campaign.criteria_changed", actor=actor, obj=campaign, reason=reason,
                 payload={"action": action, "locked": locked, "before": before, "after": after})


def _reason_if_locked(campaign: Campaign, reason: str) -> tuple[str, bool]:
    reason = (reason or "").strip()
    locked = criteria_locked(campaign)
    if locked and not reason:
        raise ValidationFailed(
            "Оценивание уже началось, критерии зафиксированы: чтобы изменить их, укажите причину изменения.")
    return reason, locked


def add_criterion(campaign: Campaign, data: dict, *, actor, expected_version: int | None,
                  reason: str = "") -> Criterion:
    campaign = _begin_edit(campaign, expected_version)
    clean = _clean_criterion(campaign, data)
    reason, locked = _reason_if_locked(campaign, reason)
    position = max((c.position for c in campaign.criteria if c.stage_id == clean["stage"].id), default=-1) + 1
    c = Criterion(position=position, **clean)
    campaign.criteria.append(c)
    db.session.flush()
    _criteria_change(campaign, "add", None, _criterion_snapshot(c), actor=actor, reason=reason, locked=locked)
    db.session.flush()
    return c


def update_criterion(criterion: Criterion, data: dict, *, actor, expected_version: int | None,
                     reason: str = "") -> Criterion:
    campaign = _begin_edit(criterion.campaign, expected_version)
    clean = _clean_criterion(campaign, data)
    before = _criterion_snapshot(criterion)
    if clean["stage"].id != criterion.stage_id and _criterion_has_scores(criterion):
        raise TransitionNotAllowed("По критерию уже выставлены баллы: перенести его на другой этап нельзя.")
    candidate = dict(before, stage=clean["stage"].kind.name, track=clean["track"].code if clean["track"] else None,
                     name=clean["name"], description=clean["description"],
                     max_points=_jsonable(clean["max_points"]), weight=_jsonable(clean["weight"]))
    if candidate == before:
        return criterion
    reason, locked = _reason_if_locked(campaign, reason)
    for k, v in clean.items():
        setattr(criterion, k, v)
    db.session.flush()
    _criteria_change(campaign, "edit", before, _criterion_snapshot(criterion), actor=actor, reason=reason,
                     locked=locked)
    db.session.flush()
    return criterion


def remove_criterion(criterion: Criterion, *, actor, expected_version: int | None, reason: str = "") -> None:
    campaign = _begin_edit(criterion.campaign, expected_version)
    if _criterion_has_scores(criterion):
        raise TransitionNotAllowed(f"По критерию «{criterion.name}» уже выставлены баллы: удалить его нельзя.")
    reason, locked = _reason_if_locked(campaign, reason)
    before = _criterion_snapshot(criterion)
    campaign.criteria.remove(criterion)
    _criteria_change(campaign, "remove", before, None, actor=actor, reason=reason, locked=locked)
    db.session.flush()


def move_criterion(criterion: Criterion, direction: int, *, actor, expected_version: int | None,
                   reason: str = "") -> None:
    """Swap with the neighbour above (-1) or below (+1) among the criteria of the same stage and track."""
    campaign = _begin_edit(criterion.campaign, expected_version)
    siblings = sorted((c for c in campaign.criteria
                       if c.stage_id == criterion.stage_id and c.track_id == criterion.track_id),
                      key=lambda c: (c.position, c.id))
    i = siblings.index(criterion)
    j = i + (1 if direction > 0 else -1)
    if not 0 <= j < len(siblings):
        return
    reason, locked = _reason_if_locked(campaign, reason)
    for k, c in enumerate(siblings):  # normalise positions, then swap
        c.position = k
    siblings[i].position, siblings[j].position = j, i
    _criteria_change(campaign, "move", {"id": criterion.id, "position": i}, {"id": criterion.id, "position": j},
                     actor=actor, reason=reason, locked=locked)
    db.session.flush()


def _criterion_has_scores(criterion: Criterion) -> bool:
    return db.session.execute(select(Score.id).where(Score.criterion_id == criterion.id).limit(1)).first() \
        is not None


def criteria_for(campaign: Campaign, stage: Stage, track: Track) -> list[Criterion]:
    """The criteria one track is scored by at one stage: the common ones plus the track's own."""
    return [c for c in campaign.criteria if c.stage_id == stage.id and c.track_id in (None, track.id)]


def max_total(campaign: Campaign, stage: Stage, track: Track) -> Decimal:
    """The greatest weighted total an entry of this track can get at this stage."""
    return sum((c.max_points * c.weight for c in criteria_for(campaign, stage, track)), Decimal(0))


# --- lifecycle ---------------------------------------------------------------------------------

def missing_for_open(campaign: Campaign) -> list[str]:
    """Everything that must be configured before the call for entries is announced."""
    missing: list[str] = []
    if not campaign.tracks:
        missing.append("не задано ни одного направления (номинации)")
    submission = stage_of(campaign, StageKind.submission)
    review = stage_of(campaign, StageKind.expert_review)
    if submission is None or submission.deadline is None:
        missing.append("не указан срок приёма заявок (этап «Приём заявок (заочный этап)»)")
    elif submission.deadline <= utcnow():
        missing.append(f"срок приёма заявок ({_fmt(submission.deadline)}) уже прошёл")
    if review is None or review.deadline is None:
        missing.append("не указан срок экспертизы (этап «Экспертиза»)")
    scored = [s for s in campaign.stages if s.scored]
    if not scored:
        missing.append("нет ни одного оцениваемого этапа")
    for s in scored:
        for t in campaign.tracks:
            if not criteria_for(campaign, s, t):
                missing.append(f"нет критериев оценки для направления «{t.name}» на этапе «{s.title}»")
    missing += [e[0].lower() + e[1:] for e in check_stage_dates(
        [(s.kind, s.starts_on, s.deadline) for s in campaign.stages])]
    return missing


def guard_open(campaign: Campaign, ctx) -> str | None:
    missing = missing_for_open(campaign)
    if missing:
        return "Нельзя объявить приём заявок: " + "; ".join(missing) + "."
    return None


def guard_defence(campaign: Campaign, ctx) -> str | None:
    s = stage_of(campaign, StageKind.defence)
    if s is None:
        return ("Очного этапа в этом конкурсе нет: добавьте этап «Очный этап (защита)» "
                "или переходите сразу к решению комиссии.")
    if not s.scored:
        return "Очный этап не отмечен как оцениваемый: отметьте его и задайте критерии."
    return None


FINAL_ENTRY_STATES = (EntryStatus.winner, EntryStatus.not_selected, EntryStatus.withdrawn, EntryStatus.rejected)


def undecided_entries(campaign: Campaign) -> dict[EntryStatus, int]:
    """Entries that still wait for a decision, by state (never-submitted drafts take no part and don't count)."""
    rows = db.session.execute(
        select(Entry.status, func.count(Entry.id))
        .where(Entry.campaign_id == campaign.id, Entry.status.notin_(FINAL_ENTRY_STATES + (EntryStatus.draft,)))
        .group_by(Entry.status)).all()
    return {status: n for status, n in rows}


def guard_close(campaign: Campaign, ctx) -> str | None:
    pending = undecided_entries(campaign)
    total = sum(pending.values())
    if total:
        detail = ", ".join(f"«{s.value}» — {n}" for s, n in sorted(pending.items(), key=lambda x: x[0].name))
        return (f"Нельзя завершить конкурс: {total} {_plural(total, 'заявка', 'заявки', 'заявок')} без решения "
                f"({detail}). Примите решение по каждой заявке или отметьте её отозванной/отклонённой.")
    return None


def _plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def lock_criteria(campaign: Campaign, ctx) -> None:
    if campaign.criteria_locked_at is None:
        campaign.criteria_locked_at = utcnow()
        ctx.payload["criteria_locked"] = True


def transition(campaign: Campaign, trigger: str, *, actor, expected_version: int | None = None,
               reason: str = "") -> Campaign:
    return fire(campaign_lifecycle, campaign, trigger, actor=actor, reason=reason,
                expected_version=expected_version)


# --- copy --------------------------------------------------------------------------------------

def copy_campaign(source: Campaign, *, year: Any, name: str = "", actor) -> Campaign:
    """A new draft for another year: settings, tracks, stages (dates moved by whole years), criteria and
    the dossier form. Entries, the regulation (a new order each year) and the criteria lock are not copied."""
    errors: list[str] = []
    default_name = (source.name.replace(str(source.year), str(year)) if str(source.year) in source.name
                    else f"{source.name} ({year})")
    name, year = validate_header(name or default_name, year, errors)
    _fail(errors)
    years = year - source.year
    c = Campaign(name=name, year=year, status=S.draft, copied_from_id=source.id,
                 dossier_schema=copy.deepcopy(source.dossier_schema or []),
                 **{k: getattr(source, k) for k in SETTINGS_FIELDS if k not in ("name", "year")})
    track_map: dict[int, Track] = {}
    for t in source.tracks:
        nt = Track(code=t.code, name=t.name, org_types=list(t.org_types or []), position=t.position,
                   winners_quota=t.winners_quota)
        c.tracks.append(nt)
        track_map[t.id] = nt
    stage_map: dict[int, Stage] = {}
    for s in source.stages:
        ns = Stage(kind=s.kind, position=s.position, in_person=s.in_person, scored=s.scored,
                   score_weight=s.score_weight,
                   starts_on=_shift_years(s.starts_on, years) if s.starts_on else None,
                   deadline=_shift_deadline(s.deadline, years))
        c.stages.append(ns)
        stage_map[s.id] = ns
    db.session.add(c)
    db.session.flush()
    for cr in source.criteria:
        c.criteria.append(Criterion(stage=stage_map[cr.stage_id],
                                    track=track_map[cr.track_id] if cr.track_id else None,
                                    position=cr.position, name=cr.name, description=cr.description,
                                    max_points=cr.max_points, weight=cr.weight))
    db.session.flush()
    audit.record("campaign.copied", actor=actor, obj=c, to_state=c.status.name,
                 payload={"source_id": source.id, "source_year": source.year, "years_shifted": years,
                          "tracks": len(c.tracks), "stages": len(c.stages), "criteria": len(c.criteria)})
    return c


# --- reading -----------------------------------------------------------------------------------

def get_campaign(campaign_id: int) -> Campaign | None:
    return db.session.get(Campaign, campaign_id)


def public_campaigns() -> list[Campaign]:
    """Campaigns the public sees: announced and not yet closed, newest first."""
    return list(db.session.execute(
        select(Campaign).where(Campaign.status.notin_((S.draft, S.closed)))
        .order_by(Campaign.year.desc(), Campaign.id.desc())).scalars())


def status_counts() -> dict[CampaignStatus, int]:
    rows = db.session.execute(select(Campaign.status, func.count(Campaign.id)).group_by(Campaign.status)).all()
    return {s: n for s, n in rows}


@panel(Role.staff)
def _staff_panel(user) -> Panel:
    counts = status_counts()
    return Panel(
        title="Конкурсы",
        lines=[] if counts else ["Конкурсов пока нет. Создайте конкурс из шаблона или скопируйте прошлогодний."],
        stats=[(s.value, counts[s], url_for("campaigns.index", status=s.name)) for s in CampaignStatus if counts.get(s)],
        links=[("Все конкурсы", url_for("campaigns.index")), ("Создать конкурс", url_for("campaigns.create"))],
        empty="Конкурсов пока нет. Создайте конкурс из шаблона или скопируйте прошлогодний.",
    )
