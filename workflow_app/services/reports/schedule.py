"""The scheduler's side of reports: materialise the reports due for active awards, and mark owed reports
overdue once their due date has passed (raising termination proposals where the rules say so).

Both are set-based (a constant number of statements whatever the number of awards) and idempotent: a
second run the same day finds nothing new.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, insert, inspect, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ...actors import SystemActor
from ...extensions import db
from ...machines.base import fire_many
from ...machines.status_report import report_lifecycle
from ...models.base import utcnow
from ...models.status_award import AwardStatus, StatusAward
from ...models.status_report import OWED, ReportKind, ReportStatus, StatusReport
from ...models.status_type import StatusType
from ...timeutil import today_local
from . import proposals
from .deadlines import due_dates_changed, due_on


def periods(term_from: date, term_to: date, month: int, day: int, final: bool,
            today: date) -> list[tuple[ReportKind, int, date]]:
    """(kind, year, due date) of the reports an award owes up to `today`'s year: one yearly report per
    calendar year of the term (due on the type's date, not before the term starts, never after it
    ends); with a final report, the final one replaces the yearly report of the term's last year and is
    due on the term's last day."""
    out = []
    for year in range(term_from.year, min(term_to.year, today.year) + 1):
        if final and year == term_to.year:
            continue
        due = min(due_on(year, month, day), term_to)
        if due >= term_from:
            out.append((ReportKind.yearly, year, due))
    if final and term_to.year <= today.year:
        out.append((ReportKind.final, term_to.year, term_to))
    return out


def materialise(today: date | None = None, award_ids: list[int] | None = None) -> int:
    """Create the `due` reports active awards owe and do not have yet; returns how many were created.
    Three statements: the awards with their type's schedule, the reports they already have, one insert."""
    day = today or today_local()
    a, t = StatusAward, StatusType
    chosen = select(a.id).where(a.status == AwardStatus.active)
    if award_ids is not None:
        chosen = chosen.where(a.id.in_(award_ids))
    rows = db.session.execute(
        select(a.id, a.term_from, a.term_to, t.report_due_month, t.report_due_day, t.final_report)
        .join(t, t.id == a.status_type_id).where(a.id.in_(chosen))).all()
    if not rows:
        return 0
    have = set(db.session.execute(
        select(StatusReport.award_id, StatusReport.kind, StatusReport.period_year)
        .where(StatusReport.award_id.in_(chosen))).all())
    now = utcnow()
    new = [{"award_id": award_id, "kind": kind, "period_year": year, "due_date": due,
            "status": ReportStatus.due, "content": {}, "remarks": "", "missed": False,
            "created_at": now, "updated_at": now, "version": 1}
           for award_id, term_from, term_to, month, dday, final in rows
           for kind, year, due in periods(term_from, term_to, month, dday, final, day)
           if (award_id, kind, year) not in have]
    if not new:
        return 0
    # RETURNING makes SQLAlchemy send multi-row INSERTs (1,000 rows each) instead of one per row.
    ids = list(db.session.execute(insert(StatusReport).returning(StatusReport.id), new).scalars())
    due_dates_changed(ids)
    return len(ids)


def on_award_active(award: StatusAward, ctx) -> None:
    """Award lifecycle effect: an award granted with its term under way owes its reports at once. One whose
    term had ended before it was entered (history from the registry import) owes none."""
    if award.term_to < today_local():
        return
    db.session.flush()
    materialise(award_ids=[award.id])


def overdue_condition(day: date):
    """SQL: the report is overdue on `day` — marked so, or still owed with its due date passed. On the
    table's columns, so it serves ORM queries and the plain scans below alike; the (status, due_date)
    index answers both branches."""
    t = StatusReport.__table__.c
    return or_(t.status == ReportStatus.overdue, and_(t.status.in_(OWED), t.due_date < day))


def find_overdue(day: date | None = None) -> list:
    """Every overdue report as (id, award id, due date) rows: one indexed query read without building ORM
    objects (the scan runs over all reports of all holders)."""
    t = StatusReport.__table__.c
    return list(db.session.connection().execute(
        select(t.id, t.award_id, t.due_date).where(overdue_condition(day or today_local()))).all())


def mark_overdue(today: date | None = None) -> dict[str, int]:
    """Owed reports past their due date become overdue (once each: a late draft of a report already
    marked is left alone, a returned report is checked against its new date) and count as missed; then
    proposals are raised for awards with two missed reports and for returned reports left unfixed."""
    day = today or today_local()
    t = StatusReport.__table__.c
    rows = db.session.connection().execute(
        select(t.id, t.status, t.award_id, t.due_date)
        .where(t.status.in_(OWED), t.due_date < day, or_(t.status == ReportStatus.returned, t.missed.is_(False)))
        .order_by(t.id)).all()
    if not rows:
        return {"overdue": 0, "proposals": 0}
    ids = [row.id for row in rows]
    fire_many(report_lifecycle, StatusReport, ids, "mark_overdue", actor=SystemActor("срок представления отчёта истёк"),
              payloads={row.id: {"due_date": row.due_date.isoformat()} for row in rows})
    for i in range(0, len(ids), 900):
        db.session.execute(update(StatusReport.__table__).where(StatusReport.__table__.c.id.in_(ids[i:i + 900]))
                           .values(missed=True))
    marked = set(ids)
    for obj in list(db.session.identity_map.values()):  # the session's copies follow the rows
        if isinstance(obj, StatusReport) and obj.id in marked and "missed" in inspect(obj).dict:
            set_committed_value(obj, "missed", True)
    unfixed = [(row.award_id, row.id, row.due_date) for row in rows if row.status == ReportStatus.returned]
    raised = proposals.raise_for(day, {row.award_id for row in rows}, unfixed)
    return {"overdue": len(ids), "proposals": raised}


def daily(today: date | None = None) -> dict[str, int]:
    """The scheduler job: new due reports first, then the overdue marks."""
    created = materialise(today)
    return {"created": created, **mark_overdue(today)}
