"""The expert pool for staff: who the experts are, what they may review and how loaded they are."""
from __future__ import annotations

import json

from sqlalchemy import String, cast, func, or_, select

from ... import audit
from ...errors import ValidationFailed
from ...extensions import db
from ...ints import db_int
from ...listing import like_pattern
from ...models import Municipality, Organization, Role, RoleGrant, User
from ...models.competition import (
    Campaign,
    CampaignStatus,
    Entry,
    ExpertConflict,
    ExpertProfile,
    ReviewAssignment,
    Track,
)
from .assignment_plan import LIVE
from .presets import TRACKS_INNOVATION

SORTABLE = ("name", "organization", "municipality", "load", "max_load")


def competence_choices() -> list[tuple[str, str]]:
    """Track codes experts can be competent in: the preset's plus any used by a campaign."""
    seen = {code: name for code, name, _ in TRACKS_INNOVATION}
    for code, name in db.session.execute(select(Track.code, Track.name).order_by(Track.id)):
        seen.setdefault(code, name)
    return [(code, f"{code} — {name}") for code, name in seen.items()]


def campaigns_for_select() -> list[Campaign]:
    return list(db.session.execute(
        select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc())).scalars())


def default_campaign() -> Campaign | None:
    """The campaign whose load the pool shows first: the newest one under review or open."""
    for status in (CampaignStatus.review, CampaignStatus.open, CampaignStatus.defence):
        c = db.session.execute(select(Campaign).where(Campaign.status == status)
                               .order_by(Campaign.year.desc(), Campaign.id.desc()).limit(1)).scalar_one_or_none()
        if c is not None:
            return c
    return db.session.execute(select(Campaign).order_by(Campaign.id.desc()).limit(1)).scalar_one_or_none()


def pool_query(campaign_id: int | None, q: str = "", competence: str = "", municipality_id: str = "",
               active: str = ""):
    """Experts (role + optional profile) with organisation, municipality, live load in the campaign and
    the number of declared conflicts — one statement, so a page costs two queries whatever its size."""
    load = (select(func.count(ReviewAssignment.id))
            .join(Entry, Entry.id == ReviewAssignment.entry_id)
            .where(ReviewAssignment.expert_id == User.id, ReviewAssignment.status.in_(LIVE),
                   Entry.campaign_id == (campaign_id or -1))
            .correlate(User).scalar_subquery())
    conflicts = (select(func.count(ExpertConflict.id)).where(ExpertConflict.expert_id == User.id)
                 .correlate(User).scalar_subquery())
    stmt = (
        select(User.id, User.full_name, User.email, Organization.short_name.label("organization"),
               Municipality.name.label("municipality"), ExpertProfile.id.label("profile_id"),
               ExpertProfile.competences, ExpertProfile.max_load, ExpertProfile.active,
               load.label("load"), conflicts.label("conflicts"))
        .outerjoin(ExpertProfile, ExpertProfile.user_id == User.id)
        .outerjoin(Organization, Organization.id == User.organization_id)
        .outerjoin(Municipality, Municipality.id == Organization.municipality_id)
        .where(User.id.in_(select(RoleGrant.user_id).where(RoleGrant.role == Role.expert)))
    )
    if q:
        pat = like_pattern(q)
        stmt = stmt.where(or_(User.full_name.ilike(pat, escape="\\"), User.email.ilike(pat, escape="\\"),
                              Organization.short_name.ilike(pat, escape="\\"),
                              Organization.full_name.ilike(pat, escape="\\")))
    if competence:
        # JSON text holds the code as json.dumps writes it; the quotes keep «ОО» from matching «ДОО».
        stmt = stmt.where(cast(ExpertProfile.competences, String).like(
            like_pattern(json.dumps(competence)), escape="\\"))
    if db_int(municipality_id) is not None:
        stmt = stmt.where(Organization.municipality_id == db_int(municipality_id))
    if active == "yes":
        stmt = stmt.where(ExpertProfile.active.is_(True))
    elif active == "no":
        stmt = stmt.where(or_(ExpertProfile.active.is_(False), ExpertProfile.id.is_(None)))
    columns = {"name": User.full_name, "organization": Organization.short_name,
               "municipality": Municipality.name, "load": load, "max_load": ExpertProfile.max_load}
    return stmt, columns


def conflicts_of(expert_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {i: [] for i in expert_ids}
    if not expert_ids:
        return out
    for eid, name in db.session.execute(
            select(ExpertConflict.expert_id, Organization.short_name)
            .join(Organization, Organization.id == ExpertConflict.organization_id)
            .where(ExpertConflict.expert_id.in_(expert_ids)).order_by(ExpertConflict.id)):
        out[eid].append(name)
    return out


def get_expert(user_id: int) -> User | None:
    user = db.session.get(User, user_id)
    if user is None or not user.has_role(Role.expert):
        return None
    return user


def profile_of(user: User) -> ExpertProfile | None:
    return db.session.execute(select(ExpertProfile).where(ExpertProfile.user_id == user.id)).scalar_one_or_none()


def save_profile(user: User, actor, *, competences: list[str], max_load: int | None, active: bool,
                 note: str) -> ExpertProfile:
    valid = {c for c, _ in competence_choices()}
    unknown = [c for c in competences if c not in valid]
    if unknown:
        raise ValidationFailed(f"Неизвестные треки: {', '.join(unknown)}.")
    if max_load is not None and not 0 <= max_load <= 1000:
        raise ValidationFailed("Максимальная нагрузка должна быть от 0 до 1000 заявок.")
    profile = profile_of(user)
    before = None
    if profile is None:
        profile = ExpertProfile(user_id=user.id)
        db.session.add(profile)
    else:
        before = {"competences": profile.competences, "max_load": profile.max_load, "active": profile.active}
    profile.competences = sorted(set(competences), key=lambda c: [x for x, _ in competence_choices()].index(c))
    profile.max_load = max_load
    profile.active = active
    profile.note = (note or "").strip()[:2000]
    db.session.flush()
    audit.record("expert.profile_edit", actor=actor, obj=profile,
                 payload={"user_id": user.id, "before": before,
                          "after": {"competences": profile.competences, "max_load": max_load,
                                    "active": active}})
    return profile
