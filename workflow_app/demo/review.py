"""Demo data for the review part: an expert pool, assignments in the demo campaign, one submitted
sheet and one draft for expert@iro.local. Idempotent: a second run adds nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from ..errors import DomainError, ValidationFailed
from ..extensions import db
from ..models import Organization, Role, RoleGrant, User
from ..models.base import utcnow
from ..models.competition import (
    AssignmentStatus,
    Campaign,
    Entry,
    EntryStatus,
    ExpertProfile,
    ReviewAssignment,
    Score,
    StageKind,
)
from ..services.competition import assignment as assignment_service
from ..services.competition import assignment_plan as planning
from ..services.competition import review as review_service
from ..services.platform.passwords import hash_password
from . import DEMO_PASSWORD, demo_seeder
from .campaigns import open_demo_campaign

# (email, full name, position, organisation short name, competences, max load)
EXPERTS = [
    ("ekspert.orlova@iro.local", "Орлова Наталья Сергеевна", "Методист", "МКУ СЦРО", ["ОО", "ДОО"], None),
    ("ekspert.zaytsev@iro.local", "Зайцев Дмитрий Олегович", "Начальник отдела", "УО г. Новороссийск",
     ["ОО", "МОУО_ТМС"], None),
    ("ekspert.kuznetsova@iro.local", "Кузнецова Елена Викторовна", "Директор", "МКУ ЦРО Анапа",
     ["ДОО", "ОДОД"], 10),
    ("ekspert.volkov@iro.local", "Волков Игорь Николаевич", "Заместитель директора", "ГБПОУ АИТ",
     ["СОО_ПОО", "ОО"], None),
    ("ekspert.lebedeva@iro.local", "Лебедева Марина Петровна", "Учитель высшей категории", "МБОУ СОШ № 6",
     ["ОО", "ОДОД"], None),
    ("ekspert.sokolov@iro.local", "Соколов Андрей Геннадьевич", "Директор", "МБУ ЦРО Абинский р-н",
     ["МОУО_ТМС", "СОО_ПОО"], 8),
    ("ekspert.morozova@iro.local", "Морозова Татьяна Ивановна", "Старший воспитатель", "МБОУ СОШ № 34",
     ["ДОО", "ОО"], None),
    ("ekspert.novikov@iro.local", "Новиков Павел Александрович", "Методист", "МКУ ИМЦ Тимашевский р-н",
     ["ОДОД", "МОУО_ТМС", "ДОО"], None),
]
DEMO_EXPERT = "expert@iro.local"

# Entries created only when the demo campaign has none under review: (org short name, track, theme)
FALLBACK_ENTRIES = [
    ("МОБУ СОШ № 8", "ОО", "Школа полного дня: модель внеурочной занятости"),
    ("МДОБУ д/с № 45", "ДОО", "Инженерная песочница для дошкольников"),
    ("МАОУ СОШ № 40", "ОО", "Цифровой наставник: сопровождение молодых учителей"),
    ("МАДОУ д/с № 7", "ДОО", "Экологическая тропа как пространство развития"),
    ("МБОУ СОШ № 2", "ОО", "Профильные классы в сетевой форме"),
    ("МБДОУ д/с № 12", "ДОО", "Семейный клуб «Растём вместе»"),
]


def _experts() -> tuple[int, int]:
    orgs = {o.short_name: o for o in db.session.execute(select(Organization)).scalars()}
    users = {u.email: u for u in db.session.execute(
        select(User).where(User.email.in_([e[0] for e in EXPERTS] + [DEMO_EXPERT]))).scalars()}
    added_users = added_profiles = 0
    pw = None
    for email, name, position, org_short, comps, max_load in EXPERTS:
        user = users.get(email)
        if user is None:
            pw = pw or hash_password(DEMO_PASSWORD)
            user = User(email=email, full_name=name, position=position, organization=orgs.get(org_short),
                        password_hash=pw)
            user.grants.append(RoleGrant(role=Role.expert))
            db.session.add(user)
            db.session.flush()
            users[email] = user
            added_users += 1
        added_profiles += _profile(user, comps, max_load)
    if DEMO_EXPERT in users:
        added_profiles += _profile(users[DEMO_EXPERT], ["ОО", "ДОО"], None)
    return added_users, added_profiles


def _profile(user: User, competences: list[str], max_load: int | None) -> int:
    if db.session.execute(select(ExpertProfile.id).where(ExpertProfile.user_id == user.id)).first():
        return 0
    db.session.add(ExpertProfile(user_id=user.id, competences=competences, max_load=max_load, active=True,
                                 note="Демонстрационный эксперт"))
    db.session.flush()
    return 1


def _fallback_entries(c: Campaign) -> int:
    busy = db.session.execute(select(func.count(Entry.id)).where(
        Entry.campaign_id == c.id,
        Entry.status.in_([EntryStatus.admitted, EntryStatus.under_review, EntryStatus.scored]))).scalar_one()
    if busy:
        return 0
    orgs = {o.short_name: o for o in db.session.execute(select(Organization)).scalars()}
    tracks = {t.code: t for t in c.tracks}
    n = db.session.execute(select(func.count(Entry.id)).where(Entry.campaign_id == c.id)).scalar_one()
    added = 0
    for org_short, code, theme in FALLBACK_ENTRIES:
        org = orgs.get(org_short)
        if org is None or code not in tracks:
            continue
        n += 1
        dossier = {
            "1.1": f"<p>{org.full_name} ({org.municipality.name}) предлагает проект «{theme}». "
                   "Проект отвечает приоритетам развития системы образования Краснодарского края.</p>",
            "2.1": "<p><b>Цель:</b> создать и описать модель, пригодную для тиражирования.</p>"
                   "<ul><li>разработать программу;</li><li>апробировать её;</li><li>обобщить опыт.</li></ul>",
            "2.2": f"<p>Основная идея проекта «{theme}» — соединить урочную и внеурочную работу.</p>",
            # Tables in the grid shape (services/documents/grid.py): own «№» column, a group row.
            "3.2": {"columns": ["№", "Мероприятие", "Целевая аудитория", "Задачи"],
                    "rows": [["НАПРАВЛЕНИЕ ДЕЯТЕЛЬНОСТИ ОРГАНИЗАЦИОННЫЕ МЕРОПРИЯТИЯ", "", "", ""],
                             ["1.", "Установочный семинар", "педагоги", "погружение в проект"],
                             ["2.", "Открытые занятия", "родители", "1) вовлечение семей;\n2) обратная связь"]],
                    "row_kinds": ["group", "data", "data"], "widths": None},
            "5": {"columns": ["Минимальные требования", "Предложение участника конкурса"],
                  "rows": [["Не менее 2 публикаций", "3 статьи и методическое пособие"]],
                  "row_kinds": ["data"], "widths": None},
        }
        db.session.add(Entry(
            campaign_id=c.id, track_id=tracks[code].id, organization_id=org.id, status=EntryStatus.admitted,
            code=f"{c.code_prefix or 'ИП'}-{c.year}-{n:04d}", title=theme, lead_name=org.head_name or "",
            dossier=dossier, submitted_at=utcnow()))
        added += 1
    db.session.flush()
    return added


def _sheets(c: Campaign, staff: User | None) -> int:
    """expert@iro.local: one submitted sheet and one draft (only if they have none scored yet)."""
    expert = db.session.execute(select(User).where(User.email == DEMO_EXPERT)).scalar_one_or_none()
    if expert is None:
        return 0
    stage = next((s for s in c.stages if s.kind == StageKind.expert_review), None)
    if stage is None:
        return 0
    mine = list(db.session.execute(
        select(ReviewAssignment).join(Entry, Entry.id == ReviewAssignment.entry_id)
        .where(ReviewAssignment.expert_id == expert.id, Entry.campaign_id == c.id,
               ReviewAssignment.status.in_(planning.LIVE))
        .order_by(ReviewAssignment.id)).scalars())
    if len(mine) < 2 and staff is not None:
        # Make sure the demo expert has something to show, by the assignment rules like staff would:
        # an entry the rules exclude them from (their own municipality, a conflict, …) is passed over.
        entries = db.session.execute(select(Entry).where(
            Entry.campaign_id == c.id, Entry.status.in_([EntryStatus.admitted, EntryStatus.under_review]))
            .order_by(Entry.id)).scalars().all()
        tried = {a.entry_id for a in mine}
        for e in entries:
            if len(mine) >= 2:
                break
            if e.id in tried or db.session.execute(select(ReviewAssignment.id).where(
                    ReviewAssignment.entry_id == e.id, ReviewAssignment.stage_id == stage.id,
                    ReviewAssignment.expert_id == expert.id)).first():
                continue
            try:
                mine.append(assignment_service.manual_assign(e, stage, expert.id, staff,
                                                             reason="Демонстрационное назначение"))
            except ValidationFailed:
                continue
    if not mine or db.session.execute(select(Score.id).join(
            ReviewAssignment, ReviewAssignment.id == Score.assignment_id)
            .where(ReviewAssignment.expert_id == expert.id)).first():
        return 0
    done = 0
    for i, a in enumerate(mine[:2]):
        if a.status == AssignmentStatus.offered:
            assignment_service.respond(a, "accept", expert)
        crits = review_service.criteria_for(a.stage_id, a.entry.track_id)
        if i == 0:
            values = {cr.id: (str(6 + (k % 4)), "Соответствует критерию; см. разделы 2 и 3 заявки.")
                      for k, cr in enumerate(crits)}
            review_service.save_sheet(a, expert, values, "Проект проработан, план реалистичен.", submit=True)
        else:
            values = {cr.id: ("7" if k < 3 else "", "") for k, cr in enumerate(crits)}
            review_service.save_sheet(a, expert, values, "", submit=False)
        done += 1
    return done


@demo_seeder(order=30)
def seed_review() -> dict[str, int]:
    c = open_demo_campaign()
    added_users, added_profiles = _experts()
    added_entries = _fallback_entries(c)
    staff = db.session.execute(select(User).where(User.email == "staff@iro.local")).scalar_one_or_none()
    stage = next((s for s in c.stages if s.kind == StageKind.expert_review), None)
    assigned = 0
    if stage is not None and staff is not None:
        plan = planning.build_plan(c, stage)
        if plan.picks:
            try:
                assigned = len(assignment_service.apply_plan(c, stage, staff).picks)
            except DomainError:
                assigned = 0
    sheets = _sheets(c, staff)
    return {"experts": added_users, "expert_profiles": added_profiles, "review_entries": added_entries,
            "assignments": assigned, "score_sheets": sheets}
