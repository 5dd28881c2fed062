"""An expert pool drawn from status holders: for «Лучшая методическая практика» the КРЦ and ЛСВ review the
entries (domain §2.5). The people of organisations holding a current award of the preset's status types
(members by their profile's organisation or by an applicant grant) get the expert role and a profile
competent in the campaign's tracks."""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from ... import audit
from ...errors import ValidationFailed
from ...extensions import db
from ...models import Role, RoleGrant, User, UserStatus
from ...models.competition import Campaign, ExpertProfile
from ...models.preset import CompetitionPreset
from ...models.status_award import StatusAward
from ...models.status_type import StatusType
from ...policy import require
from ...timeutil import today_local


def holder_status_codes(campaign: Campaign) -> list[str]:
    preset = db.session.get(CompetitionPreset, campaign.preset_id) if campaign.preset_id else None
    return list(preset.expert_status_types or []) if preset else []


def holder_org_ids(codes: list[str], day: date) -> set[int]:
    return set(db.session.execute(
        select(StatusAward.organization_id).join(StatusType, StatusType.id == StatusAward.status_type_id)
        .where(StatusType.code.in_(codes), StatusAward.current_on(day))).scalars())


def candidates(campaign: Campaign, day: date | None = None) -> list[User]:
    """Active users of organisations holding a current award of the campaign's expert status types."""
    codes = holder_status_codes(campaign)
    orgs = holder_org_ids(codes, day or today_local()) if codes else set()
    if not orgs:
        return []
    members = select(RoleGrant.user_id).where(RoleGrant.role == Role.applicant, RoleGrant.organization_id.in_(orgs))
    return list(db.session.execute(
        select(User).where(User.status == UserStatus.active,
                           or_(User.organization_id.in_(orgs), User.id.in_(members)))
        .order_by(User.full_name, User.id)).scalars())


def fill_pool_from_holders(campaign: Campaign, *, actor, day: date | None = None) -> list[User]:
    """Make every candidate an active expert competent in the campaign's tracks; returns them (audited).
    Running it again adds only who is new."""
    require(actor, "campaign.edit", campaign)
    codes = holder_status_codes(campaign)
    if not codes:
        raise ValidationFailed("В шаблоне этого конкурса не указано, держатели каких статусов проводят экспертизу.")
    users = candidates(campaign, day)
    if not users:
        raise ValidationFailed("Нет организаций с действующим статусом "
                               f"{', '.join(codes)}, в которых есть пользователи.")
    tracks = [t.code for t in campaign.tracks]
    added = []
    for u in users:
        if not u.has_role(Role.expert):
            u.grants.append(RoleGrant(role=Role.expert))
            added.append(u.id)
        profile = db.session.execute(select(ExpertProfile).where(ExpertProfile.user_id == u.id)).scalar_one_or_none()
        if profile is None:
            profile = ExpertProfile(user_id=u.id, competences=[], active=True)
            db.session.add(profile)
        profile.competences = list(dict.fromkeys([*(profile.competences or []), *tracks]))
        profile.active = True
    db.session.flush()
    audit.record("expert.pool_from_holders", actor=actor, obj=campaign,
                 payload={"status_types": codes, "experts": [u.id for u in users], "new_experts": added})
    return users
