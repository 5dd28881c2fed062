"""Data generator: a campaign of N entries × E experts × the expert stage's criteria, every sheet submitted.

At N=10,000, E=3 and the preset's 10 criteria that is 30,000 sheets and 300,000 score rows. With
`dossiers=True` every entry also gets a dossier of Russian prose and tables (`make_dossier`, 6–10 thousand
characters, one of TOPICS per entry) for the full-text search. Rows are
written with bulk Core `insert()` executemany (SQLite) or PostgreSQL COPY (psycopg `cursor.copy`), with
ids assigned here so no row has to be read back. Usable from tests with small sizes:

    info = generate(n_entries=5)            # inside an app context; flushes, does not commit
"""
from __future__ import annotations

import json
import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select, text

from workflow_app.extensions import db
from workflow_app.models import Municipality, Organization, OrgType, Role, RoleGrant, User
from workflow_app.models.base import utcnow
from workflow_app.models.competition import (
    AssignmentStatus,
    Campaign,
    CampaignKind,
    CampaignStatus,
    Criterion,
    Entry,
    EntryStatus,
    ReviewAssignment,
    Score,
    StageKind,
)
from workflow_app.services.competition.campaigns import campaign_from_preset

TRACK_ORG_TYPE = {"ДОО": OrgType.DOO, "ОО": OrgType.OO, "ОДОД": OrgType.ODOD, "СОО_ПОО": OrgType.POO,
                  "МОУО_ТМС": OrgType.TMS}


def _next_id(model) -> int:
    return (db.session.execute(select(func.max(model.id))).scalar() or 0) + 1


def make_campaign(year: int, n_criteria: int) -> Campaign:
    c = campaign_from_preset(CampaignKind.innovation_search, name=f"Инновационный поиск {year} (генератор)",
                             year=year, status=CampaignStatus.review, code_prefix="ГЕН")
    now = utcnow()
    for i, st in enumerate(c.stages):
        st.starts_on, st.deadline = date.today(), now + timedelta(days=10 * (i + 1))
    review = next(st for st in c.stages if st.kind == StageKind.expert_review)
    crit = [cr for cr in c.criteria if cr.stage is review]
    for cr in crit[n_criteria:]:
        c.criteria.remove(cr)
    for j in range(len(crit), n_criteria):
        c.criteria.append(Criterion(stage=review, position=j, name=f"Критерий {j + 1}",
                                    max_points=Decimal(10), weight=Decimal(1)))
    db.session.add(c)
    db.session.flush()
    return c


def _copy(table: str, columns: list[str], rows) -> None:
    """PostgreSQL COPY through the session's own connection (same transaction)."""
    raw = db.session.connection().connection.dbapi_connection
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)


def _bulk(model, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    if db.engine.dialect.name == "postgresql":
        _copy(model.__tablename__, columns, rows)
    else:
        table = model.__table__
        db.session.execute(insert(table), [dict(zip(columns, r, strict=False)) for r in rows])


def _fix_sequences(*models) -> None:
    if db.engine.dialect.name != "postgresql":
        return
    for m in models:
        t = m.__tablename__
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT coalesce(max(id), 1) FROM {t}))"))


