"""What the ranking means to people: each entry's outcome (decided, proposed, still in review), the review's
completeness («оценок 1 из 3»), per-track summaries, the approved winners every document shares, and the
experts' strictness. Built on the ranking query of `ranking.py`; one source for every results screen, the
XLSX, the protocol and the results order.
"""
from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...models import Organization, User
from ...models.competition import (
    AssignmentStatus,
    Campaign,
    Decision,
    Entry,
    ReviewAssignment,
    Stage,
    Track,
)
from .ranking import RANKED_STATUSES, Outcome, as_decimal, full_ranking, ranking_with_proposal


def outcome_of(row) -> Outcome:
    return Outcome[row.outcome]


def review_progress(row) -> str:
    """«оценок 1 из 3» when the expert-stage score rests on fewer sheets than were assigned, else ""."""
    if row.s0_assigned and row.s0_n < row.s0_assigned:
        return f"оценок {row.s0_n} из {row.s0_assigned}"
    return ""


def standings(campaign: Campaign, track_id: int | None = None) -> list:
    """The ranking rows with each entry's outcome (`outcome_of`); the source of every results screen."""
    return full_ranking(campaign, track_id)


def track_summary(rows) -> dict[str, dict]:
    """Per track (by name, in ranking order) of `standings` rows: entries, quota, winners and every other
    outcome, and how many proposals staff changed."""
    out: dict[str, dict] = {}
    for r in rows:
        t = out.setdefault(r.track_name, {"entries": 0, "quota": r.winners_quota, "changed": 0,
                                          **{o.name: 0 for o in Outcome}})
        t["entries"] += 1
        t[r.outcome] += 1
        t["changed"] += r.override_decision is not None
    return out


def first_ranked_track(campaign: Campaign, tracks: list[Track]) -> Track:
    """The first of the tracks (in their order) with an entry in the ranking, else the first track."""
    ids = set(db.session.execute(
        select(Entry.track_id).where(Entry.campaign_id == campaign.id, Entry.status.in_(RANKED_STATUSES))
        .distinct()).scalars())
    return next((t for t in tracks if t.id in ids), tracks[0])


def decided_winners(campaign: Campaign) -> list[Entry]:
    """The winners of the approved decision, in track order and place: the ranking's outcome, as entries
    (organisation, municipality and track loaded) for the protocol and the results order."""
    rk = ranking_with_proposal(campaign).subquery("rk")
    return list(db.session.execute(
        select(Entry).join(rk, rk.c.entry_id == Entry.id)
        .where(rk.c.outcome == Outcome.winner.name, rk.c.decision.is_not(None))
        .options(joinedload(Entry.organization).joinedload(Organization.municipality),
                 joinedload(Entry.track))
        .order_by(rk.c.track_position, rk.c.place, Entry.code)
    ).scalars())


def proposal_of(row) -> Decision:
    """The decision the commission is asked to approve for a ranking row (override wins)."""
    if row.override_decision is not None:
        return row.override_decision if isinstance(row.override_decision, Decision) \
            else Decision[row.override_decision]
    return Decision[row.auto_decision]


def strictness_query(campaign: Campaign, stage: Stage) -> Select:
    """Each expert's mean deviation from the panel mean on the entries they scored (one aggregate query).

    Positive: the expert scores above the panel (lenient); negative: below it (strict). Entries scored by
    one expert only carry no information and are left out.
    """
    a, e = ReviewAssignment, Entry
    sheets = (
        select(a.expert_id, a.entry_id, a.total,
               func.avg(a.total).over(partition_by=a.entry_id).label("panel_mean"),
               func.count().over(partition_by=a.entry_id).label("panel_n"))
        .join(e, e.id == a.entry_id)
        .where(e.campaign_id == campaign.id, a.stage_id == stage.id,
               a.status == AssignmentStatus.submitted, a.total.is_not(None))
        .subquery("sh")
    )
    dev = sheets.c.total - sheets.c.panel_mean
    return (
        select(
            User.id.label("expert_id"), User.full_name,
            func.count().label("sheets"),
            as_decimal(func.avg(sheets.c.total)).label("mean_total"),
            as_decimal(func.avg(dev)).label("mean_deviation"),
            as_decimal(func.avg(func.abs(dev))).label("mean_abs_deviation"),
        )
        .join(User, User.id == sheets.c.expert_id)
        .where(sheets.c.panel_n > 1)
        .group_by(User.id, User.full_name)
        .order_by(func.avg(dev), User.full_name)
    )
