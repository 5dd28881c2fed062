"""Creating a campaign from its kind's preset; its settings, dossier form and regulation."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from .... import audit
from ....errors import ValidationFailed
from ....extensions import db
from ....models.competition import Campaign, CampaignKind, Criterion, FinalScoreMode, Stage, StageKind, Track
from ....models.preset import CompetitionPreset
from ....policy import require
from ....timeutil import end_of_day
from ...platform import files
from .. import presets
from ..presets.validate import clean_sections
from .common import (
    _CODE_PREFIX,
    FIELD_LABELS,
    REGULATION_MAX_BYTES,
    REGULATION_TYPES,
    SCORING_SETTINGS,
    S,
    _begin_edit,
    _decimal,
    _fail,
    _int,
    _jsonable,
    _require_structure_editable,
    _touch,
)
from .criteria import criteria_locked

# --- creation ----------------------------------------------------------------------------------

def default_code_prefix(kind: CampaignKind) -> str:
    return {CampaignKind.innovation_search: "ИП", CampaignKind.methodical_teams: "ММК",
            CampaignKind.best_practice: "ЛМП", CampaignKind.poster_session: "ПС",
            CampaignKind.teacher_contest: "ПЕД"}.get(kind, "К")


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


def campaign_from_preset(kind: CampaignKind, preset: CompetitionPreset | None = None, *, dated: bool = False,
                         **fields) -> Campaign:
    """A new, unsaved campaign configured by the preset (the kind's default when None): tracks, stages
    (`dated`: with the preset's default dates in the campaign's year), criteria, dossier form, who may
    enter, output documents.

    `fields` are Campaign columns (name, year, status, settings…); the caller adds it to the session."""
    preset = preset or presets.default_for(kind)
    cfg = presets.as_config(preset)
    fields.setdefault("status", S.draft)
    fields.setdefault("code_prefix", cfg["code_prefix"] or default_code_prefix(kind))
    c = Campaign(kind=kind, dossier_schema=cfg["sections"], applicant_kind=cfg["applicant_kind"],
                 output_documents=cfg["output_documents"], preset_id=preset.id, **fields)
    for i, t in enumerate(cfg["tracks"]):
        c.tracks.append(Track(code=t["code"], name=t["name"], org_types=list(t["org_types"]), position=i))
    year = fields.get("year")
    for i, s in enumerate(cfg["stages"]):
        stage = Stage(kind=StageKind[s["kind"]], position=i, in_person=s["in_person"], scored=s["scored"])
        if dated and year:
            stage.starts_on = date(year, 1, 1) + timedelta(days=int(s.get("offset_days") or 0))
            stage.deadline = end_of_day(stage.starts_on + timedelta(days=int(s.get("duration_days") or 1) - 1))
        c.stages.append(stage)
        for j, cr in enumerate(cfg["criteria"].get(s["kind"], [])):
            c.criteria.append(Criterion(stage=stage, position=j, name=cr["name"],
                                        description=cr.get("description", ""),
                                        max_points=Decimal(str(cr["max_points"])), weight=Decimal(str(cr["weight"]))))
    return c


def create_campaign(*, name: str, year: int, kind: CampaignKind, description: str = "", actor,
                    preset: CompetitionPreset | None = None, dated: bool = False) -> Campaign:
    """A new draft campaign configured by the chosen preset or the kind's default (see campaign_from_preset),
    audited."""
    require(actor, "campaign.create")
    errors: list[str] = []
    name, year = validate_header(name, year, errors)
    if not isinstance(kind, CampaignKind):
        errors.append("Выберите вид конкурса.")
    elif preset is not None and preset.kind != kind:
        errors.append(f"Шаблон «{preset.name}» предназначен для другого вида конкурса.")
    _fail(errors)
    c = campaign_from_preset(kind, preset, dated=dated, name=name, year=year, description=(description or "").strip())
    db.session.add(c)
    db.session.flush()
    audit.record("campaign.created", actor=actor, obj=c, to_state=c.status.name,
                 payload={"kind": kind.name, "year": year, "preset_id": c.preset_id})
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
    require(actor, "campaign.edit", campaign)
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
    require(actor, "campaign.edit", campaign)
    campaign = _begin_edit(campaign, expected_version)
    _require_structure_editable(campaign, "Изменение формы заявки")
    errors: list[str] = []
    clean = clean_sections(sections, errors)
    _fail(errors)
    before = campaign.dossier_schema
    campaign.dossier_schema = clean
    _touch(campaign)
    audit.record("campaign.dossier_schema_changed", actor=actor, obj=campaign,
                 payload={"before": before, "after": clean})
    db.session.flush()


# --- regulation --------------------------------------------------------------------------------

def set_regulation(campaign: Campaign, file_storage, *, actor, expected_version: int | None):
    require(actor, "campaign.regulation_upload", campaign)
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

