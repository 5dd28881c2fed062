"""XLSX export of the ranking: one column per criterion per expert, plus each sheet's total, the mean,
the percentage, the final score and the place.

A constant number of queries whatever the size: the criteria, the widest panel, then ONE statement that
joins the ranking to its sheets and their score rows, ordered by track, place, sheet and criterion, and
streamed (server-side cursor on PostgreSQL) into openpyxl's write-only workbook.
"""
from __future__ import annotations

import io
from collections.abc import Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from sqlalchemy import func, select

from ..extensions import db
from ..models import User
from ..models.competition import AssignmentStatus, Campaign, Criterion, ReviewAssignment, Score
from .ranking import proposal_of, ranking_query, ranking_with_proposal, scored_stages


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
    """Two ordered statements merged: the ranking rows (one per entry) and the sheets' score rows
    (one per criterion per sheet, joined to the same ranking for its order), streamed."""
    review, criteria, slots, stages = meta["review"], meta["criteria"], meta["slots"], meta["stages"]
    col_of = {cid: i for i, (cid, _, _) in enumerate(criteria)}
    width = len(criteria) + 2  # name, criteria…, total
    ranking = db.session.execute(ranking_query(campaign)).all()
    rk = ranking_with_proposal(campaign).subquery("rk")
    a, s = ReviewAssignment, Score
    stmt = (
        select(rk.c.entry_id, a.id, User.full_name, a.total, s.criterion_id, s.points)
        .select_from(rk)
        .join(a, (a.entry_id == rk.c.entry_id) & (a.stage_id == (review.id if review else -1))
              & (a.status == AssignmentStatus.submitted))
        .join(User, User.id == a.expert_id)
        .outerjoin(s, s.assignment_id == a.id)
        .order_by(rk.c.track_position, rk.c.place, a.id, s.criterion_id)
        .execution_options(yield_per=5000)
    )
    scores = iter(db.session.execute(stmt))
    pending = next(scores, None)
    for r in ranking:
        sheets: list[list] = []
        last_sheet = None
        while pending is not None and pending[0] == r.entry_id:
            _, sheet_id, name, total, criterion_id, points = pending
            if sheet_id != last_sheet:
                cells = [None] * width
                cells[0] = name
                cells[-1] = float(total) if total is not None else None
                sheets.append(cells)
                last_sheet = sheet_id
            if criterion_id in col_of and points is not None:
                sheets[-1][1 + col_of[criterion_id]] = float(points)
            pending = next(scores, None)
        yield _line(r, sheets, slots, width, stages)


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
    """Rows are plain numbers and strings already, so they go to openpyxl without per-cell conversion."""
    headers, meta = ranking_headers(campaign)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title="Рейтинг")
    ws.freeze_panes = "C2"
    bold = Font(bold=True)
    cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = bold
        cells.append(cell)
    ws.append(cells)
    for line in ranking_rows(campaign, meta):
        ws.append(line)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
