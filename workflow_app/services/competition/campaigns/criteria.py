"""Scoring criteria of a campaign's stages, and the lock that protects them once scoring starts."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from .... import audit
from ....errors import TransitionNotAllowed, ValidationFailed
from ....extensions import db
from ....models.base import utcnow
from ....models.competition import Campaign, Criterion, Score, Stage, Track
from ....policy import require
from .common import _as_int, _begin_edit, _decimal, _fail, _jsonable, _touch

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
    require(actor, "campaign.criteria_edit", campaign)
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
    require(actor, "campaign.criteria_edit", criterion.campaign)
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
    require(actor, "campaign.criteria_edit", criterion.campaign)
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
    require(actor, "campaign.criteria_edit", criterion.campaign)
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

