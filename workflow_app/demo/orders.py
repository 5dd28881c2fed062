"""Demo orders: approvers and the signatory (the demo rector) configured, a signed order that assigns
КРЦ status, and (when the demo campaign exists) the signed order that announced it. Idempotent."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..machines.base import fire
from ..machines.order import order_lifecycle
from ..models import Organization, Role, RoleGrant, User
from ..models.competition import Campaign
from ..models.orders import Order, OrderKind
from ..services import orders
from ..services.platform import settings
from ..services.platform.passwords import hash_password
from ..services.statuses import types as status_types
from . import DEMO_PASSWORD, demo_seeder

COMMISSION = [
    ["Гайдук Татьяна Алексеевна", "ректор ГБОУ ИРО Краснодарского края", "председатель"],
    ["Захарченко Елена Викторовна", "первый проректор ГБОУ ИРО Краснодарского края",
     "заместитель председателя"],
    ["Ковалёва Ирина Петровна", "специалист ЦНИ и ИД", "секретарь"],
    ["Смирнов Андрей Викторович", "доцент ФГБОУ ВО АГПУ", "член комиссии"],
]


def _user(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def _sign(order: Order, staff: User, approver: User, rector: User) -> None:
    fire(order_lifecycle, order, "send_for_approval", actor=staff)
    orders.decide_visa(order, approver, approve=True)
    orders.sign(order, rector)


@demo_seeder(order=50)
def seed_orders() -> dict[str, int]:
    staff, rector = _user("staff@iro.local"), _user("signatory@iro.local")
    if staff is None or rector is None:
        return {}
    approver = _user("prorector@iro.local")
    if approver is None:
        approver = User(email="prorector@iro.local", full_name="Захарченко Елена Викторовна",
                        position="Первый проректор", password_hash=hash_password(DEMO_PASSWORD))
        approver.grants.append(RoleGrant(role=Role.staff))
        db.session.add(approver)
        db.session.flush()
    if not settings.institution()["approver_ids"]:
        settings.update_institution({"approver_ids": [approver.id]}, staff)
    # The demo rector is the institution's signatory: new drafts name her, and only she signs them.
    if not settings.institution().get("signatory_user_id"):
        settings.update_institution({"signatory_user_id": rector.id}, staff)
    if db.session.execute(select(Order.id).limit(1)).first():
        return {"orders": 0}
    created = 0
    tms = db.session.execute(select(Organization).where(
        Organization.short_name.in_(["МКУ КНМЦ", "МКУ СЦРО"])).order_by(Organization.id)).scalars().all()
    if tms:
        krc = orders.create_draft(OrderKind.assign_status, staff, status_type=status_types.by_code("KRC"), awards=[
            {"organization_id": o.id, "theme": theme, "term_from": date(2025, 9, 1), "term_to": date(2027, 8, 31)}
            for o, theme in zip(tms, ["Коллективное наставничество как ресурс развития методических служб",
                                      "Сетевая модель сопровождения молодых педагогов"], strict=False)])
        _sign(krc, staff, approver, rector)
        created += 1
    campaign = db.session.execute(select(Campaign).where(Campaign.year == 2026)
                                  .order_by(Campaign.id)).scalars().first()
    if campaign is not None:
        conduct = orders.create_draft(OrderKind.conduct_competition, staff, campaign=campaign)
        annexes = [dict(a) for a in conduct.annexes]
        rows = [[str(n)] + r for n, r in enumerate(COMMISSION, start=1)]
        annexes[1] = {**annexes[1], "rows": rows, "row_kinds": ["data"] * len(rows)}
        conduct.annexes = annexes
        _sign(conduct, staff, approver, rector)
        created += 1
    draft = orders.create_draft(OrderKind.other, staff)
    draft.title = "Об утверждении плана методических дней на 2027 год"
    draft.preamble = "В целях организации методической поддержки краевых инновационных площадок"
    draft.items = [{"text": "Утвердить план методических дней на 2027 год.", "subitems": []},
                   {"text": "Руководителям КИП обеспечить участие в методических днях.", "subitems": []}]
    created += 1
    return {"orders": created}
