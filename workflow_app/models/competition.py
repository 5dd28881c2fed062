"""The competition engine: campaigns with tracks, stages and criteria; entries with dossiers and versions;
the expert pool; review assignments with their score rows.

Everything a campaign can vary (dates, criteria, weights, thresholds, number of experts, blind review, the
dossier's sections) is data on the campaign, never constants in code.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, VersionedMixin, checked_enum, utcnow
from .files import StoredFile
from .org import Organization
from .user import User

if TYPE_CHECKING:
    from .preset import CompetitionPreset

POINTS = sa.Numeric(8, 2)


class CampaignKind(enum.Enum):
    innovation_search = "Инновационный поиск"
    methodical_teams = "Конкурс муниципальных методических команд"
    best_practice = "Лучшая методическая практика"
    poster_session = "Постер-сессия"
    teacher_contest = "Конкурс педагогов"
    other = "Другой конкурс"


class ApplicantKind(enum.Enum):
    """Who an entry belongs to: an organisation, one teacher (their organisation is the affiliation), or a
    team of organisations (the entry's organisation leads, co-applicants read)."""
    organization = "Организация"
    person = "Педагог (индивидуальное участие)"
    team = "Команда организаций"


class CampaignStatus(enum.Enum):
    draft = "Черновик"
    open = "Приём заявок"
    review = "Экспертиза"
    defence = "Очный этап"
    decision = "Решение комиссии"
    closed = "Завершён"


class FinalScoreMode(enum.Enum):
    last_stage = "Оценка последнего оцениваемого этапа"
    weighted_stages = "Взвешенная сумма этапов"


class Campaign(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "campaign"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    year: Mapped[int] = mapped_column(sa.Integer, index=True)
    kind: Mapped[CampaignKind] = mapped_column(checked_enum(CampaignKind, "kind", 32))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[CampaignStatus] = mapped_column(
        checked_enum(CampaignStatus, "status", 16), default=CampaignStatus.draft, index=True)
    regulation_file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"), nullable=True)
    experts_per_entry: Mapped[int] = mapped_column(sa.Integer, default=3)
    expert_load_cap: Mapped[int] = mapped_column(sa.Integer, default=15)
    divergence_pct: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), default=Decimal("30"))
    shortlist_pct: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), default=Decimal("60"))
    blind_review: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    entries_per_org: Mapped[int] = mapped_column(sa.Integer, default=1)
    comment_required: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    normalize_scores: Mapped[bool] = mapped_column(sa.Boolean, default=False)  # per-expert z-score
    final_score_mode: Mapped[FinalScoreMode] = mapped_column(
        checked_enum(FinalScoreMode, "final_score_mode", 24), default=FinalScoreMode.last_stage)
    # The dossier form: [{"key", "title", "kind": "text"|"table"|"list", "columns": [...], "required": bool}]
    dossier_schema: Mapped[list] = mapped_column(sa.JSON, default=list)
    criteria_locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    copied_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaign.id"), nullable=True)
    code_prefix: Mapped[str] = mapped_column(sa.String(16), default="ИП")
    # From the preset the campaign was created with: who may enter, which documents the results produce.
    applicant_kind: Mapped[ApplicantKind] = mapped_column(
        checked_enum(ApplicantKind, "applicant_kind", 16), default=ApplicantKind.organization,
        server_default=ApplicantKind.organization.name)
    output_documents: Mapped[list] = mapped_column(sa.JSON, default=list)
    preset_id: Mapped[int | None] = mapped_column(sa.ForeignKey("competition_preset.id"), nullable=True)

    regulation_file: Mapped[StoredFile | None] = relationship()
    preset: Mapped[CompetitionPreset | None] = relationship("CompetitionPreset")
    tracks: Mapped[list[Track]] = relationship(
        back_populates="campaign", order_by="Track.position", cascade="all, delete-orphan")
    stages: Mapped[list[Stage]] = relationship(
        back_populates="campaign", order_by="Stage.position", cascade="all, delete-orphan")
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="campaign", order_by="Criterion.position", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.name


class Track(db.Model):
    """A track (nomination) and which organisation types may enter it."""

    __tablename__ = "track"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "code", name="uq_track_campaign_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(200))
    org_types: Mapped[list] = mapped_column(sa.JSON, default=list)  # OrgType names
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    winners_quota: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)

    campaign: Mapped[Campaign] = relationship(back_populates="tracks")

    def __str__(self) -> str:
        return self.name


