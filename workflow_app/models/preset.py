"""Competition presets: the starting configuration of a campaign of one kind, as data admins copy and edit.

A preset holds the dossier form's sections, the tracks (with the organisation types they admit), the
scored criteria per stage, the stages with their default dates (offsets from 1 January of the campaign's
year), who may enter and which documents the results produce. Creating a campaign copies it; later edits
of the preset never change existing campaigns.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import TimestampMixin, VersionedMixin, checked_enum
from .competition import ApplicantKind, CampaignKind


class CompetitionPreset(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "competition_preset"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[CampaignKind] = mapped_column(checked_enum(CampaignKind, "kind", 32), index=True)
    # The one a new campaign of its kind starts from (the service keeps one per kind).
    is_default: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    builtin: Mapped[bool] = mapped_column(sa.Boolean, default=False)  # seeded by the migration
    applicant_kind: Mapped[ApplicantKind] = mapped_column(
        checked_enum(ApplicantKind, "applicant_kind", 16), default=ApplicantKind.organization)
    code_prefix: Mapped[str] = mapped_column(sa.String(16), default="К")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # [{"key", "code", "title", "chapter", "kind": text|table|table_or_text|link, "columns", "required"}]
    sections: Mapped[list] = mapped_column(sa.JSON, default=list)
    # [{"code", "name", "org_types": [OrgType names]}]
    tracks: Mapped[list] = mapped_column(sa.JSON, default=list)
    # [{"kind": StageKind name, "in_person", "scored", "offset_days", "duration_days"}]
    stages: Mapped[list] = mapped_column(sa.JSON, default=list)
    # {StageKind name: [{"name", "description", "max_points": "10", "weight": "1"}]}
    criteria: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # ["protocol", "rating", "order", "certificates"]
    output_documents: Mapped[list] = mapped_column(sa.JSON, default=list)
    # StatusType codes whose current holders' members make up the expert pool (e.g. ["KRC", "LSV"]).
    expert_status_types: Mapped[list] = mapped_column(sa.JSON, default=list)
    copied_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("competition_preset.id"), nullable=True)

    def __str__(self) -> str:
        return self.name
