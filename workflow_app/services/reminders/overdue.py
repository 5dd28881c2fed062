"""The scheduler's overdue job: tasks past their deadline are marked once (with an audit row), and the
mark goes when the task is done or its deadline moves into the future. Set-based and idempotent: per kind
one INSERT … SELECT of the new marks and one DELETE of the stale ones, however many tasks there are.

Kinds register a query of their open tasks past the deadline; reports register theirs the same way
(`register("report", "report", query)`), and lists show «Просрочено» from the marks (`flag`, `marked_ids`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, case, delete, exists, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from ... import audit
from ...actors import SystemActor
from ...extensions import db
from ...models.base import utcnow
from ...models.competition import AssignmentStatus, Entry, EntryStatus, ReviewAssignment
from ...models.reminder import OverdueMark

# (now) -> SELECT object_id, deadline_at of the open tasks whose deadline is before now
OverdueQuery = Callable[[datetime], Select]


@dataclass(frozen=True)
class Source:
    kind: str
    object_type: str
    label: str  # Russian, for the audit row and the dashboard
    query: OverdueQuery


SOURCES: dict[str, Source] = {}


def register(kind: str, object_type: str, label: str, query: OverdueQuery) -> None:
    SOURCES[kind] = Source(kind, object_type, label, query)


def _reviews(now: datetime) -> Select:
    RA = ReviewAssignment
    return select(RA.id, RA.due_at).where(
        RA.status.in_((AssignmentStatus.offered, AssignmentStatus.accepted, AssignmentStatus.reopened)),
        RA.due_at.is_not(None), RA.due_at < now)


def _corrections(now: datetime) -> Select:
    # An individual extension later than the correction due date is the deadline that counts.
    due = case((Entry.extension_until > Entry.correction_due, Entry.extension_until), else_=Entry.correction_due)
    return select(Entry.id, due).where(Entry.status == EntryStatus.returned, Entry.correction_due.is_not(None),
                                       due < now)


register("assignment.review", "review_assignment", "оценка эксперта не отправлена в срок", _reviews)
register("entry.correction", "entry", "исправленная заявка не подана в срок", _corrections)


def _insert():
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(OverdueMark)


def mark_overdue(now: datetime | None = None) -> dict[str, dict[str, int]]:
    """Mark what became overdue, unmark what no longer is. Returns {kind: {"marked": n, "cleared": m}}."""
    now = now or utcnow()
    actor = SystemActor("контроль сроков")
    out = {}
    for src in SOURCES.values():
        due = src.query(now).subquery()
        ids, deadline = due.c[0], due.c[1]
        new = db.session.execute(
            _insert().from_select(
                ["kind", "object_type", "object_id", "deadline_at", "marked_at"],
                select(literal(src.kind), literal(src.object_type), ids, deadline,
                       literal(now, OverdueMark.marked_at.type))
                .where(~exists().where(OverdueMark.kind == src.kind, OverdueMark.object_id == ids)))
            .on_conflict_do_nothing()
            .returning(OverdueMark.object_id, OverdueMark.deadline_at)).all()
        cleared = db.session.execute(
            delete(OverdueMark).where(OverdueMark.kind == src.kind,
                                      OverdueMark.object_id.not_in(select(ids)))
            .execution_options(synchronize_session=False)).rowcount
        for object_id, deadline_at in new:  # once per task: a task stays marked until it is done
            audit.record("overdue.marked", actor=actor, object_type=src.object_type, object_id=object_id,
                         reason=src.label, payload={"kind": src.kind, "deadline": deadline_at.isoformat()})
        out[src.kind] = {"marked": len(new), "cleared": cleared}
    db.session.flush()
    return out


def marked_ids(kind: str, object_ids: Iterable[int]) -> set[int]:
    """Which of these objects are marked overdue (one query for a page of a list)."""
    ids = set(object_ids)
    if not ids:
        return set()
    return set(db.session.execute(select(OverdueMark.object_id).where(
        OverdueMark.kind == kind, OverdueMark.object_id.in_(ids))).scalars())


def flag(kind: str, object_id_column):
    """A column for list queries: is this row's task marked overdue."""
    return exists().where(OverdueMark.kind == kind, OverdueMark.object_id == object_id_column).label("overdue")


def counts() -> dict[str, int]:
    """Marked tasks per kind (for the staff's dashboard)."""
    return dict(db.session.execute(select(OverdueMark.kind, func.count()).group_by(OverdueMark.kind)).all())
