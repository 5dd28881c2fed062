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

Everything validates first and changes afterwards, so a refusal leaves nothing half-applied. Every
state-changing function first asks the policy (`policy.require`, or `fire` for a transition) with the
same action the campaign views authorize with.

The package's modules: common (constants, helpers), setup (creation, settings, dossier form, regulation),
structure (tracks, stages), criteria, lifecycle (guards, effects, transition), copy, queries.
"""
from __future__ import annotations

from .common import (
    FIELD_LABELS,
    REGULATION_MAX_BYTES,
    REGULATION_TYPES,
    SCORING_SETTINGS,
    SETTINGS_FIELDS,
    STAGE_ORDER,
    STRUCTURE_EDITABLE,
    stage_of,
)
from .copy import copy_campaign
from .criteria import (
    add_criterion,
    criteria_for,
    criteria_locked,
    max_total,
    move_criterion,
    remove_criterion,
    update_criterion,
)
from .lifecycle import (
    FINAL_ENTRY_STATES,
    guard_close,
    guard_defence,
    guard_open,
    lock_criteria,
    missing_for_open,
    transition,
    undecided_entries,
)
from .queries import Applications, applications, get_campaign, public_campaigns, status_counts
from .setup import (
    campaign_from_preset,
    create_campaign,
    default_code_prefix,
    set_regulation,
    update_dossier_schema,
    update_settings,
    validate_header,
)
from .structure import (
    add_stage,
    add_track,
    check_stage_dates,
    remove_stage,
    remove_track,
    update_stage,
    update_track,
)

__all__ = [
    "FIELD_LABELS", "FINAL_ENTRY_STATES", "REGULATION_MAX_BYTES", "REGULATION_TYPES", "SCORING_SETTINGS",
    "SETTINGS_FIELDS", "STAGE_ORDER", "STRUCTURE_EDITABLE",
    "Applications", "applications",
    "add_criterion", "add_stage", "add_track", "campaign_from_preset", "check_stage_dates", "copy_campaign",
    "create_campaign", "criteria_for", "criteria_locked", "default_code_prefix", "get_campaign",
    "guard_close", "guard_defence", "guard_open", "lock_criteria", "max_total", "missing_for_open",
    "move_criterion", "public_campaigns", "remove_criterion", "remove_stage", "remove_track",
    "set_regulation", "stage_of", "status_counts", "transition", "undecided_entries", "update_criterion",
    "update_dossier_schema", "update_settings", "update_stage", "update_track", "validate_header",
]
