"""The one place tests build data: organisations, users, experts, campaigns, entries, dossiers, score sheets.

Every builder adds its rows to `db.session` and flushes (ids are set), and never commits — except
`make_world`, which commits a whole small world for the web tests. Use them inside an app context.
They are also served as the `make` fixture (tests/conftest.py): `make.user(...)`, `make.campaign()`, …
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from workflow_app.extensions import db
from workflow_app.models import Municipality, Organization, OrgType, Role, RoleGrant, User
from workflow_app.models.base import utcnow
from workflow_app.models.competition import (
    AssignmentStatus,
    Campaign,
    CampaignKind,
    CampaignStatus,
    Criterion,
    Entry,
    EntryStatus,
    ExpertProfile,
    ReviewAssignment,
    Score,
    Stage,
    StageKind,
    Track,
)
from workflow_app.services.competition.campaigns import campaign_from_preset
from workflow_app.services.platform.passwords import hash_password

PASSWORD = "secret-pass-1"
TITLE = "Школа функциональной грамотности"
_numbers = itertools.count(1)   # unique names and addresses within a run (per xdist worker)
_hashes: dict[str, str] = {}    # argon2 is slow on purpose: each test password is hashed once per run


def D(x) -> Decimal:
    return Decimal(str(x))


def later(minutes: int):
    return utcnow() + timedelta(minutes=minutes)


# --- organisations and people -----------------------------------------------------------------------------

def municipality(code: str) -> Municipality:
    return db.session.execute(select(Municipality).where(Municipality.code == code)).scalar_one()


def make_org(name: str = "МБОУ СОШ № 1", code: str = "krasnodar", org_type: OrgType = OrgType.OO,
             **kw) -> Organization:
    org = Organization(org_type=org_type, full_name=kw.pop("full_name", f"{name} полное"),
                       short_name=name, municipality=municipality(code), **kw)
    db.session.add(org)
    db.session.flush()
    return org


def org(code: str = "krasnodar", org_type: OrgType = OrgType.OO, name: str | None = None, *,
        n: int | None = None, **kw) -> Organization:
    """An organisation named «Организация N» (N unique in the run unless given)."""
    n = next(_numbers) if n is None else n
    return make_org(name or f"Организация {n}", code=code, org_type=org_type,
                    full_name=kw.pop("full_name", f"Полное название организации № {n}"), **kw)


def make_user(email: str, *roles: Role | tuple, org: Organization | None = None,
              name: str = "Иванов Иван Иванович", password: str = PASSWORD) -> User:
    """roles: Role, or (Role.applicant, org), or (Role.coordinator, municipality)."""
    if password not in _hashes:
        _hashes[password] = hash_password(password)
    user = User(email=email, full_name=name, organization=org, password_hash=_hashes[password])
    for r in roles:
        role, scope = r if isinstance(r, tuple) else (r, None)
        grant = RoleGrant(role=role)
        if isinstance(scope, Organization):
            grant.organization = scope
        elif scope is not None:
            grant.municipality = scope
        user.grants.append(grant)
    db.session.add(user)
    db.session.flush()
    return user


def make_expert(email: str | None = None, muni_code: str = "sochi", *, name: str | None = None,
                competences=("ОО",), max_load: int | None = None, active: bool = True,
                organization: Organization | None = None) -> User:
    """An expert with a profile (competences, load), working at `organization` or at a new university."""
    n = next(_numbers)
    email = email or f"expert{n}@example.org"
    o = organization or org(muni_code, OrgType.VUZ)
    u = make_user(email, Role.expert, org=o, name=name or f"Эксперт {email.split('@')[0]}")
    db.session.add(ExpertProfile(user_id=u.id, competences=list(competences), max_load=max_load, active=active))
    db.session.flush()
    return u


# --- campaigns and entries --------------------------------------------------------------------------------

def make_campaign(name: str = "Инновационный поиск 2026", year: int = 2026,
                  status: CampaignStatus = CampaignStatus.open, **settings) -> Campaign:
    """A campaign with the preset's tracks, stages (deadlines in the future) and criteria."""
    settings.setdefault("code_prefix", "ИП")
    c = campaign_from_preset(CampaignKind.innovation_search, name=name, year=year, status=status, **settings)
    now = utcnow()
    for i, s in enumerate(c.stages):
        s.starts_on, s.deadline = date.today(), now + timedelta(days=10 * (i + 1))
    db.session.add(c)
    db.session.flush()
    return c


def stage(campaign: Campaign, kind: StageKind) -> Stage:
    return next(s for s in campaign.stages if s.kind == kind)


def review_stage(campaign: Campaign) -> Stage:
    return stage(campaign, StageKind.expert_review)


def track(campaign: Campaign, code: str) -> Track:
    return next(t for t in campaign.tracks if t.code == code)


def make_entry(campaign: Campaign, org, track_code: str = "ОО", status: EntryStatus = EntryStatus.draft,
               title: str = "Проект", **kw) -> Entry:
    n = db.session.execute(select(func.count(Entry.id)).where(Entry.campaign_id == campaign.id)).scalar_one()
    e = Entry(campaign=campaign, track=track(campaign, track_code), organization=org, status=status,
              code=f"{campaign.code_prefix or 'ИП'}-{campaign.year}-{n + 1:04d}", title=title, **kw)
    db.session.add(e)
    db.session.flush()
    return e


def admitted_entry(campaign: Campaign, muni_code: str = "krasnodar", track_code: str = "ОО", **kw) -> Entry:
    o = kw.pop("organization", None) or org(muni_code)
    return make_entry(campaign, o, track_code=track_code, status=EntryStatus.admitted, **kw)


