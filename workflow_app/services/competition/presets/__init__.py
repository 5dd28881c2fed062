"""Competition presets: one per campaign kind built in (`builtin`), kept as rows admins copy and edit
(`store`), checked by `validate`. `preset_for(kind)` is the configuration a new campaign of that kind
starts from."""
from __future__ import annotations

from ....models.competition import CampaignKind
from .builtin import TRACKS_INNOVATION, builtin_rows
from .store import as_config, default_for

__all__ = ["TRACKS_INNOVATION", "builtin_rows", "preset_for"]


def preset_for(kind: CampaignKind) -> dict:
    """The configuration of the kind's default preset (see store.as_config)."""
    return as_config(default_for(kind))
