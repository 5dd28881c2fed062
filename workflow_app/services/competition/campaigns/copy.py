"""A campaign copied from a previous year's."""
from __future__ import annotations

import copy
from typing import Any

from .... import audit
from ....extensions import db
from ....models.competition import Campaign, Criterion, Stage, Track
from ....policy import require
from ....timeutil import shift_deadline, shift_years
from .common import SETTINGS_FIELDS, S, _fail
from .setup import validate_header

# --- copy --------------------------------------------------------------------------------------

def copy_campaign(source: Campaign, *, year: Any, name: str = "", actor) -> Campaign:
    """A new draft for another year: settings, tracks, stages (dates moved by whole years), criteria and
    the dossier form. Entries, the regulation (a new order each year) and the criteria lock are not copied."""
    require(actor, "campaign.copy", source)
    errors: list[str] = []
    default_name = (source.name.replace(str(source.year), str(year)) if str(source.year) in source.name
                    else f"{source.name} ({year})")
    name, year = validate_header(name or default_name, year, errors)
    _fail(errors)
    years = year - source.year
    c = Campaign(name=name, year=year, status=S.draft, copied_from_id=source.id,
                 dossier_schema=copy.deepcopy(source.dossier_schema or []), applicant_kind=source.applicant_kind,
                 output_documents=list(source.output_documents or []), preset_id=source.preset_id,
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
                   starts_on=shift_years(s.starts_on, years) if s.starts_on else None,
                   deadline=shift_deadline(s.deadline, years))
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