def generate(n_entries: int = 10_000, experts_per_entry: int = 3, n_criteria: int = 10, *,
             n_experts: int | None = None, n_orgs: int | None = None, seed: int = 2026,
             year: int = 2026, password_hash: str = "!generated", dossiers: bool = False) -> dict:
    """Create the campaign and its data in the current session (flushed, not committed)."""
    rng = random.Random(seed)
    text_rng = random.Random(seed + 1)  # the scores stay the same with or without dossiers
    campaign = make_campaign(year, n_criteria)
    review = next(s for s in campaign.stages if s.kind == StageKind.expert_review)
    criteria = [c for c in campaign.criteria if c.stage_id == review.id]
    tracks = list(campaign.tracks)
    now = utcnow()
    naive_now = now  # aware UTC: Core binds go through UTCDateTime; COPY drops the +00:00

    # organisations: spread over municipalities, typed for their track
    munis = list(db.session.execute(select(Municipality.id).order_by(Municipality.id)).scalars())
    n_orgs = n_orgs or max(len(tracks), n_entries // 2)
    org0 = _next_id(Organization)
    org_rows = []
    org_track: dict[int, list[int]] = {t.id: [] for t in tracks}
    for i in range(n_orgs):
        t = tracks[i % len(tracks)]
        oid = org0 + i
        org_rows.append((oid, TRACK_ORG_TYPE.get(t.code, OrgType.OO).name,
                         f"Организация-генератор {year}-{campaign.id}-{i + 1}",
                         f"ОРГ-{campaign.id}-{i + 1}", munis[i % len(munis)], "", "", "", "", None, "active",
                         naive_now, naive_now, 1))
        org_track[t.id].append(oid)
    _bulk(Organization, ["id", "org_type", "full_name", "short_name", "municipality_id", "address",
                         "head_name", "email", "phone", "inn", "status", "created_at", "updated_at",
                         "version"], org_rows)

    # experts: no organisation, so no own-organisation conflicts
    n_experts = n_experts or max(experts_per_entry + 1, n_entries * experts_per_entry // 500)
    u0, g0 = _next_id(User), _next_id(RoleGrant)
    user_rows, grant_rows = [], []
    for i in range(n_experts):
        user_rows.append((u0 + i, f"gen-expert-{year}-{campaign.id}-{i + 1}@example.org", password_hash,
                          f"Эксперт Генератор {i + 1}", "", "", None, "active", None, 0,
                          naive_now, naive_now, 1))
        grant_rows.append((g0 + i, u0 + i, Role.expert.name, None, None))
    _bulk(User, ["id", "email", "password_hash", "full_name", "position", "phone", "organization_id",
                 "status", "last_login_at", "session_epoch", "created_at", "updated_at", "version"], user_rows)
    _bulk(RoleGrant, ["id", "user_id", "role", "organization_id", "municipality_id"], grant_rows)
    expert_ids = [u0 + i for i in range(n_experts)]

    e0, a0, s0 = _next_id(Entry), _next_id(ReviewAssignment), _next_id(Score)
    entry_rows, assignment_rows, score_rows = [], [], []
    aid, sid = a0, s0
    submitted = now - timedelta(days=20)
    for i in range(n_entries):
        t = tracks[i % len(tracks)]
        orgs = org_track[t.id]
        eid = e0 + i
        entry_rows.append((eid, campaign.id, t.id, orgs[(i // len(tracks)) % len(orgs)],
                           f"ГЕН-{year}-{i + 1:05d}", f"Инновационный проект № {i + 1}",
                           EntryStatus.scored.name, None, f"Руководитель {i + 1}", "[]",
                           json.dumps(make_dossier(text_rng, i), ensure_ascii=False) if dossiers else "{}",
                           submitted + timedelta(seconds=i), None, None, "", 1, False, None, None, None, "",
                           naive_now, naive_now, 1))
        quality = rng.uniform(3.0, 9.5)
        start = (i * experts_per_entry) % n_experts
        for k in range(experts_per_entry):
            total = Decimal(0)
            for c in criteria:
                p = min(int(c.max_points), max(0, round(quality + rng.gauss(0, 1.3))))
                score_rows.append((sid, aid, c.id, p, ""))
                sid += 1
                total += Decimal(p) * c.weight
            assignment_rows.append((aid, eid, review.id, expert_ids[(start + k) % n_experts],
                                    AssignmentStatus.submitted.name, now + timedelta(days=5), False,
                                    False, "{}", "", total, submitted + timedelta(days=3, seconds=aid),
                                    naive_now, naive_now, 1))
            aid += 1
    _bulk(Entry, ["id", "campaign_id", "track_id", "organization_id", "code", "title", "status",
                  "created_by_id", "lead_name", "team", "dossier", "submitted_at", "extension_until",
                  "correction_due", "staff_remark", "current_version", "divergent", "final_score",
                  "final_rank", "decision", "decision_reason", "created_at", "updated_at", "version"],
          _json_fix(entry_rows, (9, 10)))
    _bulk(ReviewAssignment, ["id", "entry_id", "stage_id", "expert_id", "status", "due_at", "is_extra",
                             "manual", "explanation", "comment", "total", "submitted_at", "created_at",
                             "updated_at", "version"], _json_fix(assignment_rows, (8,)))
    _bulk(Score, ["id", "assignment_id", "criterion_id", "points", "comment"], score_rows)
    _fix_sequences(Organization, User, RoleGrant, Entry, ReviewAssignment, Score)
    db.session.flush()
    return {"campaign_id": campaign.id, "entries": n_entries, "assignments": len(assignment_rows),
            "scores": len(score_rows), "experts": expert_ids, "review_stage_id": review.id}


def _json_fix(rows: list[tuple], idx: tuple[int, ...]) -> list[tuple]:
    """COPY takes JSON as text; executemany through Core wants Python objects for JSON columns."""
    if db.engine.dialect.name == "postgresql":
        return rows
    out = []
    for r in rows:
        r = list(r)
        for i in idx:
            r[i] = json.loads(r[i])
        out.append(tuple(r))
    return out


def run() -> dict[str, float]:
    """`python -m bench` runs every module; the generator's timing is reported by bench.competition."""
    return {}


# --- dossiers: Russian prose and tables, one topic per entry --------------------------------------------

TOPICS = [
    "робототехники и технического творчества", "финансовой грамотности", "экологического воспитания",
    "ранней профориентации", "инклюзивного образования", "патриотического воспитания", "шахматного образования",
    "медиаграмотности", "естественнонаучной грамотности", "читательской грамотности", "здоровьесбережения",
    "краеведения Кубани", "казачьего образования", "STEM-образования", "проектной деятельности",
    "наставничества молодых педагогов", "цифровой образовательной среды", "театральной педагогики",
    "музейной педагогики", "сетевого взаимодействия сельских школ", "одарённых детей", "семейного воспитания",
    "социальной адаптации мигрантов", "дистанционного обучения", "игровых технологий в дошкольном образовании",
    "агробизнес-образования", "морского образования", "инженерного мышления", "волонтёрского движения",
    "школьного спортивного клуба", "психолого-педагогического сопровождения", "логопедической помощи",
    "музыкального воспитания", "художественного творчества", "предпрофильной подготовки",
    "тьюторского сопровождения", "функциональной грамотности", "языковой подготовки", "информационной безопасности",
    "детского технопарка",
]
_SUBJECTS = ["Инновационный проект", "Предлагаемая модель", "Программа инновационной деятельности",
             "Педагогический коллектив", "Авторская методическая сеть", "Система мероприятий",
             "Муниципальная методическая служба", "Образовательная организация", "Комплекс занятий"]
_VERBS = ["обеспечивает развитие", "направлен на формирование", "создаёт условия для",
          "способствует повышению качества", "предусматривает внедрение", "позволяет распространить опыт",
          "опирается на результаты", "включает диагностику"]
_OBJECTS = ["функциональной грамотности обучающихся", "профессиональных компетенций педагогов",
            "образовательных результатов", "мотивации школьников", "партнёрства с родителями",
            "индивидуальных образовательных маршрутов", "методических продуктов", "сетевых форм обучения"]
_PLACES = ["в условиях сельской школы", "на основе сетевого взаимодействия", "с использованием цифровых ресурсов",
           "в соответствии с ФГОС", "в муниципальной системе образования", "при поддержке социальных партнёров",
           "в течение трёх лет реализации", "с учётом региональной специфики Краснодарского края"]
_PROSE_KEYS = ["1.1", "1.3", "2.1", "2.2", "2.3", "4.1", "7"]


def _sentence(rng: random.Random, topic: str) -> str:
    tail = f" в области {topic}" if rng.random() < 0.3 else ""
    return f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_PLACES)}{tail}."


def make_dossier(rng: random.Random, i: int) -> dict:
    """A dossier as the editor stores it: prose sections in HTML (a few paragraphs each) and a plan table
    (grid), about one topic of TOPICS (entry i has topic i mod len(TOPICS)); 6–10 thousand characters."""
    topic = TOPICS[i % len(TOPICS)]
    dossier: dict = {}
    for key in _PROSE_KEYS:
        paragraphs = []
        for _ in range(rng.randint(2, 3)):
            paragraphs.append(" ".join(_sentence(rng, topic) for _ in range(rng.randint(2, 4))))
        dossier[key] = "".join(f"<p>{p}</p>" for p in paragraphs)
    rows = [["", f"НАПРАВЛЕНИЕ ДЕЯТЕЛЬНОСТИ: развитие {topic}", ""]]
    for n in range(rng.randint(6, 12)):
        rows.append([f"{n + 1}.", f"Семинар для педагогов по вопросам {topic}: {rng.choice(_OBJECTS)}",
                     f"{rng.choice(['сентябрь', 'октябрь', 'декабрь', 'март', 'май'])} {2026 + n % 3}"])
    dossier["6"] = {"columns": ["№", "Мероприятие", "Сроки"], "rows": rows,
                    "row_kinds": ["group"] + ["data"] * (len(rows) - 1)}
    return dossier
