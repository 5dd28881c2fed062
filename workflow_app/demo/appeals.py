"""Demo appeals on «Лучшая методическая практика 2026» (see demo/results.py): the results order signed,
then one appeal rejected and one upheld that raises the scores, makes the entry a winner and so drafts the
order amending the signed results order. Also the regional calendar's fixed public holidays. Idempotent."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..models import Organization, Role, RoleGrant, User
from ..models.appeal import Appeal
from ..models.calendar import CalendarDay
from ..models.competition import Campaign, Entry
from ..models.orders import OrderKind
from ..services import orders
from ..services.appeals import decisions, filing, queries
from ..services.appeals.amending import signed_results_order
from ..services.platform.passwords import hash_password
from ..timeutil import today_local
from . import DEMO_PASSWORD, demo_seeder
from .results import NAME

# Fixed public holidays (month, day, name); moved days off are added by admins for each year.
HOLIDAYS = [(1, d, "Новогодние каникулы") for d in range(1, 9)] + [
    (2, 23, "День защитника Отечества"), (3, 8, "Международный женский день"), (5, 1, "Праздник Весны и Труда"),
    (5, 9, "День Победы"), (6, 12, "День России"), (11, 4, "День народного единства")]

# (organisation, applicant's e-mail and name, grounds)
UPHELD = ("МБОУ СОШ № 30", "sosh30@iro.local", "Руководитель МБОУ СОШ № 30",
          "Эксперт не учёл приложенные результаты мониторинга (раздел 3 заявки): баллы по критериям "
          "результативности занижены.")
REJECTED = ("МБДОУ д/с № 21", "ds21@iro.local", "Руководитель МБДОУ д/с № 21",
            "Не согласны с оценкой практики: считаем её новизну недооценённой.")


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


def _applicant(org_short: str, email: str, name: str) -> tuple[User, Entry] | None:
    c = db.session.execute(select(Campaign).where(Campaign.name == NAME)).scalar_one_or_none()
    entry = c and db.session.execute(select(Entry).join(Organization, Organization.id == Entry.organization_id)
                                     .where(Entry.campaign_id == c.id, Organization.short_name == org_short)
                                     ).scalar_one_or_none()
    if entry is None or entry.decision is None:
        return None
    user = _user(email)
    if user is None:
        user = User(email=email, full_name=name, position="Директор", organization_id=entry.organization_id,
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
    if staff is None or db.session.execute(select(Appeal.id).limit(1)).first():
        return counts
    upheld, rejected = _applicant(*UPHELD[:3]), _applicant(*REJECTED[:3])
    if upheld is None or rejected is None:
        return counts
    _sign_results(upheld[1].campaign, staff)
    user, entry = rejected
    appeal = filing.submit_appeal(user, entry, grounds=REJECTED[3])
    decisions.decide(appeal, staff, outcome="rejected",
                     reason="Комиссия повторно рассмотрела лист оценки: баллы по критерию новизны обоснованы "
                            "комментариями экспертов и соответствуют положению о конкурсе.")
    user, entry = upheld
    appeal = filing.submit_appeal(user, entry, grounds=UPHELD[3])
    first = queries.sheets(entry)[0]
    decisions.decide(appeal, staff, outcome="upheld", decision="winner",
                     reason="Результаты мониторинга в разделе 3 заявки подтверждают результативность практики; "
                            "баллы эксперта по всем критериям пересмотрены.",
                     scores=[{"assignment_id": first.assignment_id, "criterion_id": cid, "points": str(mx)}
                             for cid, _, mx, _ in first.rows])
    counts.update({"appeals": 2, "amending_orders": int(appeal.amending_order_id is not None)})
    return counts
