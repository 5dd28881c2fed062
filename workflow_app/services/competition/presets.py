"""Starting configurations per campaign kind. Staff edit everything after creation; these are only data.

The «Инновационный поиск» dossier follows the institute's application form (domain §3.1).
"""
from __future__ import annotations

from decimal import Decimal

from ...models import OrgType
from ...models.competition import CampaignKind, StageKind

TRACKS_INNOVATION = [
    ("ДОО", "Дошкольные образовательные организации", [OrgType.DOO]),
    ("ОО", "Общеобразовательные организации", [OrgType.OO]),
    ("ОДОД", "Организации дополнительного образования детей", [OrgType.ODOD]),
    ("СОО_ПОО", "СОО и ПОО", [OrgType.SOO, OrgType.POO]),
    ("МОУО_ТМС", "МОУО и ТМС", [OrgType.MOUO, OrgType.TMS]),
]


def _text(key: str, title: str, required: bool = True) -> dict:
    return {"key": key, "title": title, "kind": "text", "required": required}


def _table(key: str, title: str, columns: list[str], required: bool = True) -> dict:
    return {"key": key, "title": title, "kind": "table", "columns": columns, "required": required}


DOSSIER_INNOVATION = [
    _text("1.1", "1.1. Обоснование актуальности проекта для системы образования Краснодарского края"),
    _text("1.2", "1.2. Нормативно-правовое обеспечение (федеральные, региональные, муниципальные акты)"),
    _text("1.3", "1.3. Проблема, степень её разработанности, сравнение с аналогичными проектами"),
    _text("1.4", "1.4. Достигнутые результаты и перечень опубликованных материалов"),
    _text("2.1", "2.1. Цели, задачи и перспективы проекта"),
    _text("2.2", "2.2. Основная идея"),
    _text("2.3", "2.3. Продукты инновационной деятельности"),
    _text("2.4", "2.4. Целевые группы"),
    _text("3.1", "3.1. Нормативно-правовые и организационные условия"),
    _table("3.2", "3.2. Мероприятия", ["Мероприятие", "Целевая аудитория", "Задачи"]),
    _table("3.3", "3.3–3.4. Мероприятия по реализации и диссеминации",
           ["Мероприятие", "Сроки", "Ожидаемый результат"]),
    _text("4.1", "4.1. Цели и задачи авторской сети"),
    _text("4.2", "4.2. Схема сетевого взаимодействия"),
    _table("4.3", "4.3. Участники сети", ["Организация", "Муниципалитет", "Роль в сети"]),
    _text("4.4", "4.4. Формы сетевых мероприятий"),
    _text("4.5", "4.5. Акты, регламентирующие работу сети", required=False),
    _table("4.6", "4.6. План развития сети", ["Мероприятие", "Сроки", "Результат"]),
    _table("5", "5. Ожидаемые результаты", ["Минимальное требование", "Предложение заявителя"]),
    _table("6", "6. План-график по годам", ["Год", "Мероприятие", "Сроки"]),
    _text("7", "7. Ресурсное и материально-техническое обеспечение"),
]

STAGES_INNOVATION = [
    # kind, in person, scored
    (StageKind.registration, False, False),
    (StageKind.submission, False, False),
    (StageKind.correction, False, False),
    (StageKind.expert_review, False, True),
    (StageKind.defence, True, True),
    (StageKind.decision, False, False),
]

CRITERIA_REVIEW = [
    ("Актуальность и значимость проекта для системы образования края", 10, "1"),
    ("Инновационность (новизна) идеи и предлагаемых решений", 10, "1.5"),
    ("Научная и нормативная обоснованность", 10, "1"),
    ("Чёткость целей, задач и ожидаемых результатов", 10, "1"),
    ("Реалистичность плана-графика и ресурсного обеспечения", 10, "1"),
    ("Продукты инновационной деятельности и их практическая ценность", 10, "1.5"),
    ("Сетевое взаимодействие и диссеминация опыта", 10, "1"),
    ("Достигнутые результаты и публикации", 10, "1"),
    ("Возможность тиражирования в других организациях края", 10, "1"),
    ("Качество оформления и полнота заявки", 10, "0.5"),
]

CRITERIA_DEFENCE = [
    ("Убедительность презентации проекта", 10, "1"),
    ("Ответы на вопросы экспертов", 10, "1"),
    ("Готовность команды к реализации проекта", 10, "1"),
]


def preset_for(kind: CampaignKind) -> dict:
    """Tracks, stages, criteria and dossier form to start a campaign of this kind with."""
    return {
        "tracks": [
            {"code": c, "name": n, "org_types": [t.name for t in types]} for c, n, types in TRACKS_INNOVATION
        ],
        "stages": [{"kind": k, "in_person": p, "scored": s} for k, p, s in STAGES_INNOVATION],
        "criteria": {
            StageKind.expert_review: [
                {"name": n, "max_points": Decimal(m), "weight": Decimal(w)} for n, m, w in CRITERIA_REVIEW],
            StageKind.defence: [
                {"name": n, "max_points": Decimal(m), "weight": Decimal(w)} for n, m, w in CRITERIA_DEFENCE],
        },
        "dossier_schema": [dict(s) for s in DOSSIER_INNOVATION],
    }
