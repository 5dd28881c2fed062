"""Demo appeals on their own decided campaign, «Методическая разработка года 2026» (run like
demo/results.py, through the real services): its results order signed, then one appeal rejected and one
upheld that raises the scores, makes the entry a winner and so drafts the order amending the signed results
order. Also the regional calendar's fixed public holidays. Idempotent."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..models import Organization, Role, RoleGrant, User
from ..models.calendar import CalendarDay
from ..models.competition import Campaign, CampaignKind, Entry
from ..models.orders import OrderKind
from ..services import orders
from ..services.appeals import decisions, filing, queries
from ..services.appeals.amending import signed_results_order
from ..services.platform.passwords import hash_password
from ..timeutil import today_local
from . import DEMO_PASSWORD, demo_seeder
from .results import _backdate, _campaign, _entries, _score

NAME = "Методическая разработка года 2026"
# (organisation short name, track code, project theme, base points out of 10)
ENTRIES = [
    ("МАОУ гимназия № 23", "ОО", "Цифровой кабинет учителя-предметника", 9),
    ("МБОУ лицей № 4", "ОО", "Межпредметные кейсы в старшей школе", 8),
    ("МБОУ СОШ № 2", "ОО", "Школьный медиацентр как среда воспитания", 6),
    ("МАДОУ д/с № 17", "ДОО", "Экологическая тропа детского сада", 9),
    ("МДОБУ д/с № 45", "ДОО", "Семейный клуб «Растём вместе»", 7),
    ("МБДОУ д/с № 12", "ДОО", "Робототехника для дошкольников", 5),
]

# Fixed public holidays (month, day, name); moved days off are added by admins for each year.
HOLIDAYS = [(1, d, "Новогодние каникулы") for d in range(1, 9)] + [
    (2, 23, "День защитника Отечества"), (3, 8, "Международный женский день"), (5, 1, "Праздник Весны и Труда"),
    (5, 9, "День Победы"), (6, 12, "День России"), (11, 4, "День народного единства")]

# (organisation, applicant's e-mail and name, grounds)
UPHELD = ("МБОУ СОШ № 2", "direktor.sosh2@iro.local", "Кравченко Наталья Викторовна", "Директор",
          "Эксперт не учёл приложенные результаты мониторинга (раздел 3 заявки): баллы по критериям "
          "результативности занижены.")
REJECTED = ("МБДОУ д/с № 12", "zaveduyushchiy.ds12@iro.local", "Лысенко Ольга Петровна", "Заведующий",
            "Не согласны с оценкой разработки: считаем её новизну недооценённой.")


def _user(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def _holidays(admin: User | None) -> int:
    added = 0
    year = today_local().year
    for y in (year, year + 1):
        for month, day, title in HOLIDAYS:
            d = date(y, month, day)
            if d.weekday() < 5 and db.session.get(CalendarDay, d) is None:
                db.session.add(CalendarDay(day=d, working=False, title=title,
                                           updated_by_id=admin.id if admin else None))
                added += 1
    db.session.flush()
    return added


def _decided_campaign(staff: User) -> Campaign | None:
    """The campaign, scored and decided (None if the decision could not be approved)."""
    from ..errors import DomainError
    from ..services.competition import results as results_service

    c = _campaign(staff, NAME, "Региональный конкурс методических разработок педагогов и образовательных "
                               "организаций.", CampaignKind.innovation_search)
    c.code_prefix = "МР"
    _score(c, _entries(c, staff, ENTRIES), staff, ENTRIES)
    try:
        results_service.approve_decision(c, actor=staff)
    except DomainError:
        _backdate(c)
        return None
    return c


def _applicant(c: Campaign, org_short: str, email: str, name: str, position: str) -> tuple[User, Entry] | None:
    entry = db.session.execute(select(Entry).join(Organization, Organization.id == Entry.organization_id)
                                     .where(Entry.campaign_id == c.id, Organization.short_name == org_short)
                                     ).scalar_one_or_none()
    if entry is None or entry.decision is None:
        return None
    user = _user(email)
    if user is None:
        user = User(email=email, full_name=name, position=position, organization_id=entry.organization_id,
                    password_hash=hash_password(DEMO_PASSWORD))
        user.grants.append(RoleGrant(role=Role.applicant, organization_id=entry.organization_id))
        db.session.add(user)
        db.session.flush()
    return user, entry


def _sign_results(campaign: Campaign, staff: User) -> None:
    from .orders import _sign

    rector, approver = _user("signatory@iro.local"), _user("prorector@iro.local")
    if signed_results_order(campaign.id) is None and rector is not None and approver is not None:
        _sign(orders.create_draft(OrderKind.approve_results, staff, campaign=campaign), staff, approver, rector)


@demo_seeder(order=60)
def seed_appeals() -> dict[str, int]:
    counts = {"calendar_days": _holidays(_user("admin@iro.local"))}
    staff = _user("staff@iro.local")
    if staff is None or db.session.execute(select(Campaign.id).where(Campaign.name == NAME)).first():
        return counts
    c = _decided_campaign(staff)
    upheld = c and _applicant(c, *UPHELD[:4])
    rejected = c and _applicant(c, *REJECTED[:4])
    if c is None or upheld is None or rejected is None:
        return counts
    _sign_results(c, staff)  # closes the campaign: its stages lie in the past
    _backdate(c)
    user, entry = rejected
    appeal = filing.submit_appeal(user, entry, grounds=REJECTED[4])
    decisions.decide(appeal, staff, outcome="rejected",
                     reason="Комиссия повторно рассмотрела лист оценки: баллы по критерию новизны обоснованы "
                            "комментариями экспертов и соответствуют положению о конкурсе.")
    user, entry = upheld
    appeal = filing.submit_appeal(user, entry, grounds=UPHELD[4])
    first = queries.sheets(entry)[0]
    decisions.decide(appeal, staff, outcome="upheld", decision="winner",
                     reason="Результаты мониторинга в разделе 3 заявки подтверждают результативность практики; "
                            "баллы эксперта по всем критериям пересмотрены.",
                     scores=[{"assignment_id": first.assignment_id, "criterion_id": cid, "points": str(mx)}
                             for cid, _, mx, _ in first.rows])
    counts.update({"appeals": 2, "amending_orders": int(appeal.amending_order_id is not None)})
    return counts
