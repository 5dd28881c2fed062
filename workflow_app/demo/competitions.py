"""Two more competitions run end to end from their own presets (domain §2.5):

- «Конкурс муниципальных методических команд 2026»: only ТМС; stage I by correspondence in August with a
  video link per team, stage II in person in September (case solving), results decided;
- «Лучшая методическая практика 2026» is run by demo/results.py with the helpers here: ТМС entries,
  experts from the current КРЦ/ЛСВ holders.

Everything goes through the services staff use (entry lifecycle, assignment, score sheets, shortlist,
panel, decision). Idempotent: a campaign that exists is left alone.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from ..actors import SystemActor
from ..errors import DomainError
from ..extensions import db
from ..machines.base import fire
from ..machines.campaign import campaign_lifecycle
from ..machines.entry import entry_lifecycle
from ..models import Organization, Role, RoleGrant, User
from ..models.competition import (
    AssignmentStatus,
    Campaign,
    CampaignKind,
    Entry,
    ExpertProfile,
    ReviewAssignment,
    Stage,
    StageKind,
)
from ..services.competition import assignment as assignment_service
from ..services.competition import campaigns as campaign_service
from ..services.competition import results as results_service
from ..services.competition import review as review_service
from ..services.platform.passwords import hash_password
from ..timeutil import deadline_utc
from . import DEMO_PASSWORD, demo_seeder

TEAMS_NAME = "Конкурс муниципальных методических команд 2026"
SEEDER = SystemActor("демонстрационные данные")

# (ТМС short name, team theme, video link, points out of 10 at stage I, at stage II)
TEAMS = [
    ("МКУ КНМЦ", "Команда наставников «Краснодарский стандарт»", "https://rutube.ru/video/demo-knmc-2026/", 9, 9),
    ("МКУ СЦРО", "Методический десант Сочи", "https://rutube.ru/video/demo-scro-2026/", 8, 7),
    ("МКУ ЦРО Анапа", "Анапская школа методиста", "https://vk.com/video-demo_anapa_2026", 7, 8),
    ("МКУ ИМЦ Тимашевский р-н", "Тимашевская методическая лаборатория", "https://rutube.ru/video/demo-imc-2026/",
     5, 0),
    ("МБУ ЦРО Абинский р-н", "Абинская сеть «Движение вверх»", "https://rutube.ru/video/demo-abinsk-2026/", 8, 6),
]
# Experts of the institute's panel for the teams competition: (email, name, position, organisation); none
# from a municipality that enters, as the in-person panel sits every shortlisted team.
TEAM_EXPERTS = [
    ("mmk.expert1@iro.local", "Дорохова Галина Михайловна", "Доцент кафедры", "ФГБОУ ВО АГПУ"),
    ("mmk.expert2@iro.local", "Гуров Павел Андреевич", "Профессор", "ФГБОУ ВО АГПУ"),
    ("mmk.expert3@iro.local", "Яковлева Анна Игоревна", "Старший методист ЦНИ и ИД", None),
]
# Methodists of a current ЛСВ holder: they become experts of «Лучшая методическая практика».
HOLDER_METHODISTS = [
    ("lsv.abinsk1@iro.local", "Ткаченко Виктория Александровна", "Методист", "МБУ ЦРО Абинский р-н"),
    ("lsv.abinsk2@iro.local", "Захаров Игорь Николаевич", "Заведующий методическим отделом", "МБУ ЦРО Абинский р-н"),
]


def staff() -> User | None:
    return db.session.execute(select(User).where(User.email == "staff@iro.local")).scalar_one_or_none()


def orgs_by_short(names: list[str]) -> dict[str, Organization]:
    return {o.short_name: o for o in db.session.execute(
        select(Organization).where(Organization.short_name.in_(names))).scalars()}


def ensure_users(rows, role: Role | None = None, competences: list[str] | None = None) -> list[User]:
    """Demo users (with the expert role and a profile when `role` is expert); existing ones are kept."""
    orgs = orgs_by_short([r[3] for r in rows if r[3]])
    out = []
    for email, name, position, org_short in rows:
        user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        if user is None:
            user = User(email=email, full_name=name, position=position, organization=orgs.get(org_short),
                        password_hash=hash_password(DEMO_PASSWORD))
            if role is not None:
                user.grants.append(RoleGrant(role=role))
            db.session.add(user)
            db.session.flush()
            if competences is not None:
                db.session.add(ExpertProfile(user_id=user.id, competences=list(competences), active=True))
        out.append(user)
    db.session.flush()
    return out


def fill_entry(entry: Entry, org: Organization, title: str, link: str) -> None:
    """Every section of the entry's form filled in the way its kind asks: text, a table, a web address."""
    dossier: dict = {}
    for sec in entry.campaign.dossier_schema or []:
        kind = sec.get("kind", "text")
        if kind == "link":
            dossier[sec["key"]] = link
        elif kind == "table":
            cols = sec.get("columns") or ["Содержание"]
            rows = [[f"{c}: {org.short_name}, строка {i}" for c in cols] for i in (1, 2)]
            dossier[sec["key"]] = {"columns": cols, "rows": rows, "row_kinds": ["data"] * len(rows)}
        else:
            dossier[sec["key"]] = (f"<p>{sec['title']} — «{title}»: опыт {org.short_name} "
                                   f"({org.municipality.name}).</p>")
    entry.title = title
    entry.lead_name = f"{org.head_name or 'Руководитель'}, руководитель {org.short_name}"
    entry.team = [{"name": entry.lead_name.split(",")[0], "position": "руководитель", "role": "Капитан команды"},
                  {"name": "Мельникова Светлана Юрьевна", "position": "методист", "role": "Участник"}]
    entry.dossier = dossier


