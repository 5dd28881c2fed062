"""XLSX export of the ranking: one column per criterion per expert, plus each sheet's total, the mean,
the percentage, the final score and the place.

A constant number of queries whatever the size: the criteria, the widest panel, then ONE statement that
joins the ranking to its sheets and their score rows, ordered by track, place, sheet and criterion, and
streamed (server-side cursor on PostgreSQL) into openpyxl's write-only workbook.
"""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from ..export import build_xlsx
from ..extensions import db
from ..models import User
from ..models.competition import AssignmentStatus, Campaign, Criterion, ReviewAssignment, Score
from .ranking import proposal_of, ranking_with_proposal, scored_stages


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
    head += ["Экспертов", "Средний балл экспертизы", "% от максимума (экспертиза)", "Разброс итогов"]
    if len(stages) > 1:
        head += [f"% от максимума ({s.kind.value})" for s in stages[1:]]
    head += ["Итоговый балл, %", "Равный ранг", "Шорт-лист", "Расхождение", "Предложение комиссии"]
    return head, {"stages": stages, "review": review, "criteria": criteria, "slots": slots}


def ranking_rows(campaign: Campaign, meta: dict) -> Iterator[list]:
    review, criteria, slots, stages = meta["review"], meta["criteria"], meta["slots"], meta["stages"]
    col_of = {cid: i for i, (cid, _, _) in enumerate(criteria)}
    width = len(criteria) + 2  # name, criteria…, total
    rk = ranking_with_proposal(campaign).subquery("rk")
    a, s = ReviewAssignment, Score
    stmt = (
        select(rk, a.id.label("sheet_id"), User.full_name.label("expert_name"), a.total.label("sheet_total"),
               s.criterion_id, s.points)
        .select_from(rk)
        .outerjoin(a, (a.entry_id == rk.c.entry_id) & (a.stage_id == (review.id if review else -1))
                   & (a.status == AssignmentStatus.submitted))
        .outerjoin(User, User.id == a.expert_id)
        .outerjoin(s, s.assignment_id == a.id)
        .order_by(rk.c.track_position, rk.c.place, a.id, s.criterion_id)
        .execution_options(yield_per=5000)
    )
    current, sheets, sheet_ids = None, [], {}
    for row in db.session.execute(stmt):
        if current is None or row.entry_id != current.entry_id:
            if current is not None:
                yield _line(current, sheets, slots, width, stages)
            current, sheets, sheet_ids = row, [], {}
        if row.sheet_id is None:
            continue
        idx = sheet_ids.get(row.sheet_id)
        if idx is None:
            idx = sheet_ids[row.sheet_id] = len(sheets)
            cells = [None] * width
            cells[0] = row.expert_name
            cells[-1] = float(row.sheet_total) if row.sheet_total is not None else None
            sheets.append(cells)
        if row.criterion_id is not None and row.criterion_id in col_of:
            sheets[idx][1 + col_of[row.criterion_id]] = float(row.points) if row.points is not None else None
    if current is not None:
        yield _line(current, sheets, slots, width, stages)


def _line(r, sheets: list, slots: int, width: int, stages) -> list:
    out = [r.track_code, r.place, r.code, r.title, r.org_name, r.municipality, r.status.value]
    for k in range(slots):
        out += sheets[k] if k < len(sheets) else [None] * width
    out += [r.s0_n, r.s0_score, r.s0_pct, r.s0_spread]
    for i in range(1, len(stages)):
        out.append(getattr(r, f"s{i}_pct"))
    out += [r.final, r.score_rank, "да" if r.shortlist_ok else "нет", "да" if r.divergent_now else "",
            proposal_of(r).value + (" (изменено)" if r.override_decision is not None else "")]
    return out


def ranking_xlsx(campaign: Campaign) -> bytes:
    headers, meta = ranking_headers(campaign)
    return build_xlsx("Рейтинг", headers, ranking_rows(campaign, meta))
