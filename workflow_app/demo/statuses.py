"""Demo statuses: an imported history of the registry (КИП, КРЦ, ЛСВ, МИП, ФИП with terms in the past,
present and future, grounded in orders of the ministry, the institute, municipalities and the federal
ministry), then a suspension and an early termination by order.

It goes through the import itself (the same file a user would upload), so the figures page on a past date
shows what the file says. Idempotent: a second run finds every row already in the registry.
"""
from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import select

from ..actors import SystemActor
from ..extensions import db
from ..models import Municipality, Organization
from ..models.status_award import AwardStatus, StatusAward
from ..services.statuses import awards, grounding, importer
from ..services.statuses import types as status_types
from . import demo_seeder

MINISTRY = "МОНиМП КК"
IRO = "ГБОУ ИРО Краснодарского края"
FEDERAL = "Минпросвещения России"
# (short name, municipality code, type, status, theme, from, to, issuer, order number, order date)
HISTORY = [
    ("МБОУ СОШ № 1", "krasnodar", "ОО", "КИП", "Цифровая образовательная среда школы", "01.01.2019", "31.12.2021",
     MINISTRY, "4521", "20.12.2018"),
    ("МАДОУ д/с № 17", "krasnodar", "ДОО", "КИП", "Детский сад — пространство развития", "01.01.2019", "31.12.2021",
     MINISTRY, "4521", "20.12.2018"),
    ("МДОБУ д/с № 45", "sochi", "ДОО", "КИП", "Инженерная игра в детском саду", "01.01.2020", "31.12.2022",
     MINISTRY, "5120", "18.12.2019"),
    ("МБУ ДО ЦДТ", "krasnodar", "ОДОД", "КИП", "Техническое творчество для всех", "01.01.2020", "31.12.2022",
     MINISTRY, "5120", "18.12.2019"),
    ("МБОУ СОШ № 2", "anapa", "ОО", "КИП", "Школа полного дня", "01.01.2021", "31.12.2023",
     MINISTRY, "6311", "21.12.2020"),
    ("МБОУ гимназия № 14", "yeysky", "ОО", "МИП", "Читающая школа", "01.09.2020", "31.08.2022",
     "Управление образования Ейского района", "112", "25.08.2020"),
    ("МБДОУ д/с № 9", "tikhoretsky", "ДОО", "МИП", "Музейная педагогика", "01.09.2019", "31.08.2021",
     "Управление образования Тихорецкого района", "95", "26.08.2019"),
    ("МКУ ИМЦ Тимашевский р-н", "timashevsky", "ТМС", "КРЦ", "Коллективное наставничество", "01.09.2020",
     "31.08.2023", IRO, "88-о", "20.08.2020"),
    ("МКУ ЦРО Анапа", "anapa", "ТМС", "ЛСВ", "Сетевое методическое сопровождение", "01.09.2018", "31.08.2020",
     IRO, "61-о", "27.08.2018"),
    ("МАОУ гимназия № 23", "krasnodar", "ОО", "КИП", "Проектная школа", "01.01.2024", "31.12.2026",
     MINISTRY, "7001", "15.12.2023"),
    ("МБОУ лицей № 4", "krasnodar", "ОО", "КИП", "Лаборатория естественных наук", "01.01.2025", "31.12.2027",
     MINISTRY, "7502", "16.12.2024"),
    ("МБОУ СОШ № 34", "tikhoretsky", "ОО", "КИП", "Сельская школа как центр села", "01.01.2025", "31.12.2027",
     MINISTRY, "7502", "16.12.2024"),
    ("МБУ ЦРО Абинский р-н", "abinsky", "ТМС", "ЛСВ", "Движение вверх: сеть методистов", "01.09.2025",
     "31.08.2027", IRO, "54-о", "28.08.2025"),
    ("МБОУ СОШ № 30", "abinsky", "ОО", "МИП", "Школа здоровья", "01.09.2024", "31.08.2027",
     "Управление образования Абинского района", "77", "30.08.2024"),
    ("МОБУ СОШ № 8", "sochi", "ОО", "ФИП", "Модель профильной школы", "01.01.2023", "31.12.2027",
     FEDERAL, "1120", "26.12.2022"),
    ("МАДОУ д/с № 3", "gelendzhik", "ДОО", "КИП", "Эколята-дошколята", "01.01.2027", "31.12.2029",
     MINISTRY, "8110", "20.11.2026"),
    ("МБОУ СОШ № 6", "gelendzhik", "ОО", "ФИП", "Школа технологического лидерства", "01.01.2027", "31.12.2031",
     FEDERAL, "1400", "25.11.2026"),
    ("МБОУ СОШ № 12 ст. Выселки", "vyselkovsky", "ОО", "МИП", "Казачье образование", "01.09.2021",
     "31.08.2024", "Управление образования Выселковского района", "140", "30.08.2021"),
]


def history_csv() -> bytes:
    names = dict(db.session.execute(select(Municipality.code, Municipality.name)).tuples().all())
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(["Организация", "Муниципалитет", "Тип организации", "Статус", "Тема", "Начало", "Окончание",
                     "Кем издан приказ", "Номер приказа", "Дата приказа"])
    for org, muni, *rest in HISTORY:
        writer.writerow([org, names[muni], *rest])
    return buf.getvalue().encode("utf-8")


def _award(short_name: str, code: str, theme: str) -> StatusAward | None:
    """The imported award (by its theme: other demos grant the same organisation the same status type)."""
    return db.session.execute(select(StatusAward).join(Organization).where(
        Organization.short_name == short_name, StatusAward.theme == theme,
        StatusAward.status_type_id == status_types.by_code(code).id)).scalars().first()


@demo_seeder(order=60)
def seed_statuses() -> dict[str, int]:
    actor = SystemActor("демонстрационные данные: импорт реестра статусов")
    report, created = importer.apply(history_csv(), "reestr-statusov-demo.csv", actor)
    if not report.ok:  # the demo file is ours: an error here is a defect of the demo
        raise RuntimeError("; ".join(f"{r.line}: {e}" for r in report.rows for e in r.errors))
    changed = 0
    lyceum = _award("МБОУ лицей № 4", "KIP", "Лаборатория естественных наук")
    if lyceum is not None and lyceum.status == AwardStatus.active:
        order = grounding.register_external(actor, MINISTRY, "7655", date(2026, 5, 15))
        ground = next(g for g in status_types.grounds() if g.name == "По заявлению организации")
        awards.change(lyceum, "terminate", actor, order, ground_id=ground.id,
                      reason="письмо организации от 05.05.2026")
        changed += 1
    rural = _award("МБОУ СОШ № 34", "KIP", "Сельская школа как центр села")
    if rural is not None and rural.status == AwardStatus.active:
        order = grounding.register_external(actor, MINISTRY, "7710", date(2026, 3, 10))
        awards.change(rural, "suspend", actor, order, reason="реорганизация: присоединение филиала")
        changed += 1
    db.session.flush()
    return {"statuses imported": len(created), "status changes": changed}
