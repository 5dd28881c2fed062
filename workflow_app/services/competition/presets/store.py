"""The preset table: the default preset of a kind, copying and editing presets (audited, validated)."""
from __future__ import annotations

import copy
import enum
import re
from typing import Any

from sqlalchemy import select

from .... import audit
from ....errors import ConcurrentChange, ValidationFailed
from ....extensions import db
from ....models.competition import CampaignKind
from ....models.preset import CompetitionPreset
from ....policy import require
from .builtin import builtin_rows
from .validate import (
    clean_applicant_kind,
    clean_criteria,
    clean_outputs,
    clean_sections,
    clean_stages,
    clean_tracks,
)

_PREFIX = re.compile(r"^[\w-]{1,16}$")
EDITABLE = ("name", "kind", "applicant_kind", "code_prefix", "description", "is_default", "sections", "tracks",
            "stages", "criteria", "output_documents", "expert_status_types")


def ensure_builtin() -> None:
    """Insert a built-in preset for each kind that has none (the migration seeds them; a database built
    from the models alone gets them on first use)."""
    have = set(db.session.execute(select(CompetitionPreset.kind).distinct()).scalars())
    for row in builtin_rows():
        if CampaignKind[row["kind"]] not in have:
            db.session.add(from_row(row))
    db.session.flush()


def from_row(row: dict) -> CompetitionPreset:
    from ....models.competition import ApplicantKind

    data = dict(row)
    data["kind"] = CampaignKind[data["kind"]]
    data["applicant_kind"] = ApplicantKind[data["applicant_kind"]]
    return CompetitionPreset(**data)


def get(preset_id: Any) -> CompetitionPreset | None:
    """The preset of a form's choice ("" or a bad id: None, i.e. the kind's default)."""
    from ....ints import db_int

    pid = db_int(preset_id)
    return db.session.get(CompetitionPreset, pid) if pid is not None else None


def all_presets() -> list[CompetitionPreset]:
    ensure_builtin()
    return list(db.session.execute(
        select(CompetitionPreset).order_by(CompetitionPreset.kind, CompetitionPreset.is_default.desc(),
                                           CompetitionPreset.name)).scalars())


def presets_of(kind: CampaignKind) -> list[CompetitionPreset]:
    return [p for p in all_presets() if p.kind == kind]


def default_for(kind: CampaignKind) -> CompetitionPreset:
    """The preset a new campaign of this kind starts from."""
    rows = presets_of(kind)
    return next((p for p in rows if p.is_default), rows[0])


def as_config(preset: CompetitionPreset) -> dict:
    """A deep copy of the preset's configuration, detached from the row."""
    return {k: copy.deepcopy(getattr(preset, k)) for k in EDITABLE} | {"id": preset.id}


def _unique_name(base: str) -> str:
    taken = set(db.session.execute(select(CompetitionPreset.name)).scalars())
    name, n = base, 2
    while name in taken:
        name, n = f"{base} ({n})", n + 1
    return name[:200]


def copy_preset(source: CompetitionPreset, *, actor, name: str = "") -> CompetitionPreset:
    """A new, non-default preset with the source's configuration."""
    require(actor, "preset.copy", source)
    name = (name or "").strip()
    if name and db.session.execute(select(CompetitionPreset.id).where(CompetitionPreset.name == name)).first():
        raise ValidationFailed(f"Шаблон «{name}» уже есть: выберите другое название.")
    data = as_config(source)
    data.pop("id")
    data.update(name=name[:200] or _unique_name(f"{source.name} — копия"), is_default=False)
    p = CompetitionPreset(builtin=False, copied_from_id=source.id, **data)
    db.session.add(p)
    db.session.flush()
    audit.record("preset.copied", actor=actor, obj=p, payload={"source_id": source.id, "name": p.name})
    return p


def clean(data: dict) -> dict:
    """Validate an edited preset; returns clean values or raises ValidationFailed listing every error."""
    errors: list[str] = []
    out: dict[str, Any] = {}
    name = (data.get("name") or "").strip()
    if not name or len(name) > 200:
        errors.append("Название шаблона — от 1 до 200 символов.")
    out["name"] = name
    kind = data.get("kind")
    kind = kind if isinstance(kind, CampaignKind) else CampaignKind.__members__.get(kind or "")
    if kind is None:
        errors.append("Выберите вид конкурса.")
    out["kind"] = kind
    out["applicant_kind"] = clean_applicant_kind(data.get("applicant_kind"), errors)
    prefix = (data.get("code_prefix") or "").strip()
    if not _PREFIX.match(prefix):
        errors.append("Префикс кода заявки: от 1 до 16 букв, цифр, «-» или «_».")
    out["code_prefix"] = prefix
    out["description"] = (data.get("description") or "").strip()
    out["is_default"] = bool(data.get("is_default"))
    out["sections"] = clean_sections(data.get("sections") or [], errors)
    out["tracks"] = clean_tracks(data.get("tracks") or [], errors)
    out["stages"] = clean_stages(data.get("stages") or [], errors)
    out["criteria"] = clean_criteria(data.get("criteria") or {}, out["stages"], errors)
    out["output_documents"] = clean_outputs(data.get("output_documents") or [], errors)
    out["expert_status_types"] = [c.strip() for c in data.get("expert_status_types") or [] if c and c.strip()]
    _check_status_types(out["expert_status_types"], errors)
    if errors:
        raise ValidationFailed("\n".join(errors))
    return out


def _check_status_types(codes: list[str], errors: list[str]) -> None:
    from ....models.status_type import StatusType

    known = set(db.session.execute(select(StatusType.code)).scalars())
    unknown = [c for c in codes if c not in known]
    if unknown:
        errors.append(f"Неизвестные статусы экспертов: {', '.join(unknown)}.")


def update_preset(preset: CompetitionPreset, data: dict, *, actor, expected_version: int | None) -> dict:
    """Save an edited preset; returns {field: [before, after]} of what changed (audited). Making it the
    default of its kind takes that mark from the kind's other presets."""
    require(actor, "preset.edit", preset)
    if expected_version is not None and expected_version != preset.version:
        raise ConcurrentChange()
    values = clean(data)
    if preset.is_default and values["kind"] != preset.kind:
        raise ValidationFailed(f"Это шаблон по умолчанию для вида «{preset.kind.value}»: сначала отметьте "
                               "другой шаблон этого вида как шаблон по умолчанию или сделайте копию.")
    if preset.is_default and not values["is_default"]:
        raise ValidationFailed("У каждого вида конкурса должен быть шаблон по умолчанию: отметьте другой "
                               "шаблон этого вида как шаблон по умолчанию, а не снимайте отметку здесь.")
    other = db.session.execute(select(CompetitionPreset.id).where(
        CompetitionPreset.name == values["name"], CompetitionPreset.id != preset.id)).first()
    if other:
        raise ValidationFailed(f"Шаблон «{values['name']}» уже есть: выберите другое название.")
    changed = {k: [getattr(preset, k), v] for k, v in values.items() if getattr(preset, k) != v}
    if not changed:
        return {}
    if values["is_default"]:
        for p in presets_of(values["kind"]):
            if p.id != preset.id and p.is_default:
                p.is_default = False
    for k, (_, after) in changed.items():
        setattr(preset, k, after)
    db.session.flush()
    audit.record("preset.edited", actor=actor, obj=preset,
                 payload={"changed": {k: [_plain(b), _plain(a)] for k, (b, a) in changed.items()}})
    return changed


def _plain(v: Any) -> Any:
    return v.name if isinstance(v, enum.Enum) else v
