"""Helpers for results tests: experts and submitted score sheets written straight into the database.

`sheet()` stands in for an expert's submitted sheet: it writes the Score rows and the sheet's weighted total
(Σ points × weight), or only the total when no per-criterion points are given.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal


from workflow_app.extensions import db
from workflow_app.models import Role
from workflow_app.models.base import utcnow
from workflow_app.models.competition import (
    AssignmentStatus,
    Criterion,
    Entry,
    ReviewAssignment,
    Score,
    Stage,
)

from .helpers import PASSWORD, make_org, make_user  # noqa: F401

_seq = {"n": 0}


def fast_user(email: str, *roles, org=None, name: str = "Иванов Иван Иванович"):
    """make_user (the test config makes argon2 cheap)."""
    return make_user(email, *roles, org=org, name=name)


def make_expert(name: str = "Эксперт", org=None):
    _seq["n"] += 1
    return fast_user(f"expert{_seq['n']}@example.org", Role.expert, org=org, name=name)


def criteria_of(stage: Stage, entry: Entry) -> list[Criterion]:
    from workflow_app.services.competition.review import criteria_for

    return criteria_for(stage.id, entry.track_id)


def sheet(entry: Entry, expert, stage: Stage, total=None, points: list | None = None,
          status: AssignmentStatus = AssignmentStatus.submitted, comments: list | None = None,
          when=None) -> ReviewAssignment:
    """An assignment of `expert` on `entry` at `stage`; submitted with `total` or per-criterion `points`."""
    crit = criteria_of(stage, entry) if points is not None else []
    if points is not None:
        assert len(points) == len(crit)
        total = sum(Decimal(str(p)) * c.weight for c, p in zip(crit, points))
    a = ReviewAssignment(entry_id=entry.id, stage_id=stage.id, expert_id=expert.id, status=status)
    if status == AssignmentStatus.submitted:  # a submitted sheet always has its total
        a.total = Decimal(str(total))
        a.submitted_at = when or utcnow()
    db.session.add(a)
    db.session.flush()
    for i, (c, p) in enumerate(zip(crit, points or [])):
        db.session.add(Score(assignment_id=a.id, criterion_id=c.id, points=Decimal(str(p)),
                             comment=(comments[i] if comments else "")))
    db.session.flush()
    return a


def org(n: int, code: str = "krasnodar", **kw):
    return make_org(f"Организация {n}", code=code, **kw)


def later(minutes: int):
    return utcnow() + timedelta(minutes=minutes)


def score(a, points, actor):
    """Send a whole score sheet with the same points on every criterion, as the expert would."""
    from workflow_app.services.competition import review

    crit = review.criteria_for(a.stage_id, a.entry.track_id)
    return review.save_sheet(a, actor, {c.id: (str(points), "") for c in crit}, "", submit=True)