def fill(entry: Entry, title: str = TITLE) -> Entry:
    """Every section of the campaign's form filled; title, lead and team set."""
    dossier = {}
    for sec in entry.campaign.dossier_schema:
        if sec.get("kind") in ("table", "table_or_text"):  # the applicant chose a table
            dossier[sec["key"]] = [[f"{c} ({sec['key']})" for c in sec["columns"]]]
        else:
            dossier[sec["key"]] = f"<p>Текст раздела {sec['key']}: обоснование и содержание.</p>"
    entry.title = title
    entry.lead_name = "Петров Сергей Иванович, директор"
    entry.team = [{"name": "Петров С. И.", "position": "директор", "role": "руководитель"}]
    entry.dossier = dossier
    db.session.flush()
    return entry


@dataclass
class World:
    campaign_id: int
    org_a: int
    org_b: int
    entry_id: int  # a draft of org A, filled


def make_world(**campaign_settings) -> World:
    """Campaign; org A (ОО, Краснодар) with two applicants; org B (ОО, Сочи) with one; a coordinator per
    municipality; an expert; a staff member. Entry of org A: a filled draft. Committed."""
    c = make_campaign(**campaign_settings)
    a = make_org("МБОУ СОШ № 1", "krasnodar", OrgType.OO)
    b = make_org("МОБУ СОШ № 8", "sochi", OrgType.OO)
    make_user("appa@x.ru", (Role.applicant, a), org=a, name="Заявитель А")
    make_user("appa2@x.ru", (Role.applicant, a), org=a, name="Заявитель А2")
    make_user("appb@x.ru", (Role.applicant, b), org=b, name="Заявитель Б")
    make_user("coord-krd@x.ru", (Role.coordinator, municipality("krasnodar")))
    make_user("coord-sochi@x.ru", (Role.coordinator, municipality("sochi")))
    make_user("expert@x.ru", Role.expert)
    make_user("staff@x.ru", Role.staff, name="Сотрудник Один")
    make_user("staff2@x.ru", Role.staff, name="Сотрудник Два")
    e = fill(make_entry(c, a, "ОО", EntryStatus.draft))
    db.session.commit()
    return World(c.id, a.id, b.id, e.id)


# --- review: assignments and score sheets -----------------------------------------------------------------

def criteria(campaign: Campaign, entry: Entry) -> list[Criterion]:
    return criteria_of(review_stage(campaign), entry)


def criteria_of(stage: Stage, entry: Entry) -> list[Criterion]:
    from workflow_app.services.competition.review import criteria_for

    return criteria_for(stage.id, entry.track_id)


def assignments_of(entry_id: int, stage_id: int | None = None) -> list[ReviewAssignment]:
    stmt = select(ReviewAssignment).where(ReviewAssignment.entry_id == entry_id)
    if stage_id is not None:
        stmt = stmt.where(ReviewAssignment.stage_id == stage_id)
    return list(db.session.execute(stmt.order_by(ReviewAssignment.id)).scalars())


def accepted(entry: Entry, stage_obj: Stage, expert: User, **kw) -> ReviewAssignment:
    """An assignment the expert has accepted (or in `status=`), due at the stage's deadline."""
    a = ReviewAssignment(entry_id=entry.id, stage_id=stage_obj.id, expert_id=expert.id,
                         status=kw.pop("status", AssignmentStatus.accepted), due_at=stage_obj.deadline, **kw)
    db.session.add(a)
    db.session.flush()
    return a


def sheet(entry: Entry, expert: User, stage: Stage, total=None, points: list | None = None,
          status: AssignmentStatus = AssignmentStatus.submitted, comments: list | None = None,
          when=None) -> ReviewAssignment:
    """An expert's submitted sheet written straight into the database: the Score rows and the weighted
    total (Σ points × weight), or only `total` when no per-criterion points are given."""
    crit = criteria_of(stage, entry) if points is not None else []
    if points is not None:
        assert len(points) == len(crit)
        total = sum(D(p) * c.weight for c, p in zip(crit, points, strict=False))
    a = ReviewAssignment(entry_id=entry.id, stage_id=stage.id, expert_id=expert.id, status=status)
    if status == AssignmentStatus.submitted:  # a submitted sheet always has its total (ck_…_submitted_has_total)
        a.total = D(total)
        a.submitted_at = when or utcnow()
    db.session.add(a)
    db.session.flush()
    for i, (c, p) in enumerate(zip(crit, points or [], strict=False)):
        db.session.add(Score(assignment_id=a.id, criterion_id=c.id, points=D(p),
                             comment=(comments[i] if comments else "")))
    db.session.flush()
    return a


def score(a: ReviewAssignment, points, actor):
    """Send a whole score sheet with the same points on every criterion, through the review service."""
    from workflow_app.services.competition import review

    crit = review.criteria_for(a.stage_id, a.entry.track_id)
    return review.save_sheet(a, actor, {c.id: (str(points), "") for c in crit}, "", submit=True)


class Make:
    """The `make` fixture: the builders above under short names (`make.user`, `make.entry`, …)."""

    org = staticmethod(make_org)
    numbered_org = staticmethod(org)
    user = staticmethod(make_user)
    expert = staticmethod(make_expert)
    campaign = staticmethod(make_campaign)
    entry = staticmethod(make_entry)
    admitted_entry = staticmethod(admitted_entry)
    world = staticmethod(make_world)
    fill = staticmethod(fill)
    accepted = staticmethod(accepted)
    sheet = staticmethod(sheet)
    score = staticmethod(score)


def status_type(code: str):
    """A seeded status type by its code (KIP, KRC, LSV, MIP, FIP…)."""
    from workflow_app.services.statuses.types import by_code

    return by_code(code)
