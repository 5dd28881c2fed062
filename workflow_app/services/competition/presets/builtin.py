"""The built-in presets, one per campaign kind (domain §2.1, §2.2, §2.5): the definitions the migration
seeds the preset table with. Admins copy and edit the rows; these stay the factory defaults.

The «Инновационный поиск» dossier follows the institute's application form (domain §3.1).
"""
from __future__ import annotations

from datetime import date

from ....models import OrgType
from ....models.competition import ApplicantKind, CampaignKind, StageKind

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


def _link(code: str, title: str, chapter: str = "", required: bool = True) -> dict:
    """A section holding one web address (a video, a poster, materials), checked as a URL."""
    return {"key": code, "code": code, "title": title, "chapter": chapter, "kind": "link", "required": required}


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
    # kind, in person, scored, first day, last day (ДД.ММ of the campaign's year)
    (StageKind.registration, False, False, "13.06", "30.06"),
    (StageKind.submission, False, False, "13.06", "15.09"),
    (StageKind.correction, False, False, "16.09", "30.09"),
    (StageKind.expert_review, False, True, "01.10", "25.10"),
    (StageKind.defence, True, True, "01.11", "10.11"),
    (StageKind.decision, False, False, "17.11", "17.11"),
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



# --- «Конкурс муниципальных методических команд» (domain §2.5): ТМС only; stage I by correspondence in
# August with a video per team, stage II in person in September (case solving). -----------------------

SECTIONS_TEAMS = [
    _table("1", "1. Состав муниципальной методической команды.", ["ФИО", "Должность", "Роль в команде"]),
    _text("2", "2. Визитная карточка команды: методическая тема, ключевые результаты работы за год."),
    _link("3", "3. Ссылка на видеоролик команды (заочный этап)."),
]
TRACKS_TEAMS = [("ММК", "Муниципальные методические команды", [OrgType.TMS])]
STAGES_TEAMS = [
    (StageKind.registration, False, False, "01.07", "31.07"),
    (StageKind.submission, False, False, "01.08", "25.08"),
    (StageKind.expert_review, False, True, "26.08", "05.09"),
    (StageKind.defence, True, True, "15.09", "25.09"),
    (StageKind.decision, False, False, "30.09", "30.09"),
]
CRITERIA_TEAMS_VIDEO = [
    ("Соответствие видеоролика теме и требованиям конкурса", 10, "1"),
    ("Системность методической работы команды", 10, "1"),
    ("Результативность деятельности команды", 10, "1"),
    ("Оригинальность и качество представления", 5, "1"),
]
CRITERIA_TEAMS_CASE = [
    ("Глубина анализа кейса", 10, "1"),
    ("Обоснованность и реалистичность предложенного решения", 10, "1.5"),
    ("Командная работа и распределение ролей", 10, "1"),
    ("Качество публичного представления решения", 5, "1"),
]

# --- «Лучшая методическая практика» (domain §2.5): open to ТМС; held May–June; КРЦ and ЛСВ review. ---

SECTIONS_PRACTICE = [
    _text("1", "1. Описание методической практики: проблема, цель, целевая аудитория."),
    _text("2", "2. Содержание и механизмы реализации практики."),
    _table("3", "3. Результаты и эффекты практики.", ["Показатель", "Значение", "Подтверждение"],
           or_text=True),
    _text("4", "4. Возможности тиражирования практики в других муниципалитетах."),
    _link("5", "5. Ссылка на материалы практики.", required=False),
]
TRACKS_PRACTICE = [("ТМС", "Территориальные методические службы", [OrgType.TMS])]
STAGES_PRACTICE = [
    (StageKind.registration, False, False, "01.04", "31.05"),
    (StageKind.submission, False, False, "01.05", "31.05"),
    (StageKind.expert_review, False, True, "01.06", "20.06"),
    (StageKind.decision, False, False, "30.06", "30.06"),
]
CRITERIA_PRACTICE = [
    ("Актуальность практики для системы методической работы", 10, "1"),
    ("Новизна и оригинальность подходов", 10, "1"),
    ("Результативность, подтверждённая данными", 10, "1.5"),
    ("Возможность тиражирования", 10, "1"),
    ("Качество описания практики", 5, "0.5"),
]