class StageKind(enum.Enum):
    registration = "Регистрация участников"
    submission = "Приём заявок (заочный этап)"
    correction = "Доработка заявок"
    expert_review = "Экспертиза"
    defence = "Очный этап (защита)"
    decision = "Решение комиссии"


class Stage(db.Model):
    __tablename__ = "stage"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "kind", name="uq_stage_campaign_kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    kind: Mapped[StageKind] = mapped_column(checked_enum(StageKind, "kind", 16))
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    starts_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    in_person: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    scored: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    score_weight: Mapped[Decimal] = mapped_column(sa.Numeric(6, 3), default=Decimal("1"))

    campaign: Mapped[Campaign] = relationship(back_populates="stages")

    @property
    def title(self) -> str:
        return self.kind.value


class Criterion(db.Model):
    """A scoring criterion of one scored stage, for one track (track_id NULL: every track)."""

    __tablename__ = "criterion"
    __table_args__ = (sa.Index("ix_criterion_stage_track", "stage_id", "track_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    stage_id: Mapped[int] = mapped_column(sa.ForeignKey("stage.id", ondelete="CASCADE"))
    track_id: Mapped[int | None] = mapped_column(sa.ForeignKey("track.id", ondelete="CASCADE"), nullable=True)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    name: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    max_points: Mapped[Decimal] = mapped_column(POINTS)
    weight: Mapped[Decimal] = mapped_column(sa.Numeric(6, 3), default=Decimal("1"))

    campaign: Mapped[Campaign] = relationship(back_populates="criteria")
    stage: Mapped[Stage] = relationship()
    track: Mapped[Track | None] = relationship()


class EntryStatus(enum.Enum):
    draft = "Черновик"
    submitted = "Подана"
    returned = "Возвращена на доработку"
    admitted = "Допущена"
    rejected = "Отклонена"
    under_review = "На экспертизе"
    scored = "Оценена"
    shortlisted = "Прошла на очный этап"
    defended = "Очный этап пройден"
    winner = "Победитель"
    not_selected = "Не прошла отбор"
    withdrawn = "Отозвана"


class Decision(enum.Enum):
    winner = "Победитель"
    not_selected = "Не прошла отбор"


class Entry(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "entry"
    __table_args__ = (
        sa.Index("ix_entry_campaign_track_status", "campaign_id", "track_id", "status"),
        sa.Index("ix_entry_campaign_status", "campaign_id", "status"),
        sa.UniqueConstraint("campaign_id", "code", name="uq_entry_campaign_code"),
        sa.CheckConstraint("status <> 'returned' OR correction_due IS NOT NULL",
                           name="returned_has_correction_due"),
        # The decision is written in the transaction that moves the entry to winner / not_selected.
        sa.CheckConstraint("decision IS NULL OR decision = status", name="decision_matches_status"),
        sa.CheckConstraint("applicant_kind <> 'person' OR person_id IS NOT NULL", name="person_entry_has_person"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"))
    track_id: Mapped[int] = mapped_column(sa.ForeignKey("track.id"))
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    # A person's entry: the teacher (a user) owns it; organization_id is their affiliation.
    applicant_kind: Mapped[ApplicantKind] = mapped_column(
        checked_enum(ApplicantKind, "applicant_kind", 16), default=ApplicantKind.organization,
        server_default=ApplicantKind.organization.name)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), nullable=True, index=True)
    code: Mapped[str] = mapped_column(sa.String(32))  # shown instead of the applicant in blind review
    title: Mapped[str] = mapped_column(sa.String(500), default="")  # project theme
    status: Mapped[EntryStatus] = mapped_column(
        checked_enum(EntryStatus, "status", 16), default=EntryStatus.draft)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), nullable=True)
    # Registered by staff from a dossier received on paper: staff may fill it in and submit it.
    on_paper: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    lead_name: Mapped[str] = mapped_column(sa.String(200), default="")
    team: Mapped[list] = mapped_column(sa.JSON, default=list)  # [{"name", "position", "role"}]
    dossier: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # section key -> html or table rows
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    extension_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    correction_due: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    staff_remark: Mapped[str] = mapped_column(sa.Text, default="")
    current_version: Mapped[int] = mapped_column(sa.Integer, default=0)
    divergent: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # Set when the commission's decision locks the results.
    final_score: Mapped[Decimal | None] = mapped_column(sa.Numeric(10, 4), nullable=True)
    final_rank: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    decision: Mapped[Decision | None] = mapped_column(
        checked_enum(Decision, "decision", 16), nullable=True)
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")

    campaign: Mapped[Campaign] = relationship()
    track: Mapped[Track] = relationship()
    organization: Mapped[Organization] = relationship()
    person: Mapped[User | None] = relationship(foreign_keys=[person_id])
    coapplicants: Mapped[list[EntryCoapplicant]] = relationship(
        back_populates="entry", order_by="EntryCoapplicant.organization_id", cascade="all, delete-orphan")
    attachments: Mapped[list[EntryAttachment]] = relationship(
        back_populates="entry", order_by="EntryAttachment.id", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.title or self.code


class EntryCoapplicant(db.Model):
    """A co-applicant organisation of a team entry: it reads the entry; the lead organisation edits it."""

    __tablename__ = "entry_coapplicant"
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry: Mapped[Entry] = relationship(back_populates="coapplicants")
    organization: Mapped[Organization] = relationship(lazy="joined")


class EntryVersion(db.Model):
    """A frozen submitted dossier: content snapshot, its SHA-256 and the rendered PDF. Never updated."""

    __tablename__ = "entry_version"
    __table_args__ = (sa.UniqueConstraint("entry_id", "number", name="uq_entry_version_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), nullable=True)
    content: Mapped[dict] = mapped_column(sa.JSON)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    pdf_file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"), nullable=True)

    pdf_file: Mapped[StoredFile | None] = relationship()


class EntryAttachment(db.Model):
    __tablename__ = "entry_attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id"))
    title: Mapped[str] = mapped_column(sa.String(300), default="")

    entry: Mapped[Entry] = relationship(back_populates="attachments")
    file: Mapped[StoredFile] = relationship(lazy="joined")


class ExpertProfile(TimestampMixin, db.Model):
    """An expert in the pool: competences are track codes (e.g. ДОО, ОО) shared across campaigns."""

    __tablename__ = "expert_profile"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), unique=True)
    competences: Mapped[list] = mapped_column(sa.JSON, default=list)
    max_load: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)  # overrides the campaign cap
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")

    user: Mapped[User] = relationship(lazy="joined")


