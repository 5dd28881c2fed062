"""Demo ФИП preparation: the demo applicant's school (a completed КИП) has gone the whole way — readiness,
the 18 items, one review round with the methodologist's remarks, the Координационный совет, submission
and recognition by the federal ministry's order, so the registry lists its ФИП status; a second КИП holder
has just opened its case (readiness gaps to show). The federal deadline of the 2027 call is set."""
from __future__ import annotations

import io
from datetime import date

from PIL import Image, ImageDraw
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from ..actors import SystemActor
from ..extensions import db
from ..models import Organization, User
from ..models.fip_case import FipCase
from ..services.fip import cases, readiness, rounds, settings
from . import demo_seeder

YEAR = 2027
ITEMS = {
    "2": "Создать и апробировать модель цифровой образовательной среды сельской и городской школы, "
         "обеспечивающую индивидуальные образовательные маршруты обучающихся 5–11 классов.",
    "3": "1. Проанализировать опыт КИП 2019–2021 годов.\n2. Разработать модель и её нормативную базу.\n"
         "3. Апробировать модель в школах сети.\n4. Подготовить методические рекомендации для школ края.",
    "5": "Завершён региональный этап (статус КИП 2019–2021); модель апробирована в 6 школах края.",
    "6": "Обучающиеся 5–11 классов (1 200 человек), 96 педагогов, 6 школ сети в 3 муниципалитетах.",
    "7": "Проект опирается на Федеральный закон «Об образовании в Российской Федерации», ФГОС ООО и СОО, "
         "государственную программу Краснодарского края «Развитие образования» и локальные акты школы "
         "о цифровой образовательной среде.",
    "8": "Модель объединяет электронный журнал, библиотеку цифровых уроков и сетевые курсы школ-партнёров. "
         "Каждый обучающийся выбирает маршрут из обязательной и вариативной частей; наставник сопровождает "
         "выбор. Школы сети обмениваются курсами и проводят совместные проектные сессии.",
    "9": "Впервые в крае цифровые маршруты строятся на общей для сети школ библиотеке курсов.",
    "12": "Доля обучающихся с индивидуальным маршрутом выросла с 12 до 48 %; 96 педагогов прошли "
          "повышение квалификации.",
    "14": "Модель доступна сельским школам без дополнительных ставок и расширяет выбор курсов для детей.",
    "15": "https://school1.example.ru/innovation",
    "16": "Петров С. И. Цифровые маршруты в школе // Кубанская школа. 2022. № 3. С. 12–18.",
    "17": "Сетевое сообщество «Цифровая школа Кубани»: 6 школ, 3 муниципалитета.",
    "18": "Устав, приказ о КИП № 1120 от 20.12.2018, отчёты КИП за 2019–2021 годы.",
    "4": {"columns": ["Год", "Этап и его содержание"], "rows": [
        ["2027", "Аналитический: анализ опыта КИП, проектирование модели"],
        ["2028", "Апробация в школах сети"], ["2029", "Диссеминация и тиражирование"]],
        "row_kinds": ["data", "data", "data"]},
    "11": {"columns": ["Дата", "Мероприятие", "Ссылка"], "rows": [
        ["15.03.2026", "Краевой семинар «Цифровые маршруты»", "https://school1.example.ru/s1"],
        ["20.10.2026", "Вебинар для школ сети", "https://school1.example.ru/w2"]],
        "row_kinds": ["data", "data"]},
    "13": {"columns": ["Продукт", "Библиографическое описание или ссылка"], "rows": [
        ["Методические рекомендации", "Цифровые маршруты: метод. рекомендации. Краснодар, 2026. 48 с."],
        ["Библиотека сетевых курсов", "https://school1.example.ru/courses"]],
        "row_kinds": ["data", "data"]},
}


def _infographic() -> FileStorage:
    img = Image.new("RGB", (480, 240), "white")
    draw = ImageDraw.Draw(img)
    for n, x in enumerate((20, 180, 340)):
        draw.rectangle([x, 80, x + 120, 160], outline=(30, 60, 120), width=3)
        draw.text((x + 10, 110), ("Журнал", "Курсы", "Наставник")[n], fill=(30, 60, 120))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return FileStorage(stream=io.BytesIO(buf.getvalue()), filename="model.png")


def _user(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def _org(short: str) -> Organization | None:
    return db.session.execute(select(Organization).where(Organization.short_name == short)).scalar_one_or_none()


def _recognised_case(applicant: User, staff: User, org: Organization) -> None:
    kip = readiness.kip_awards(org.id)
    case = cases.open_case(applicant, org, "Цифровая образовательная среда школы: индивидуальные маршруты", YEAR,
                           kip_award_id=kip[0].id if kip else None)
    readiness.tick(staff, case, settings.manual_items())
    cases.transition(applicant, case, "start_drafting")
    cases.save_form(applicant, case, ITEMS)
    cases.upload_infographic(applicant, case, _infographic())
    cases.transition(applicant, case, "send_for_review")
    rounds.save_remarks(staff, case, {"8": "Назовите, кто сопровождает маршрут и как школы обмениваются курсами.",
                                      "12": "Приведите показатели за каждый год."})
    cases.transition(staff, case, "return_for_revision")
    cases.save_form(applicant, case, {
        "8": ITEMS["8"] + " Наставниками выступают классные руководители и методисты ТМС.",
        "12": "2024: 12 %, 2025: 30 %, 2026: 48 % обучающихся с индивидуальным маршрутом; 96 педагогов "
              "прошли повышение квалификации."})
    cases.transition(applicant, case, "send_for_review")
    cases.transition(staff, case, "recommend", data={"council_date": date(2026, 6, 18), "council_protocol": "3",
                                                      "council_decision": "Рекомендовать к подаче в Минпросвещения России"})
    cases.transition(staff, case, "submit", data={"submitted_on": date(2026, 9, 25)})
    cases.transition(staff, case, "recognise", data={"issuer": "Минпросвещения России", "number": "Р-245",
                                                      "order_date": date(2026, 11, 20), "term_from": date(2027, 1, 1)})


@demo_seeder(order=80)
def seed_fip() -> dict[str, int]:
    if db.session.execute(select(FipCase.id)).first() is not None:
        return {"fip cases": 0}
    settings.set_deadline(SystemActor("демонстрационные данные: срок отбора ФИП"), YEAR, date(YEAR, 9, 30))
    applicant, staff, school = _user("applicant@iro.local"), _user("staff@iro.local"), _org("МБОУ СОШ № 1")
    made = 0
    if applicant is not None and staff is not None and school is not None and readiness.kip_awards(school.id):
        _recognised_case(applicant, staff, school)
        made += 1
    gymnasium = _org("МАОУ гимназия № 23")
    kip = readiness.kip_awards(gymnasium.id) if gymnasium is not None else []
    if staff is not None and kip:
        cases.open_case(staff, gymnasium, kip[0].theme, YEAR, kip_award_id=kip[0].id)
        made += 1
    db.session.flush()
    return {"fip cases": made}