def open_with_future_deadlines(c: Campaign) -> None:
    """Entries are submitted through the real lifecycle, which checks deadlines: run with dates ahead,
    then `restore_dates` puts the preset's dates back (the campaign took place in the past)."""
    today = date.today()
    for s in c.stages:
        s.deadline = deadline_utc(today + timedelta(days=5 + 5 * s.position))
    fire(campaign_lifecycle, c, "open", actor=staff() or SEEDER)


def restore_dates(c: Campaign, dates: dict[int, tuple]) -> None:
    for s in c.stages:
        s.starts_on, s.deadline = dates[s.id]
    db.session.flush()


def submitted_entries(c: Campaign, rows: list[tuple[str, str, str]]) -> list[Entry]:
    """(organisation, title, link) → filled, submitted and admitted entries (a frozen version each)."""
    track = c.tracks[0]
    orgs = orgs_by_short([r[0] for r in rows])
    out = []
    for n, (short, title, link) in enumerate(rows, start=1):
        org = orgs.get(short)
        if org is None:
            continue
        e = Entry(campaign=c, track=track, organization=org, code=f"{c.code_prefix}-{c.year}-{n:04d}")
        db.session.add(e)
        fill_entry(e, org, title, link)
        db.session.flush()
        fire(entry_lifecycle, e, "submit", actor=SystemActor("демонстрационные данные: подача заявки"))
        fire(entry_lifecycle, e, "admit", actor=staff() or SEEDER)
        out.append(e)
    return out


def score_stage(stage: Stage, points: dict[int, int], comment: str) -> int:
    """Every offered or accepted sheet of the stage accepted and submitted with the entry's points."""
    sheets = 0
    for a in db.session.execute(select(ReviewAssignment).where(ReviewAssignment.stage_id == stage.id)
                                .order_by(ReviewAssignment.id)).scalars():
        if a.status == AssignmentStatus.offered:
            assignment_service.respond(a, "accept", a.expert)
        if a.status != AssignmentStatus.accepted:
            continue
        crits = review_service.criteria_for(a.stage_id, a.entry.track_id)
        pts = points[a.entry_id]
        values = {cr.id: (str(max(0, min(int(cr.max_points), pts - (k % 2)))), "") for k, cr in enumerate(crits)}
        review_service.save_sheet(a, a.expert, values, comment, submit=True)
        sheets += 1
    return sheets


def _stage(c: Campaign, kind: StageKind) -> Stage:
    return next(s for s in c.stages if s.kind == kind)


@demo_seeder(order=70)
def seed_methodical_teams() -> dict[str, int]:
    actor = staff()
    if actor is None or db.session.execute(select(Campaign.id).where(Campaign.name == TEAMS_NAME)).first():
        return {}
    experts = ensure_users(TEAM_EXPERTS, Role.expert, competences=["ММК"])
    c = campaign_service.create_campaign(
        name=TEAMS_NAME, year=2026, kind=CampaignKind.methodical_teams, actor=actor, dated=True,
        description="Региональный конкурс муниципальных методических команд: I этап — заочный (август, "
                    "видеоролик команды), II этап — очный (сентябрь, решение кейсов).")
    c.experts_per_entry = 2
    c.shortlist_pct = Decimal("60")
    dates = {s.id: (s.starts_on, s.deadline) for s in c.stages}
    open_with_future_deadlines(c)
    entries = submitted_entries(c, [(o, t, v) for o, t, v, _, _ in TEAMS])
    by_org = {e.organization.short_name: e.id for e in entries}
    stage_one = {by_org[o]: p for o, _, _, p, _ in TEAMS if o in by_org}
    stage_two = {by_org[o]: p for o, _, _, _, p in TEAMS if o in by_org}
    fire(campaign_lifecycle, c, "start_review", actor=actor)
    review = _stage(c, StageKind.expert_review)
    assignment_service.apply_plan(c, review, actor)
    sheets = score_stage(review, stage_one, "Видеоролик раскрывает работу команды, результаты подтверждены.")
    counts = {"teams_entries": len(entries), "teams_sheets_stage_1": sheets}
    try:
        results_service.apply_shortlist(c, actor=actor, token=results_service.shortlist_plan(c).token)
        fire(campaign_lifecycle, c, "start_defence", actor=actor)
        results_service.assign_panel(c, [u.id for u in experts], actor=actor)
        counts["teams_sheets_stage_2"] = score_stage(_stage(c, StageKind.defence), stage_two,
                                                     "Кейс решён командой уверенно, решение обосновано.")
        fire(campaign_lifecycle, c, "start_decision", actor=actor)
        counts["teams_winners"] = results_service.approve_decision(c, actor=actor).winners
        fire(campaign_lifecycle, c, "close", actor=actor)  # results announced in September
    except DomainError:
        pass  # left where it stopped: staff can finish it by hand
    restore_dates(c, dates)
    return counts
