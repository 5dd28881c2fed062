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


CH1 = "1. Обоснование темы проекта."
CH2 = "2. Программа инновационной деятельности."
CH3 = "3. Состав работ."
CH4 = "4. Модель авторской методической сети."


def _text(code: str, title: str, chapter: str = "", required: bool = True) -> dict:
    return {"key": code, "code": code, "title": title, "chapter": chapter, "kind": "text", "required": required}


def _table(code: str, title: str, columns: list[str], chapter: str = "", *, or_text: bool = False,
           default: str = "table", required: bool = True) -> dict:
    """A table section; `or_text`: the applicant may write it as prose instead (real dossiers do)."""
    sec = {"key": code, "code": code, "title": title, "chapter": chapter,
           "kind": "table_or_text" if or_text else "table", "columns": columns, "required": required}
    if or_text:
        sec["default"] = default
    return sec


# The official headings of the form (domain §3.1), in full, each starting with its number.
DOSSIER_INNOVATION = [
    _text("1.1", "1.1. Обоснование темы проекта. Актуальность для развития системы образования, соответствие "
                 "ведущим инновационным направлениям развития образования Краснодарского края.", CH1),
    _text("1.2", "1.2. Нормативно-правовое обеспечение инновационного проекта.", CH1),
    _text("1.3", "1.3. Проблема, решаемая в ходе инновационной деятельности. Степень теоретической и практической "
                 "проработанности проблемы. Изучение и сравнительный анализ опыта реализации аналогичного проекта "
                 "в РФ и в Краснодарском крае.", CH1),
    _text("1.4", "1.4. Результаты инновационной деятельности по теме проекта на момент участия в конкурсе (степень "
                 "проработанности инновации с предоставлением перечня ранее изданных материалов – публикаций, "
                 "методических разработок).", CH1),
    _text("2.1", "2.1. Цели, задачи и перспективы реализации проекта.", CH2),
    _text("2.2", "2.2. Основная идея инновационного проекта.", CH2),
    _text("2.3", "2.3. Описание продуктов инновационной деятельности.", CH2),
    _text("2.4", "2.4. Описание целевых групп, на которые они ориентированы.", CH2),
    _text("3.1", "3.1. Формирование нормативных правовых и организационно-методических условий системной "
                 "инновационной деятельности.", CH3),
    _table("3.2", "3.2. Мероприятия, направленные на реализацию проекта.",
           ["Мероприятие", "Целевая аудитория", "Задачи"], CH3, or_text=True),
    _table("3.3", "3.3. Мероприятия по внедрению и распространению инновационных практик.",
           ["Мероприятие", "Сроки", "Ожидаемый результат"], CH3, or_text=True),
    _text("4.1", "4.1. Цели и задачи сетевого взаимодействия, количество и состав участников.", CH4),
    _text("4.2", "4.2. Схема, формы и методы сетевого взаимодействия (совместные события, проекты, совместная "
                 "учебно-познавательная, исследовательская, творческая деятельность и пр.).", CH4),
    _table("4.3", "4.3. Количество организаций, учреждений, муниципалитетов, вовлеченных в сеть.",
           ["Организация", "Муниципалитет", "Роль в сети"], CH4, or_text=True),
    _text("4.4", "4.4. Содержание и формы реализации сетевых мероприятий (конференции, вебинары, мастер-классы и "
                 "пр.).", CH4),
    _text("4.5", "4.5. Нормативные акты, регулирующие сетевое взаимодействие.", CH4, required=False),
    _table("4.6", "4.6. План развития и поддержки методической сети.", ["Мероприятие", "Сроки", "Результат"],
           CH4, or_text=True),
    _table("5", "5. Ожидаемые результаты.", ["Минимальные требования", "Предложение участника конкурса"],
           or_text=True, default="text"),
    _table("6", "6. План-график выполнения работ.", ["Год", "Мероприятие", "Сроки"], or_text=True),
    _text("7", "7. Обоснование наличия необходимых ресурсов для выполнения задач инновационной программы. "
               "Материально-техническая база."),
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