# --- «Постер-сессия» (domain §2.2): February, public defence of a ТМС's innovation idea, the entry into
# the КРЦ/ЛСВ track. --------------------------------------------------------------------------------

SECTIONS_POSTER = [
    _text("1", "1. Инновационная идея и её обоснование."),
    _text("2", "2. Проблема муниципальной системы образования, на решение которой направлена идея."),
    _table("3", "3. Планируемые продукты и мероприятия.", ["Продукт или мероприятие", "Сроки", "Результат"],
           or_text=True),
    _link("4", "4. Ссылка на постер (PDF или изображение)."),
]
TRACKS_POSTER = [("КРЦ", "Претенденты на статус КРЦ (РЦОО)", [OrgType.TMS]),
                 ("ЛСВ", "Претенденты на статус ЛСВ", [OrgType.TMS])]
STAGES_POSTER = [
    (StageKind.registration, False, False, "10.01", "31.01"),
    (StageKind.submission, False, False, "01.02", "10.02"),
    (StageKind.defence, True, True, "15.02", "25.02"),
    (StageKind.decision, False, False, "28.02", "28.02"),
]
CRITERIA_POSTER = [
    ("Актуальность идеи для муниципальной системы образования", 10, "1"),
    ("Новизна идеи", 10, "1"),
    ("Потенциал сетевого взаимодействия (наставничество)", 10, "1"),
    ("Качество постера и защиты", 10, "1"),
]

# --- teacher competitions: an individual teacher enters, their organisation is the affiliation. ------

SECTIONS_TEACHER = [
    _text("1", "1. Эссе «Моя педагогическая философия»."),
    _text("2", "2. Описание педагогического опыта."),
    _link("3", "3. Ссылка на видеозапись урока (занятия)."),
]
TRACKS_TEACHER = [
    ("ПЕД_ОО", "Педагоги общеобразовательных организаций", [OrgType.OO, OrgType.SOO, OrgType.POO]),
    ("ПЕД_ДОО", "Педагоги дошкольных образовательных организаций", [OrgType.DOO]),
    ("ПЕД_ОДОД", "Педагоги дополнительного образования", [OrgType.ODOD]),
]
STAGES_TEACHER = [
    (StageKind.registration, False, False, "01.02", "28.02"),
    (StageKind.submission, False, False, "01.02", "15.03"),
    (StageKind.expert_review, False, True, "16.03", "31.03"),
    (StageKind.defence, True, True, "10.04", "20.04"),
    (StageKind.decision, False, False, "25.04", "25.04"),
]
CRITERIA_TEACHER_ESSAY = [
    ("Глубина педагогической рефлексии", 10, "1"),
    ("Обоснованность и результативность опыта", 10, "1"),
    ("Методическая грамотность", 10, "1"),
]
CRITERIA_TEACHER_LESSON = [
    ("Методическое мастерство на открытом занятии", 10, "1"),
    ("Организация деятельности обучающихся", 10, "1"),
    ("Рефлексия и самоанализ занятия", 10, "1"),
]

ALL_OUTPUTS = ["protocol", "rating", "order", "certificates"]

# --- as rows of the preset table -------------------------------------------------------------------

_REF_YEAR = 2025  # a common year: offsets count days from 1 January


def _offset(ddmm: str) -> int:
    d, m = (int(x) for x in ddmm.split("."))
    return (date(_REF_YEAR, m, d) - date(_REF_YEAR, 1, 1)).days


def _stages(rows) -> list[dict]:
    return [{"kind": k.name, "in_person": p, "scored": s, "offset_days": _offset(a),
             "duration_days": _offset(b) - _offset(a) + 1} for k, p, s, a, b in rows]


