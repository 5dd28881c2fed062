"""Factories for the review tests: experts with profiles, a campaign with admitted entries."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import OrgType, Role
from workflow_app.models.competition import (
    AssignmentStatus,
    Criterion,
    EntryStatus,
    ExpertProfile,
    ReviewAssignment,
    StageKind,
)

from .competition_factories import make_entry, stage
from .helpers import PASSWORD, make_org

_n = {"org": 0}
_HASH: dict[str, str] = {}


def make_user(email: str, *roles, org=None, name: str = "Иванов Иван Иванович"):
    """Like helpers.make_user, but the argon2 hash of the test password is computed once (~0.5 s each)."""
    from workflow_app.models import RoleGrant, User
    from workflow_app.services.platform.passwords import hash_password

    if "h" not in _HASH:
        _HASH["h"] = hash_password(PASSWORD)
    user = User(email=email, full_name=name, organization=org, password_hash=_HASH["h"])
    for r in roles:
        grant = RoleGrant(role=r[0] if isinstance(r, tuple) else r)
        if isinstance(r, tuple):
            grant.organization = r[1]
        user.grants.append(grant)
    db.session.add(user)
    db.session.flush()
    return user


def org(code: str = "krasnodar", org_type: OrgType = OrgType.OO, name: str | None = None):
    _n["org"] += 1
    return make_org(name or f"Организация {_n['org']}", code=code, org_type=org_type,
                    full_name=f"Полное название организации № {_n['org']}")


def make_expert(email: str, muni_code: str = "sochi", competences=("ОО",), max_load=None, active=True,
                name: str | None = None, organization=None):
    o = organization or org(muni_code, OrgType.VUZ)
    u = make_user(email, Role.expert, org=o, name=name or f"Эксперт {email.split('@')[0]}")
    db.session.add(ExpertProfile(user_id=u.id, competences=list(competences), max_load=max_load, active=active))
    db.session.flush()
    return u


def review_stage(campaign):
    return stage(campaign, StageKind.expert_review)


def admitted_entry(campaign, muni_code: str = "krasnodar", track_code: str = "ОО", **kw):
    o = kw.pop("organization", None) or org(muni_code)
    return make_entry(campaign, o, track_code=track_code, status=EntryStatus.admitted, **kw)


def assignments_of(entry_id: int, stage_id: int | None = None) -> list[ReviewAssignment]:
    stmt = select(ReviewAssignment).where(ReviewAssignment.entry_id == entry_id)
    if stage_id is not None:
        stmt = stmt.where(ReviewAssignment.stage_id == stage_id)
    return list(db.session.execute(stmt.order_by(ReviewAssignment.id)).scalars())


def criteria(campaign, entry) -> list[Criterion]:
    from workflow_app.services.competition.review import criteria_for

    return criteria_for(review_stage(campaign).id, entry.track_id)


def accepted(entry, stage_obj, expert, **kw) -> ReviewAssignment:
    a = ReviewAssignment(entry_id=entry.id, stage_id=stage_obj.id, expert_id=expert.id,
                         status=kw.pop("status", AssignmentStatus.accepted), due_at=stage_obj.deadline, **kw)
    db.session.add(a)
    db.session.flush()
    return a


def D(x) -> Decimal:
    return Decimal(str(x))
