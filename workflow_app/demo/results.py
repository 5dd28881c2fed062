"""A demo campaign that went all the way to the commission's decision: «Лучшая методическая практика 2026»,
from its own preset: ТМС entries, experts drawn from the current КРЦ/ЛСВ holders (so it runs after the
statuses' demo).

It is run through the real services (assignment, score sheets, ranking, decision), so the staff can draft the
results order from it in the demo and see the winners' statuses appear once it is signed. Idempotent.
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
from ..models import Organization, User
from ..models.commission import CommissionMeeting
from ..models.competition import (
    AssignmentStatus,
    Campaign,
    CampaignKind,
    CampaignStatus,
    Entry,
    EntryStatus,
    ReviewAssignment,
    StageKind,
)
from ..services.competition import assignment as assignment_service
from ..services.competition import campaigns as campaign_service
from ..services.competition import results as results_service
from ..services.competition import review as review_service
from ..timeutil import deadline_utc
from . import demo_seeder

NAME = "Лучшая методическая практика 2026"

# (ТМС short name, track code, practice, base points out of 10)
ENTRIES = [
    ("МКУ КНМЦ", "ТМС", "Методический марафон для молодых педагогов", 9),
    ("МКУ СЦРО", "ТМС", "Сетевое наставничество «Учитель — учителю»", 8),
    ("МКУ ЦРО Анапа", "ТМС", "Муниципальная школа руководителей методических объединений", 6),
    ("МКУ ИМЦ Тимашевский р-н", "ТМС", "Адресное методическое сопровождение сельских школ", 7),
]


def _staff() -> User | None:
    return db.session.execute(select(User).where(User.email == "staff@iro.local")).scalar_one_or_none()


def _campaign(staff: User, name: str = NAME,
              description: str = "Открытый региональный конкурс методических практик ТМС и образовательных "
                                 "организаций.", kind: CampaignKind = CampaignKind.best_practice) -> Campaign:
    c = campaign_service.create_campaign(name=name, year=2026, kind=kind, actor=staff, description=description)
    c.experts_per_entry = 2
    c.shortlist_pct = Decimal("60")
    today = date.today()
    for s in c.stages:
        s.starts_on = today - timedelta(days=60)
        s.deadline = deadline_utc(today + timedelta(days=5 + 5 * s.position))
    fire(campaign_lifecycle, c, "open", actor=staff or SystemActor("демонстрационные данные"))
    return c


def _entries(c: Campaign, staff: User, rows: list = ENTRIES) -> list[Entry]:
    """Filled dossiers submitted (a frozen version with its PDF each) and admitted, as in a real campaign."""
    from ..machines.entry import entry_lifecycle
    from .competitions import fill_entry

    tracks = {t.code: t for t in c.tracks}
    orgs = {o.short_name: o for o in db.session.execute(
        select(Organization).where(Organization.short_name.in_([e[0] for e in rows]))).scalars()}
    out = []
    for n, (short, code, title, _) in enumerate(rows, start=1):
        org = orgs.get(short)
        if org is None:
            continue
        e = Entry(campaign=c, track=tracks[code], organization=org, code=f"{c.code_prefix}-{c.year}-{n:04d}",
                  status=EntryStatus.draft)
        db.session.add(e)
        fill_entry(e, org, title, f"https://iro23.ru/practice/demo-{n}")
        db.session.flush()
        # Submitted for the demo organisation by the seeder; admitted by staff as in a real campaign.
        fire(entry_lifecycle, e, "submit", actor=SystemActor("демонстрационные данные: подача заявки"))
        fire(entry_lifecycle, e, "admit", actor=staff or SystemActor("демонстрационные данные"))
        out.append(e)
    return out


def _score(c: Campaign, entries: list[Entry], staff: User, rows: list = ENTRIES) -> int:
    from ..services.competition import holder_experts
    from .competitions import HOLDER_METHODISTS, ensure_users

    stage = next(s for s in c.stages if s.kind == StageKind.expert_review)
    ensure_users(HOLDER_METHODISTS)  # methodists of a current ЛСВ holder
    if holder_experts.holder_status_codes(c):
        holder_experts.fill_pool_from_holders(c, actor=staff)
    fire(campaign_lifecycle, c, "start_review", actor=staff or SystemActor("демонстрационные данные"))
    assignment_service.apply_plan(c, stage, staff)
    base = {e.id: pts for e, (_, _, _, pts) in zip(entries, rows, strict=False)}
    sheets = 0
    for a in db.session.execute(select(ReviewAssignment).where(
            ReviewAssignment.entry_id.in_([e.id for e in entries])).order_by(ReviewAssignment.id)).scalars():
        if a.status != AssignmentStatus.offered:
            continue
        assignment_service.respond(a, "accept", a.expert)
        crits = review_service.criteria_for(a.stage_id, a.entry.track_id)
        pts = base[a.entry_id]
        values = {cr.id: (str(max(0, min(int(cr.max_points), pts - (k % 2)))), "") for k, cr in enumerate(crits)}
        review_service.save_sheet(a, a.expert, values, "Практика описана полно, результаты подтверждены.",
                                  submit=True)
        sheets += 1
    return sheets


@demo_seeder(order=65)
def seed_results() -> dict[str, int]:
    staff = _staff()
    if staff is None or db.session.execute(select(Campaign.id).where(Campaign.name == NAME)).first():
        return {}
    c = _campaign(staff)
    entries = _entries(c, staff)
    sheets = _score(c, entries, staff)
    try:
        record = results_service.approve_decision(c, actor=staff)
    except DomainError:
        _backdate(c)
        return {"decision_campaign_sheets": sheets}  # left in review: staff can finish it by hand
    _meeting(c, staff)
    _backdate(c)
    return {"decision_campaign_sheets": sheets, "decision_winners": record.winners}


def _backdate(c: Campaign) -> None:
    """The stages the campaign has passed lie in the past, the current one spans today, later ones are ahead:
    the dates agree with the state the demo drove it to (entries were due weeks ago, not in the future)."""
    current = {CampaignStatus.review: StageKind.expert_review,
               CampaignStatus.decision: StageKind.decision}.get(c.status)
    stages = sorted(c.stages, key=lambda s: s.position)
    now = next((i for i, s in enumerate(stages) if s.kind == current), len(stages))
    today = date.today()
    for i, s in enumerate(stages):
        start = today + timedelta(days=20 * (i - now) - 5)
        s.starts_on = start
        s.deadline = deadline_utc(start + timedelta(days=15))
    db.session.flush()


def _meeting(c: Campaign, staff: User) -> None:
    """The commission's meeting that approved the decision, so its protocol can be downloaded."""
    db.session.add(CommissionMeeting(
        campaign_id=c.id, number="2", held_on=date.today(), place="г. Краснодар, ул. Сормовская, 167, ауд. 301",
        chair={"name": "Гайдук Татьяна Алексеевна", "position": "ректор ГБОУ ИРО Краснодарского края"},
        secretary={"name": "Ковалёва Ирина Петровна", "position": "специалист ЦНИ и ИД"},
        members_present=[{"name": "Захарченко Елена Викторовна", "position": "первый проректор"},
                         {"name": "Смирнов Андрей Викторович", "position": "доцент ФГБОУ ВО АГПУ"}],
        members_total=5, agenda=f"Об итогах конкурса «{c.name}».",
        heard="Ковалёву И.П. — о результатах экспертизы конкурсных материалов и рейтинге участников.",
        decided="Утвердить рейтинг участников и признать победителями конкурса следующие организации:",
        vote_yes=4, created_by_id=staff.id))
    db.session.flush()
