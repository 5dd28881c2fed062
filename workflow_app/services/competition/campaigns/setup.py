"""Creating a campaign from its kind's preset; its settings, dossier form and regulation."""
from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from .... import audit
from ....errors import ValidationFailed
from ....extensions import db
from ....models.competition import Campaign, CampaignKind, Criterion, FinalScoreMode, Stage, Track
from ....policy import require
from ...platform import files
from ..presets import preset_for
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
    require(actor, "campaign.create")
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
        if kind not in ("text", "table", "table_or_text"):
            errors.append(f"Раздел {i}: неизвестный вид раздела (text, table или table_or_text).")
        # `code`: the section's number in the official form, used by the JSON form of dossiers.
        item = {"key": key, "code": (s.get("code") or key).strip(), "title": title, "kind": kind,
                "required": bool(s.get("required"))}
        for extra in ("chapter", "default"):
            if (s.get(extra) or "").strip():
                item[extra] = s[extra].strip()
        if kind in ("table", "table_or_text"):
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

