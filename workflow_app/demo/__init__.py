"""Demo data for `make run`: organisations across types and municipalities, one user per role.

Idempotent: running it again adds nothing that is already there.
"""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Municipality, Organization, OrgType, Role, RoleGrant, User
from ..services.platform import reference
from ..services.platform.passwords import hash_password

DEMO_PASSWORD = "demo-2026"

# (type, full name, short name, municipality code)
ORGS = [
    (OrgType.OO, "Муниципальное бюджетное общеобразовательное учреждение средняя общеобразовательная школа № 1", "МБОУ СОШ № 1", "krasnodar"),
    (OrgType.OO, "Муниципальное автономное общеобразовательное учреждение гимназия № 23", "МАОУ гимназия № 23", "krasnodar"),
    (OrgType.OO, "Муниципальное бюджетное общеобразовательное учреждение лицей № 4", "МБОУ лицей № 4", "krasnodar"),
    (OrgType.DOO, "Муниципальное автономное дошкольное образовательное учреждение детский сад № 17", "МАДОУ д/с № 17", "krasnodar"),
    (OrgType.DOO, "Муниципальное бюджетное дошкольное образовательное учреждение детский сад № 101", "МБДОУ д/с № 101", "krasnodar"),
    (OrgType.ODOD, "Муниципальное бюджетное учреждение дополнительного образования «Центр детского творчества»", "МБУ ДО ЦДТ", "krasnodar"),
    (OrgType.TMS, "Муниципальное казённое учреждение «Краснодарский научно-методический центр»", "МКУ КНМЦ", "krasnodar"),
    (OrgType.OO, "Муниципальное общеобразовательное бюджетное учреждение средняя общеобразовательная школа № 8", "МОБУ СОШ № 8", "sochi"),
    (OrgType.DOO, "Муниципальное дошкольное образовательное бюджетное учреждение детский сад № 45", "МДОБУ д/с № 45", "sochi"),
    (OrgType.ODOD, "Муниципальное бюджетное учреждение дополнительного образования «Эколого-биологический центр»", "МБУ ДО ЭБЦ", "sochi"),
    (OrgType.TMS, "Муниципальное казённое учреждение «Сочинский центр развития образования»", "МКУ СЦРО", "sochi"),
    (OrgType.OO, "Муниципальное автономное общеобразовательное учреждение средняя общеобразовательная школа № 40", "МАОУ СОШ № 40", "novorossiysk"),
    (OrgType.DOO, "Муниципальное автономное дошкольное образовательное учреждение детский сад № 7", "МАДОУ д/с № 7", "novorossiysk"),
    (OrgType.MOUO, "Управление образования администрации муниципального образования город Новороссийск", "УО г. Новороссийск", "novorossiysk"),
    (OrgType.OO, "Муниципальное бюджетное общеобразовательное учреждение средняя общеобразовательная школа № 2", "МБОУ СОШ № 2", "anapa"),
    (OrgType.DOO, "Муниципальное бюджетное дошкольное образовательное учреждение детский сад № 12", "МБДОУ д/с № 12", "anapa"),
    (OrgType.TMS, "Муниципальное казённое учреждение «Центр развития образования» г.-к. Анапа", "МКУ ЦРО Анапа", "anapa"),
    (OrgType.POO, "Государственное бюджетное профессиональное образовательное учреждение «Краснодарский педагогический колледж»", "ГБПОУ КПК", "krasnodar"),
    (OrgType.SOO, "Государственное бюджетное профессиональное образовательное учреждение «Армавирский индустриальный техникум»", "ГБПОУ АИТ", "armavir"),
    (OrgType.OO, "Муниципальное бюджетное общеобразовательное учреждение средняя общеобразовательная школа № 5", "МБОУ СОШ № 5", "armavir"),
    (OrgType.DOO, "Муниципальное автономное дошкольное образовательное учреждение детский сад № 3", "МАДОУ д/с № 3", "gelendzhik"),
    (OrgType.OO, "Муниципальное бюджетное общеобразовательное учреждение средняя общеобразовательная школа № 6", "МБОУ СОШ № 6", "gelendzhik"),
    (OrgType.TMS, "Муниципальное бюджетное учреждение «Центр развития образования» Абинского района", "МБУ ЦРО Абинский р-н", "abinsky"),
    (OrgType.OO, "Муниципальное бюджетное общеобразовательное учреждение средняя общеобразовательная школа № 30", "МБОУ СОШ № 30", "abinsky"),
    (OrgType.DOO, "Муниципальное бюджетное дошкольное образовательное учреждение детский сад № 9", "МБДОУ д/с № 9", "tikhoretsky"),
    (OrgType.OO, "Муниципальное бюджетное общеобразовательное учреждение средняя общеобразовательная школа № 34", "МБОУ СОШ № 34", "tikhoretsky"),
    (OrgType.ODOD, "Муниципальное бюджетное учреждение дополнительного образования «Дом детского творчества»", "МБУ ДО ДДТ", "yeysky"),
    (OrgType.OO, "Муниципальное бюджетное общеобразовательное учреждение гимназия № 14", "МБОУ гимназия № 14", "yeysky"),
    (OrgType.TMS, "Муниципальное казённое учреждение «Информационно-методический центр» Тимашевского района", "МКУ ИМЦ Тимашевский р-н", "timashevsky"),
    (OrgType.DOO, "Муниципальное бюджетное дошкольное образовательное учреждение детский сад № 21", "МБДОУ д/с № 21", "timashevsky"),
    (OrgType.VUZ, "Федеральное государственное бюджетное образовательное учреждение высшего образования «Кубанский государственный университет»", "ФГБОУ ВО КубГУ", "krasnodar"),
    (OrgType.VUZ, "Федеральное государственное бюджетное образовательное учреждение высшего образования «Армавирский государственный педагогический университет»", "ФГБОУ ВО АГПУ", "armavir"),
]