class ExpertConflict(db.Model):
    """A conflict of interest an expert declared with an organisation."""

    __tablename__ = "expert_conflict"
    __table_args__ = (sa.UniqueConstraint("expert_id", "organization_id", name="uq_expert_conflict"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AssignmentStatus(enum.Enum):
    offered = "Предложена"
    accepted = "Принята"
    declined = "Отклонена экспертом"
    conflict = "Конфликт интересов"
    submitted = "Оценка отправлена"
    reopened = "Возвращена на пересмотр"
    revoked = "Снята"


class ReviewAssignment(TimestampMixin, VersionedMixin, db.Model):
    """One expert reviewing one entry at one scored stage; also the score sheet's header.

    `total` is the sheet's weighted total, written in the same transaction as the submission so
    rankings are one aggregate over assignments, never a scan of score rows.
    """

    __tablename__ = "review_assignment"
    __table_args__ = (
        sa.UniqueConstraint("entry_id", "stage_id", "expert_id", name="uq_assignment_entry_stage_expert"),
        sa.Index("ix_assignment_expert_status", "expert_id", "status"),
        sa.Index("ix_assignment_stage_status", "stage_id", "status", "entry_id"),
        sa.CheckConstraint("status <> 'submitted' OR (total IS NOT NULL AND submitted_at IS NOT NULL)",
                           name="submitted_has_total"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    stage_id: Mapped[int] = mapped_column(sa.ForeignKey("stage.id"))
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    status: Mapped[AssignmentStatus] = mapped_column(
        checked_enum(AssignmentStatus, "status", 16), default=AssignmentStatus.offered)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    is_extra: Mapped[bool] = mapped_column(sa.Boolean, default=False)  # added for divergence
    manual: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    explanation: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # why this expert was chosen
    comment: Mapped[str] = mapped_column(sa.Text, default="")  # overall comment on the sheet
    total: Mapped[Decimal | None] = mapped_column(sa.Numeric(10, 4), nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    entry: Mapped[Entry] = relationship()
    stage: Mapped[Stage] = relationship()
    expert: Mapped[User] = relationship()


class Score(db.Model):
    """One criterion's points on one score sheet."""

    __tablename__ = "score"
    __table_args__ = (sa.UniqueConstraint("assignment_id", "criterion_id", name="uq_score_assignment_criterion"),)
    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review_assignment.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criterion.id"), index=True)
    points: Mapped[Decimal | None] = mapped_column(POINTS, nullable=True)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
