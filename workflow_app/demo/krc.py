"""Demo of the КРЦ/ЛСВ cycle: a ТМС application below a minimum requirement (flagged, submitted), one
approved by the методический совет and granted by a signed order; a roadmap approved with its signed order
and a content note, another returned with remarks. A ТМС applicant (tms@iro.local) sees them on its page.
Idempotent: nothing is added when an application already exists."""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..machines.base import fire
from ..machines.order import order_lifecycle
from ..machines.roadmap import roadmap_lifecycle
from ..machines.status_application import application_lifecycle
from ..models import Organization, Role, RoleGrant, User
from ..models.status_application import StatusApplication
from ..services import orders
from ..services.krc import applications, roadmaps
from ..services.platform.passwords import hash_password
from ..services.statuses import types as status_types
from ..timeutil import today_local
from . import DEMO_PASSWORD, demo_seeder

MET = {"products": "4", "events": "5", "network": "9", "teachers_trained": "52"}
SHORT = {"products": "2", "events": "3", "network": "6", "teachers_trained": "38,5"}
PLAN = {
    "columns": roadmaps.COLUMNS,
    "rows": [["1. Организационные мероприятия", "", "", "", ""],
             ["1.1.", "Заседание совета сети ТМС: план на год", "январь", "руководители ТМС", "Руководитель КРЦ"],
             ["1.2.", "Мониторинг запросов методистов сети", "февраль – март", "методисты ТМС", "Методист КРЦ"],
             ["2. Методические мероприятия", "", "", "", ""],
             ["2.1.", "Зональный семинар «Коллективное наставничество»", "апрель", "методисты, педагоги",
              "Руководитель КРЦ"],
             ["", "по итогам — сборник материалов", "", "", ""],
             ["2.2.", "Вебинар для молодых педагогов", "октябрь", "педагоги", "Методист КРЦ"],
             ["3. Аналитические мероприятия", "", "", "", ""],
             ["3.1", "Отчёт о выполнении дорожной карты", "ноябрь", "ГБОУ ИРО", "Руководитель КРЦ"]],
    "row_kinds": ["group", "data", "data", "group", "data", "continuation", "data", "group", "data"],
    "widths": None,
}


def _user(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def _org(short: str) -> Organization | None:
    return db.session.execute(select(Organization).where(Organization.short_name == short)).scalar_one_or_none()


def _holder(org: Organization) -> User:
    user = _user("tms@iro.local")
    if user is None:
        user = User(email="tms@iro.local", full_name="Сидоренко Марина Юрьевна", position="Директор",
                    organization=org, password_hash=hash_password(DEMO_PASSWORD))
        user.grants.append(RoleGrant(role=Role.applicant, organization=org))
        db.session.add(user)
        db.session.flush()
    return user


def _figures(values: dict[str, str]) -> dict[str, str]:
    return {f"fig_{k}": v for k, v in values.items()}


@demo_seeder(order=70)
def seed_krc() -> dict[str, int]:
    staff, rector, approver = _user("staff@iro.local"), _user("signatory@iro.local"), _user("prorector@iro.local")
    anapa, abinsk, knmc, scro = (_org(n) for n in ("МКУ ЦРО Анапа", "МБУ ЦРО Абинский р-н", "МКУ КНМЦ", "МКУ СЦРО"))
    if (staff is None or rector is None or approver is None or anapa is None or abinsk is None or knmc is None
            or scro is None):
        return {}
    if db.session.execute(select(StatusApplication.id).limit(1)).first():
        return {"krc_applications": 0}
    year = today_local().year
    holder = _holder(anapa)

    flagged = applications.create(holder, anapa, status_types.by_code("KRC"), year, applications.ApplicationData(
        theme="Коллективное наставничество методистов малых ТМС", figures=_figures(SHORT),
        summary="Сеть из шести ТМС южной зоны; методические дни и зональные семинары."))
    applications.submit(flagged, holder)

    granted = applications.create(staff, abinsk, status_types.by_code("RCOO"), year, applications.ApplicationData(
        theme="Движение вверх: ресурсный центр методической сети", figures=_figures(MET),
        summary="Сеть из девяти ТМС; четыре продукта; пять зональных семинаров в год."))
    applications.submit(granted, staff)
    fire(application_lifecycle, granted, "accept", actor=staff)
    applications.decide(granted, staff, approve=True, council_date=min(date(year, 5, 20), today_local()), number="5",
                        decision="Присвоить статус ресурсного центра общего образования")
    order = applications.prepare_order(granted, staff, date(year, 9, 1), date(year + 2, 8, 31))
    _sign(order, staff, approver, rector)

    approved = roadmaps.create(staff, knmc, year, "", json.dumps(PLAN, ensure_ascii=False))
    roadmaps.submit(approved, staff)
    fire(roadmap_lifecycle, approved, "approve", actor=staff)
    _sign(roadmaps.prepare_order(approved, staff), staff, approver, rector)
    roadmaps.add_note(approved, staff, date(year, 9, 15),
                      "Мероприятия раздела 2 соответствуют теме; уточнить охват педагогов в п. 2.2.")

    returned = roadmaps.create(staff, scro, year, "", json.dumps(PLAN, ensure_ascii=False))
    roadmaps.submit(returned, staff)
    fire(roadmap_lifecycle, returned, "return", actor=staff,
         reason="Укажите ответственных поимённо и сроки по месяцам.")
    return {"krc_applications": 2, "krc_roadmaps": 2}


def _sign(order, staff: User, approver: User, rector: User) -> None:
    fire(order_lifecycle, order, "send_for_approval", actor=staff)
    orders.decide_visa(order, approver, approve=True)
    orders.sign(order, rector)
