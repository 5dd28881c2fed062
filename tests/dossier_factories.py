"""Factories for dossier tests: a complete dossier, and a small world of organisations and users."""
from __future__ import annotations

from dataclasses import dataclass

from workflow_app.extensions import db
from workflow_app.models import OrgType, Role
from workflow_app.models.competition import Campaign, Entry, EntryStatus

from .competition_factories import make_campaign, make_entry
from .helpers import PASSWORD, make_org, municipality

_HASH: list[str] = []


def make_user(email: str, *roles, org=None, name: str = "Иванов Иван Иванович"):
    """tests.helpers.make_user with the password hash computed once per run (argon2 is slow on purpose)."""
    from workflow_app.models import Organization, RoleGrant, User
    from workflow_app.services.platform.passwords import hash_password

    if not _HASH:
        _HASH.append(hash_password(PASSWORD))
    user = User(email=email, full_name=name, organization=org, password_hash=_HASH[0])
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

TITLE = "Школа функциональной грамотности"


def fill(entry: Entry, title: str = TITLE) -> Entry:
    """Every section of the campaign's form filled; title, lead and team set."""
    dossier = {}
    for sec in entry.campaign.dossier_schema:
        if sec.get("kind") == "table":
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
    municipality; an expert; a staff member. Entry of org A: a filled draft."""
    c: Campaign = make_campaign(**campaign_settings)
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
