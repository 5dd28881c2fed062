"""Demo entries for «Инновационный поиск 2026»: a dozen organisations in several states, with
dossiers that read like real ones. Idempotent: organisations that already have an entry are skipped.

The campaign itself belongs to the campaigns part (its seeder runs first, order=10); if it is not
there (any merge order), it is created here from the preset.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ..extensions import db
from ..machines.base import fire
from ..machines.entry import entry_lifecycle
from ..models import Organization, User
from ..models.competition import Entry, EntryStatus
from .demo import ORGS as DEMO_ORGS
from .demo import demo_seeder
from .demo_campaigns import open_demo_campaign

CAMPAIGN_NAME = "Инновационный поиск 2026"

# (short name of a demo organisation, state, project theme, lead)
PLAN = [
    ("МБОУ СОШ № 1", "draft", "Школа функциональной грамотности: межпредметные проекты в 5–9 классах",
     "Петров Сергей Иванович, директор"),
    ("МАОУ гимназия № 23", "submitted", "Цифровой методический кабинет гимназии как ресурс профессионального роста учителя",
     "Орлова Наталья Викторовна, заместитель директора"),
    ("МБОУ лицей № 4", "admitted", "Инженерные классы: сетевая модель профориентации с предприятиями Кубани",
     "Гончаренко Алексей Петрович, директор"),
    ("МАДОУ д/с № 17", "submitted", "Кубанский краеведческий маршрут: образовательная среда детского сада",
     "Ткаченко Елена Сергеевна, заведующий"),
    ("МБДОУ д/с № 101", "returned", "Инклюзивная игровая площадка: ранняя помощь детям с ОВЗ",
     "Кравченко Ольга Андреевна, заведующий"),
    ("МБУ ДО ЦДТ", "admitted", "Технопарк юного исследователя: дополнительные программы естественно-научной направленности",
     "Литвинов Игорь Николаевич, директор"),
    ("МОБУ СОШ № 8", "submitted", "Наставничество «ученик — ученик» как механизм повышения учебной мотивации",
     "Аракелян Карина Робертовна, заместитель директора"),
    ("МДОБУ д/с № 45", "draft", "Экологическое воспитание дошкольников на основе морского побережья Сочи",
     "Шевченко Анна Михайловна, старший воспитатель"),
    ("МБУ ДО ЭБЦ", "returned", "Школьные лесничества Черноморского побережья: сетевой проект",
     "Демченко Виктор Алексеевич, директор"),
    ("МАОУ СОШ № 40", "admitted", "Модель профильного обучения в малокомплектных классах с использованием сетевой формы",
     "Бондаренко Татьяна Ивановна, директор"),
    ("МКУ СЦРО", "submitted", "Муниципальная система сопровождения молодых педагогов «Старт в профессию»",
     "Захарова Марина Олеговна, директор"),
    ("МБОУ СОШ № 5", "draft", "", ""),
]

TEXT = {
    "1.1": [
        "Проект «{theme}» отвечает на задачи, поставленные региональной программой развития образования "
        "Краснодарского края: повышение качества образования, обновление содержания и технологий обучения, "
        "развитие кадрового потенциала.",
        "Для {org} и муниципального образования {muni} проект актуален, поскольку позволяет соединить "
        "накопленный опыт коллектива с запросами родителей и обучающихся, зафиксированными в ходе "
        "анкетирования 2025 года (опрошено более 400 участников образовательных отношений).",
    ],
    "1.2": [
        "<ul><li>Федеральный закон от 29.12.2012 № 273-ФЗ «Об образовании в Российской Федерации».</li>"
        "<li>Закон Краснодарского края от 16.07.2013 № 2770-КЗ «Об образовании в Краснодарском крае».</li>"
        "<li>Государственная программа Краснодарского края «Развитие образования».</li>"
        "<li>Приказ руководителя {org} о создании рабочей группы по реализации проекта.</li></ul>",
    ],
    "1.3": [
        "Проблема, на решение которой направлен проект, — разрыв между требованиями ФГОС к результатам "
        "и сложившейся практикой, ориентированной преимущественно на предметные знания.",
        "Анализ опыта инновационных площадок края и других регионов показал, что близкие решения существуют, "
        "однако они не учитывают <b>муниципальную специфику</b> и не обеспечивают устойчивого сетевого "
        "взаимодействия. Проект восполняет этот пробел.",
    ],
    "1.4": [
        "За 2023–2025 годы коллектив {org} апробировал отдельные элементы модели: проведено 12 открытых "
        "мероприятий, подготовлено 6 методических разработок.",
        "<ol><li>Сборник методических материалов (2024).</li><li>Статья в журнале «Кубанская школа» (2025).</li>"
        "<li>Выступление на краевой научно-практической конференции (2025).</li></ol>",
    ],
    "2.1": [
        "<b>Цель проекта:</b> создание и апробация модели «{theme}».",
        "<b>Задачи:</b> разработать нормативную и методическую базу; подготовить педагогов; апробировать модель "
        "в сетевом взаимодействии; обобщить и распространить результаты. В перспективе модель может быть "
        "тиражирована в образовательных организациях края.",
    ],
    "2.2": [
        "Основная идея проекта — <i>организовать образовательное пространство</i> так, чтобы каждый участник "
        "получал возможность для самостоятельного действия, а педагог выступал наставником и организатором.",
    ],
    "2.3": [
        "<ul><li>Программа и методические рекомендации по реализации модели.</li>"
        "<li>Банк заданий и сценариев занятий.</li><li>Электронный ресурс с материалами проекта.</li></ul>",
    ],
    "2.4": [
        "Целевые группы: обучающиеся (воспитанники) и их родители, педагогические и руководящие работники "
        "{org} и организаций-участников сети муниципального образования {muni}.",
    ],
    "3.1": [
        "Создана рабочая группа, утверждено положение об инновационной деятельности, заключены договоры о "
        "сетевом взаимодействии. Имеются необходимые помещения и оборудование.",
    ],
    "4.1": [
        "Авторская сеть объединяет организации, заинтересованные в совместной разработке и апробации модели; "
        "её задача — обмен опытом и совместное создание продуктов проекта.",
    ],
    "4.2": [
        "{org} выступает координатором сети: проводит установочные семинары, организует стажировки, "
        "обеспечивает методическое сопровождение участников, собирает и обобщает результаты.",
    ],
    "4.4": [
        "<ul><li>Проблемные семинары и мастер-классы.</li><li>Стажировки на базе {org}.</li>"
        "<li>Онлайн-консультации и совместные проектные сессии.</li></ul>",
    ],
    "4.5": ["Договоры о сетевом взаимодействии; положение о сети; план работы сети на 2026–2028 годы."],
    "7": [
        "Кадровые ресурсы: 18 педагогов, из них 11 — высшей квалификационной категории, 2 кандидата наук. "
        "Материально-техническая база: оборудованные кабинеты, интерактивные комплексы, доступ к сети Интернет, "
        "сайт организации.",
    ],
}

TABLES = {
    "3.2": [["Установочный семинар для педагогов", "Педагоги организации", "Введение в модель проекта"],
            ["Цикл открытых занятий", "Обучающиеся, родители", "Апробация элементов модели"],
            ["Методический марафон", "Педагоги сети", "Обмен опытом"]],
    "3.3": [["Разработка программы проекта", "январь — март 2026", "Программа утверждена"],
            ["Краевой вебинар по итогам первого года", "декабрь 2026", "Не менее 150 участников"],
            ["Публикация методических рекомендаций", "2027", "Рекомендации изданы"]],
    "4.3": [["{org}", "{muni}", "Координатор сети"],
            ["МБОУ СОШ № 30", "Абинский район", "Участник апробации"],
            ["МКУ ЦРО Анапа", "Анапа", "Методическое сопровождение"]],
    "4.6": [["Расширение сети до 6 организаций", "2027", "Подписаны договоры"],
            ["Сетевая конференция", "2028", "Сборник материалов"]],
    "5": [["Разработка продуктов инновационной деятельности", "Программа, методические рекомендации, банк заданий"],
          ["Диссеминация опыта", "Не менее 4 краевых мероприятий"]],
    "6": [["2026", "Подготовительный этап", "январь — август"],
          ["2027", "Апробация модели", "сентябрь — май"],
          ["2028", "Обобщение и распространение", "сентябрь — декабрь"]],
}


def _fill(entry: Entry, org: Organization, theme: str, lead: str, partial: bool) -> None:
    fmt = dict(theme=theme, org=org.short_name, muni=org.municipality.name)
    dossier = {}
    for i, sec in enumerate(entry.campaign.dossier_schema or []):
        if partial and i > 4:
            break
        key = sec["key"]
        if sec.get("kind") == "table":
            dossier[key] = [[c.format(**fmt) for c in row] for row in TABLES.get(key, [])]
        else:
            parts = TEXT.get(key, ["Раздел раскрывает содержание проекта «{theme}» применительно к {org}."])
            dossier[key] = "".join(p.format(**fmt) if p.startswith("<") else f"<p>{p.format(**fmt)}</p>"
                                   for p in parts)
    entry.title = theme
    entry.lead_name = lead
    entry.dossier = dossier
    if theme:
        entry.team = [{"name": lead.split(",")[0], "position": lead.split(", ")[-1], "role": "Руководитель проекта"},
                      {"name": "Семёнова Людмила Петровна", "position": "учитель", "role": "Разработчик"},
                      {"name": "Кузнецов Дмитрий Олегович", "position": "педагог-психолог", "role": "Аналитик"}]


@demo_seeder(order=20)
def seed_dossier() -> dict[str, int]:
    from ..services import dossier as svc  # noqa: F401  (attaches the lifecycle's guards and effects)
    from ..services import entry_check  # noqa: F401

    campaign = open_demo_campaign()
    staff = db.session.execute(select(User).where(User.email == "staff@iro.local")).scalar_one_or_none()
    # The platform's demo organisations, by short name (another area's data may reuse a short name).
    wanted = {short: (full, code) for _t, full, short, code in DEMO_ORGS}
    orgs = {}
    for org in db.session.execute(select(Organization).where(
            Organization.full_name.in_([f for f, _c in wanted.values()]))).scalars():
        if wanted.get(org.short_name, ("", ""))[1] == org.municipality.code:
            orgs[org.short_name] = org
    added = 0
    for short, state, theme, lead in PLAN:
        org = orgs.get(short)
        if org is None:
            continue
        exists = db.session.execute(select(Entry.id).where(Entry.campaign_id == campaign.id,
                                                           Entry.organization_id == org.id)).first()
        if exists:
            continue
        track = next((t for t in campaign.tracks if org.org_type.name in (t.org_types or [])), None)
        if track is None:
            continue
        n = db.session.execute(select(Entry.id).where(Entry.campaign_id == campaign.id)).all()
        entry = Entry(campaign=campaign, track=track, organization=org, status=EntryStatus.draft,
                      code=f"{campaign.code_prefix or 'ИП'}-{campaign.year}-{len(n) + 1:04d}", dossier={}, team=[])
        db.session.add(entry)
        db.session.flush()
        _fill(entry, org, theme, lead, partial=(state == "draft"))
        db.session.flush()
        applicant = svc.applicant_users(org.id)
        actor = applicant[0] if applicant else None
        if state != "draft":
            fire(entry_lifecycle, entry, "submit", actor=actor, check_policy=False)
        if state == "returned":
            fire(entry_lifecycle, entry, "return_for_correction", actor=staff, check_policy=staff is not None,
                 reason="Раздел 6 «План-график» не согласован с разделом 3.3: уточните сроки мероприятий; "
                        "приложите договоры о сетевом взаимодействии.",
                 payload={"correction_due": (date.today() + timedelta(days=14)).isoformat()})
        if state == "admitted":
            fire(entry_lifecycle, entry, "admit", actor=staff, check_policy=staff is not None)
        added += 1
    return {"dossier_entries": added}