# (email, full name, position, organisation short name or None, [(role, scope)])
USERS = [
    ("admin@iro.local", "Никитин Олег Валерьевич", "Администратор информационной системы", None, [(Role.admin, None)]),
    ("staff@iro.local", "Ковалёва Ирина Петровна", "Специалист ЦНИ и ИД", None, [(Role.staff, None)]),
    ("signatory@iro.local", "Гайдук Татьяна Алексеевна", "Ректор", None, [(Role.signatory, None)]),
    ("expert@iro.local", "Смирнов Андрей Викторович", "Доцент", "ФГБОУ ВО АГПУ", [(Role.expert, None)]),
    ("coordinator@iro.local", "Белова Ольга Николаевна", "Методист", "МКУ СЦРО", [(Role.coordinator, "sochi")]),
    ("applicant@iro.local", "Петров Сергей Иванович", "Директор", "МБОУ СОШ № 1",
     [(Role.applicant, "МБОУ СОШ № 1")]),
]


# Areas add their demo data with @demo_seeder; each runs after the platform's, in `order`.
_SEEDERS: list[tuple[int, str, object]] = []


def demo_seeder(order: int):
    def register(fn):
        _SEEDERS.append((order, fn.__name__, fn))
        return fn

    return register


def seed_demo() -> dict[str, int]:
    counts = seed_platform()
    import sys

    from ..discovery import import_submodules

    import_submodules(sys.modules[__name__])
    for _, _, fn in sorted(_SEEDERS, key=lambda s: (s[0], s[1])):
        counts.update(fn() or {})
        db.session.flush()
    return counts


def seed_platform() -> dict[str, int]:
    reference.load_municipalities()
    munis = {m.code: m for m in db.session.execute(select(Municipality)).scalars()}
    orgs = {(o.municipality_id, o.full_name): o for o in db.session.execute(select(Organization)).scalars()}
    added_orgs = 0
    by_short: dict[str, Organization] = {}
    for org_type, full, short, code in ORGS:
        muni = munis[code]
        org = orgs.get((muni.id, full))
        if org is None:
            org = Organization(org_type=org_type, full_name=full, short_name=short, municipality=muni,
                               address=f"{muni.name}", head_name="", email="", phone="")
            db.session.add(org)
            added_orgs += 1
        by_short[short] = org
    db.session.flush()
    added_users = 0
    for email, name, position, org_short, roles in USERS:
        if db.session.execute(select(User.id).where(User.email == email)).first():
            continue
        user = User(email=email, full_name=name, position=position,
                    organization=by_short.get(org_short) if org_short else None,
                    password_hash=hash_password(DEMO_PASSWORD))
        for role, scope in roles:
            grant = RoleGrant(role=role)
            if role == Role.applicant:
                grant.organization = by_short[scope]
            elif role == Role.coordinator:
                grant.municipality = munis[scope]
            user.grants.append(grant)
        db.session.add(user)
        added_users += 1
    db.session.flush()
    return {"organizations": added_orgs, "users": added_users}
