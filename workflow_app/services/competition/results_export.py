"""XLSX export of the ranking: one column per criterion per expert, plus each sheet's total, the mean,
the percentage, the final score and the place.

A constant number of queries whatever the size: the criteria, the widest panel, the ranking, then ONE
statement for the sheets of the expert stage with their points pivoted per criterion in SQL (30,000 rows
for 300,000 scores), written row by row into openpyxl's write-only workbook.
"""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Float, case, cast, func, select

from ...export import build_xlsx
from ...extensions import db
from ...models import User
from ...models.competition import AssignmentStatus, Campaign, Criterion, ReviewAssignment, Score
from .ranking import ranking_query, scored_stages
from .standings import outcome_of, review_progress


def _columns(campaign: Campaign):
    stages = scored_stages(campaign)
    review = stages[0] if stages else None
    criteria = list(db.session.execute(
        select(Criterion.id, Criterion.name, Criterion.position)
        .where(Criterion.stage_id == (review.id if review else -1))
        .order_by(Criterion.position, Criterion.id)).all())
    a = ReviewAssignment
    per_entry = (select(func.count(a.id).label("n"))
                 .where(a.stage_id == (review.id if review else -1), a.status == AssignmentStatus.submitted)
                 .group_by(a.entry_id).subquery())
    slots = db.session.execute(select(func.max(per_entry.c.n))).scalar() or 0
    return stages, review, criteria, int(slots)


def ranking_headers(campaign: Campaign) -> tuple[list[str], dict]:
    stages, review, criteria, slots = _columns(campaign)
    head = ["Трек", "Место", "Код", "Название проекта", "Организация", "Муниципалитет", "Состояние"]
    for k in range(1, slots + 1):
        head.append(f"Эксперт {k}: ФИО")
        head += [f"Эксперт {k}: К{j}. {name[:40]}" for j, (_, name, _) in enumerate(criteria, 1)]
        head.append(f"Эксперт {k}: итого")
    head += ["Экспертов", "Полнота экспертизы", "Средний балл экспертизы", "% от максимума (экспертиза)",
             "Разброс итогов"]
    if len(stages) > 1:
        head += [f"% от максимума ({s.kind.value})" for s in stages[1:]]
    head += ["Итоговый балл, %", "Равный ранг", "Шорт-лист", "Расхождение", "Решение или предложение комиссии"]
    return head, {"stages": stages, "review": review, "criteria": criteria, "slots": slots}


def ranking_rows(campaign: Campaign, meta: dict) -> Iterator[list]:
    """Two statements: the ranking rows (one per entry, in order) and the expert-stage sheets with
    their criteria pivoted into columns in SQL (one row per sheet, not one per score), merged here."""
    review, criteria, slots, stages = meta["review"], meta["criteria"], meta["slots"], meta["stages"]
    width = len(criteria) + 2  # name, criteria…, total
    ranking = db.session.execute(ranking_query(campaign)).all()
    a, s = ReviewAssignment, Score
    points = [func.max(case((s.criterion_id == cid, cast(s.points, Float)))) for cid, _, _ in criteria]
    stmt = (
        select(a.entry_id, User.full_name, cast(a.total, Float), *points)
        .join(User, User.id == a.expert_id)
        .outerjoin(s, s.assignment_id == a.id)
        .where(a.stage_id == (review.id if review else -1), a.status == AssignmentStatus.submitted)
        .group_by(a.entry_id, a.id, User.full_name, a.total)
        .order_by(a.entry_id, a.id)
    )
    by_entry: dict[int, list[list]] = {}
    for row in db.session.execute(stmt).tuples():
        entry_id, name, total, *crit = row
        by_entry.setdefault(entry_id, []).append([name, *crit, total])
    for r in ranking:
        yield _line(r, by_entry.get(r.entry_id, ()), slots, width, stages)


def _line(r, sheets: list, slots: int, width: int, stages) -> list:
    out = [r.track_name, r.place, r.code, r.title, r.org_name, r.municipality, r.status.value]
    for k in range(slots):
        out += sheets[k] if k < len(sheets) else [None] * width
    out += [r.s0_n, review_progress(r) or None, r.s0_score, r.s0_pct, r.s0_spread]
    for i in range(1, len(stages)):
        out.append(getattr(r, f"s{i}_pct"))
    out += [r.final, r.score_rank, "да" if r.shortlist_ok else "нет", "да" if r.divergent_now else "",
            outcome_of(r).value + (" (изменено)" if r.override_decision is not None and r.decision is None
                                   else "")]
    return out


def ranking_xlsx(campaign: Campaign) -> bytes:
    headers, meta = ranking_headers(campaign)
    return build_xlsx("Рейтинг", headers, ranking_rows(campaign, meta), freeze="C2")
