"""A campaign's tracks (nominations) and stages with their dates and scoring parameters."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from .... import audit
from ....errors import TransitionNotAllowed, ValidationFailed
from ....extensions import db
from ....models import OrgType
from ....models.competition import Campaign, Criterion, Entry, Score, Stage, StageKind, Track
from ....policy import require
from ....timeutil import deadline_utc, display_tz, format_datetime
from ...reminders import hooks as reminder_hooks
from .common import (
    STAGE_ORDER,
    STRUCTURE_EDITABLE,
    _begin_edit,
    _decimal,
    _fail,
    _int,
    _jsonable,
    _require_structure_editable,
    _touch,
    stage_of,
)
from .criteria import criteria_locked

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
    require(actor, "campaign.edit", campaign)
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
    require(actor, "campaign.edit", track.campaign)
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
    require(actor, "campaign.edit", track.campaign)
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
            errors.append(f"Этап «{kind.value}»: дата начала {starts:%d.%m.%Y} "
                          f"позже срока {format_datetime(deadline)}.")
    dated = [(k, by_kind[k][1]) for k in STAGE_ORDER if k in by_kind and by_kind[k][1] is not None]
    for i, (earlier, d1) in enumerate(dated):
        for later, d2 in dated[i + 1:]:
            # Registration may close together with submission; every other pair is strictly ordered.
            ok = d2 >= d1 if earlier == StageKind.registration else d2 > d1
            if not ok:
                errors.append(
                    f"Срок этапа «{later.value}» ({format_datetime(d2)}) должен быть позже срока этапа "
                    f"«{earlier.value}» ({format_datetime(d1)}).")
    return errors


def _stage_snapshot(s: Stage) -> dict:
    return {"kind": s.kind.name, "starts_on": _jsonable(s.starts_on), "deadline": _jsonable(s.deadline),
            "in_person": s.in_person, "scored": s.scored, "score_weight": _jsonable(s.score_weight)}


def update_stage(stage: Stage, data: dict, *, actor, expected_version: int | None, reason: str = "") -> Stage:
    """data: starts_on (date|None), deadline_date (date|None), deadline_time (time|None), in_person,
    scored, score_weight."""
    require(actor, "campaign.edit", stage.campaign)
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
    reminder_hooks.stage_changed(stage)
    return stage


def add_stage(campaign: Campaign, kind: StageKind, *, actor, expected_version: int | None) -> Stage:
    require(actor, "campaign.edit", campaign)
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
    require(actor, "campaign.edit", stage.campaign)
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