def _tracks(rows) -> list[dict]:
    return [{"code": c, "name": n, "org_types": [t.name for t in types]} for c, n, types in rows]


def _criteria(rows) -> list[dict]:
    return [{"name": n, "description": "", "max_points": str(m), "weight": w} for n, m, w in rows]


def _row(kind: CampaignKind, name: str, prefix: str, sections, tracks, stages, criteria: dict, *,
         applicant: ApplicantKind = ApplicantKind.organization, outputs=None, experts=None,
         description: str = "") -> dict:
    return {"name": name, "kind": kind.name, "is_default": True, "builtin": True,
            "applicant_kind": applicant.name, "code_prefix": prefix, "description": description,
            "sections": [dict(s) for s in sections], "tracks": _tracks(tracks), "stages": _stages(stages),
            "criteria": {k.name: _criteria(v) for k, v in criteria.items()},
            "output_documents": list(outputs or ALL_OUTPUTS), "expert_status_types": list(experts or [])}


def builtin_rows() -> list[dict]:
    """One default preset per campaign kind, as rows of `competition_preset` (plain JSON values)."""
    return [
        _row(CampaignKind.innovation_search, "Инновационный поиск", "ИП", DOSSIER_INNOVATION, TRACKS_INNOVATION,
             STAGES_INNOVATION, {StageKind.expert_review: CRITERIA_REVIEW, StageKind.defence: CRITERIA_DEFENCE},
             description="Краевой конкурс на присвоение статуса КИП (заочный этап, экспертиза, защита)."),
        _row(CampaignKind.methodical_teams, "Конкурс муниципальных методических команд", "ММК", SECTIONS_TEAMS,
             TRACKS_TEAMS, STAGES_TEAMS,
             {StageKind.expert_review: CRITERIA_TEAMS_VIDEO, StageKind.defence: CRITERIA_TEAMS_CASE},
             description="I этап (август) — заочный, видеоролик команды; II этап (сентябрь) — очное решение "
                         "кейсов. Участвуют только ТМС."),
        _row(CampaignKind.best_practice, "Лучшая методическая практика", "ЛМП", SECTIONS_PRACTICE,
             TRACKS_PRACTICE, STAGES_PRACTICE, {StageKind.expert_review: CRITERIA_PRACTICE},
             experts=["KRC", "LSV"],
             description="Открытый краевой конкурс для ТМС; экспертизу проводят КРЦ и ЛСВ."),
        _row(CampaignKind.poster_session, "Постер-сессия КРЦ/ЛСВ", "ПС", SECTIONS_POSTER, TRACKS_POSTER,
             STAGES_POSTER, {StageKind.defence: CRITERIA_POSTER}, outputs=["protocol", "rating"],
             description="Публичная защита инновационной идеи ТМС (февраль) — вход в цикл КРЦ/ЛСВ."),
        _row(CampaignKind.teacher_contest, "Конкурс педагогов", "ПЕД", SECTIONS_TEACHER, TRACKS_TEACHER,
             STAGES_TEACHER, {StageKind.expert_review: CRITERIA_TEACHER_ESSAY,
                              StageKind.defence: CRITERIA_TEACHER_LESSON},
             applicant=ApplicantKind.person,
             description="Индивидуальное участие педагогов; организация педагога указывается как место работы."),
        _row(CampaignKind.other, "Другой конкурс", "К", [_text("1", "1. Описание конкурсной работы.")],
             [("ВСЕ", "Все организации", list(OrgType))],
             [(StageKind.submission, False, False, "01.03", "31.03"),
              (StageKind.expert_review, False, True, "01.04", "20.04"),
              (StageKind.decision, False, False, "30.04", "30.04")],
             {StageKind.expert_review: [("Соответствие требованиям конкурса", 10, "1"),
                                        ("Качество конкурсной работы", 10, "1")]}),
    ]
