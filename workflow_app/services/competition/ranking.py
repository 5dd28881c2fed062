"""The ranking of a campaign, computed by set-based SQL (window functions) on SQLite ≥ 3.25 and PostgreSQL.

One statement gives, for every entry of the campaign that reached the expert stage:
- per scored stage (expert review, defence…): the entry's score (mean of the submitted sheets' `total`,
  optionally normalised per expert), the number of sheets, the spread of the raw totals and the
  percentage of the track's maximum for that stage;
- the final score (a percentage, see `final_score_expr`), the place in its track after the tie-break, the
  shared rank (equal final scores share it), the shortlist and divergence flags and the commission proposal.

The rules (documented for staff in docs/competitions.md «Результаты»):
- a sheet's `total` is Σ points × weight over the criteria of its stage (written by the score service at
  submission); the stage maximum of a track is Σ max_points × weight over the criteria of that stage that
  apply to the track (track-specific and all-track criteria);
- normalisation (campaign.normalize_scores): each expert's totals in a stage are standardised by that
  expert's mean and standard deviation in the stage (z-score) and mapped back onto the stage's overall
  scale (overall mean + z × overall standard deviation), so scores stay in points and the percentage
  rules still apply; an expert whose totals are all equal (or who scored one entry) is only shifted by
  the difference between their mean and the overall mean;
- final score: `last_stage` — the percentage of the last scored stage in which any sheet was submitted
  (entries without a score there have none and rank after those with one); `weighted_stages` — the
  weighted mean of the stages' percentages by Stage.score_weight (a stage without score counts 0);
- tie-break (ORDER BY of the place): higher final score → higher expert-stage percentage → higher lowest
  expert score at the expert stage (wider agreement) → earlier submission → entry code;
- shortlist: expert-stage percentage ≥ campaign.shortlist_pct;
- divergence: spread of the expert-stage raw totals > campaign.divergence_pct % of the maximum, or the
  entry was flagged by the review;
- proposal: with a track's winners_quota, its q best eligible entries (scored, shortlisted or defended);
  without a quota, every eligible entry whose final score ≥ campaign.shortlist_pct; a staff override
  (DecisionOverride) replaces the proposal.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import (
    Float,
    Select,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    type_coerce,
)

from ...extensions import db
from ...models import Municipality, Organization, User
from ...models.competition import (
    AssignmentStatus,
    Campaign,
    Criterion,
    Decision,
    Entry,
    EntryStatus,
    FinalScoreMode,
    ReviewAssignment,
    Stage,
    StageKind,
    Track,
)
from ...models.results import DecisionOverride

# Entries that reached the expert stage take part in the ranking.
RANKED_STATUSES = (EntryStatus.under_review, EntryStatus.scored, EntryStatus.shortlisted,
                   EntryStatus.defended, EntryStatus.winner, EntryStatus.not_selected)
# Entries the commission may still choose between.
ELIGIBLE_STATUSES = (EntryStatus.scored, EntryStatus.shortlisted, EntryStatus.defended)
# Assignments that still count (not declined, conflicted or revoked).
LIVE_ASSIGNMENT = (AssignmentStatus.offered, AssignmentStatus.accepted, AssignmentStatus.submitted,
                   AssignmentStatus.reopened)
EPSILON = literal_column("0.000000001")


def as_decimal(expr):
    """Read the value back as a float on both backends (the ranking computes in double precision)."""
    return type_coerce(expr, Float)


def scored_stages(campaign: Campaign) -> list[Stage]:
    return [s for s in campaign.stages if s.scored]


def defence_stage(campaign: Campaign) -> Stage | None:
    """The scored in-person stage (the defence), if the campaign has one."""
    return next((s for s in campaign.stages if s.scored and s.in_person), None) or next(
        (s for s in campaign.stages if s.kind == StageKind.defence and s.scored), None)


@dataclass(frozen=True)
class StageCols:
    """Column name prefixes of one scored stage in the ranking rows (s0_… is the expert stage)."""

    index: int
    stage: Stage

    @property
    def prefix(self) -> str:
        return f"s{self.index}_"


def _sheets(campaign: Campaign, stage_ids: list[int]):
    # Float arithmetic (double precision on PostgreSQL): averaging numerics is several times slower,
    # and every figure is rounded to 4 places at the end anyway.
    # The stages belong to the campaign, so their sheets are the campaign's: no join with entry
    # (it cost a hash join over every entry of the campaign).
    a = ReviewAssignment
    return (
        select(a.entry_id, a.stage_id, a.expert_id, cast(a.total, Float).label("total"))
        .where(a.stage_id.in_(stage_ids), a.status == AssignmentStatus.submitted, a.total.is_not(None))
        .cte("sheets")
    )


def _adjusted(sheets, normalize: bool):
    """Sheets with `adj`: the total itself, or its per-expert z-score mapped onto the stage's scale."""
    if not normalize:
        return sheets, sheets.c.total
    by_expert = [sheets.c.stage_id, sheets.c.expert_id]
    w1 = select(
        sheets.c.entry_id, sheets.c.stage_id, sheets.c.expert_id, sheets.c.total,
        func.avg(sheets.c.total).over(partition_by=by_expert).label("mu_e"),
        func.avg(sheets.c.total).over(partition_by=sheets.c.stage_id).label("mu_s"),
    ).cte("w1")
    d_e = w1.c.total - w1.c.mu_e
    d_s = w1.c.total - w1.c.mu_s
    w2 = select(
        w1.c.entry_id, w1.c.stage_id, w1.c.expert_id, w1.c.total, w1.c.mu_e, w1.c.mu_s,
        func.avg(d_e * d_e).over(partition_by=[w1.c.stage_id, w1.c.expert_id]).label("var_e"),
        func.avg(d_s * d_s).over(partition_by=w1.c.stage_id).label("var_s"),
    ).cte("w2")
    adj = case(
        (w2.c.var_e > EPSILON,
         w2.c.mu_s + (w2.c.total - w2.c.mu_e) / func.sqrt(w2.c.var_e) * func.sqrt(w2.c.var_s)),
        else_=w2.c.total - w2.c.mu_e + w2.c.mu_s,
    )
    return w2, adj


def _round(expr):
    """Round a float to 4 places in float arithmetic on both backends: casting 10,000s of values to
    numeric (PostgreSQL's round(x, n) needs numeric) costs more than the rest of the ranking."""
    return func.round(expr * 10000) / 10000.0


def ranking_subquery(campaign: Campaign):
    """The whole ranking of the campaign as a subquery (one row per ranked entry); see the module doc."""
    stages = scored_stages(campaign)
    stage_ids = [s.id for s in stages] or [-1]
    sheets = _sheets(campaign, stage_ids)
    src, adj = _adjusted(sheets, bool(campaign.normalize_scores))
    # one pass over the sheets: per entry, every stage's figures side by side (conditional aggregates)
    agg = [src.c.entry_id]
    for i, st in enumerate(stages):
        on = src.c.stage_id == st.id
        agg += [
            func.avg(case((on, adj))).label(f"score{i}"),
            func.count(case((on, 1))).label(f"n{i}"),
            func.min(case((on, adj))).label(f"low{i}"),
            (func.max(case((on, src.c.total))) - func.min(case((on, src.c.total)))).label(f"spread{i}"),
        ]
    per_entry = select(*agg).group_by(src.c.entry_id).subquery("per_entry")
    cr, tr = Criterion, Track
    mx_cols = [tr.id.label("track_id")] + [
        func.sum(case((cr.stage_id == st.id, cr.max_points * cr.weight))).label(f"max{i}")
        for i, st in enumerate(stages)]
    maxes = (
        select(*mx_cols)
        .join(cr, and_(cr.campaign_id == tr.campaign_id, or_(cr.track_id == tr.id, cr.track_id.is_(None))))
        .where(tr.campaign_id == campaign.id, cr.stage_id.in_(stage_ids))
        .group_by(tr.id)
        .subquery("maxes")
    )

    # the expert stage's live assignments per entry: a total from fewer submitted sheets is incomplete
    a = ReviewAssignment
    assigned = (
        select(a.entry_id, func.count(a.id).label("n"))
        .where(a.stage_id == (stages[0].id if stages else -1), a.status.in_(LIVE_ASSIGNMENT))
        .group_by(a.entry_id)
        .subquery("assigned")
    )

    e, org, mun = Entry, Organization, Municipality
    cols = [
        e.id.label("entry_id"), e.track_id, e.code, e.title, e.status, e.submitted_at, e.divergent,
        e.decision, e.final_score, e.final_rank, e.organization_id,
        org.short_name.label("org_name"), mun.name.label("municipality"),
    ]
    pe, mx = per_entry.c, maxes.c
    pcts = []
    for i, st in enumerate(stages):
        # float / float: without type_ SQLAlchemy casts the divisor to NUMERIC (a cast per row)
        raw_pct = pe[f"score{i}"] * 100 / func.nullif(cast(mx[f"max{i}"], Float), 0, type_=Float)
        pcts.append((st, _round(raw_pct)))
        cols += [as_decimal(_round(pe[f"score{i}"])).label(f"s{i}_score"),
                 func.coalesce(pe[f"n{i}"], 0).label(f"s{i}_n"),
                 as_decimal(_round(pe[f"spread{i}"])).label(f"s{i}_spread"),
                 as_decimal(_round(pe[f"low{i}"])).label(f"s{i}_low"),
                 as_decimal(mx[f"max{i}"]).label(f"s{i}_max"),
                 as_decimal(pcts[-1][1]).label(f"s{i}_pct")]
    cols.append(func.coalesce(assigned.c.n, 0).label("s0_assigned"))
    if not stages:
        cols += [null().label("final")]
    else:
        final = final_score_expr(campaign, pcts)
        cols.append(as_decimal(final).label("final"))
        first_pct = pcts[0][1]
        shortlist_pct = Decimal(campaign.shortlist_pct if campaign.shortlist_pct is not None else 60)
        divergence_pct = Decimal(campaign.divergence_pct if campaign.divergence_pct is not None else 30)
        cols += [
            case((first_pct >= float(shortlist_pct), True), else_=False).label("shortlist_ok"),
            case((or_(e.divergent.is_(True),
                      pe.spread0 * 100 > cast(mx.max0, Float) * float(divergence_pct)), True),
                 else_=False).label("divergent_now"),
        ]
    base = (
        select(*cols)
        .select_from(e)
        .join(org, org.id == e.organization_id)
        .join(mun, mun.id == org.municipality_id)
        .outerjoin(per_entry, pe.entry_id == e.id)
        .outerjoin(maxes, mx.track_id == e.track_id)
        .outerjoin(assigned, assigned.c.entry_id == e.id)
        .where(e.campaign_id == campaign.id, e.status.in_(RANKED_STATUSES))
        .subquery("base")
    )
    r = base.c
    order = [r.final.desc().nulls_last()]
    if stages:
        order += [r.s0_pct.desc().nulls_last(), r.s0_low.desc().nulls_last()]
    order += [r.submitted_at.asc().nulls_last(), r.code.asc()]
    eligible = case((r.status.in_(ELIGIBLE_STATUSES), 1), else_=0)
    # the same window (partition and order) three times: one sort serves all of them
    window = dict(partition_by=r.track_id, order_by=order)
    ranked = select(
        base,
        func.row_number().over(**window).label("place"),
        func.rank().over(partition_by=r.track_id, order_by=r.final.desc().nulls_last()).label("score_rank"),
        eligible.label("eligible"),
        func.sum(eligible).over(**window).label("eligible_place"),
    ).subquery("ranked")
    return ranked


def final_score_expr(campaign: Campaign, pcts):
    """The final score (a percentage) from the stages' percentages; see the module doc."""
    weights = [Decimal(s.score_weight if s.score_weight is not None else 1) for s, _ in pcts]
    if campaign.final_score_mode == FinalScoreMode.weighted_stages and sum(weights) > 0:
        total_w = sum(weights)
        parts = [func.coalesce(pct, 0) * float(w / total_w) for (_, pct), w in zip(pcts, weights, strict=False) if w]
        expr = parts[0]
        for p in parts[1:]:
            expr = expr + p
        return _round(expr)
    # last_stage: the last scored stage with any submitted sheet in the campaign decides.
    whens = []
    for s, pct in reversed(pcts):
        has_sheets = exists(
            select(ReviewAssignment.id).join(Entry, Entry.id == ReviewAssignment.entry_id).where(
                Entry.campaign_id == campaign.id, ReviewAssignment.stage_id == s.id,
                ReviewAssignment.status == AssignmentStatus.submitted)
        )
        whens.append((has_sheets, pct))
    return case(*whens, else_=null())


class Outcome(enum.Enum):
    """Where an entry stands, the same on the ranking, the decision page, the XLSX, the protocol and the
    results order: the approved decision once there is one, else the commission's proposal (override
    first); an entry still under review or waiting for its defence has no proposal yet."""

    winner = "Победитель"
    shortlisted = "Прошла на очный этап"
    not_selected = "Не прошла отбор"
    under_review = "На экспертизе"


def ranking_with_proposal(campaign: Campaign):
    """The ranking plus the commission proposal and any staff override (a subquery)."""
    ranked = ranking_subquery(campaign)
    r = ranked.c
    ov = DecisionOverride
    threshold = Decimal(campaign.shortlist_pct if campaign.shortlist_pct is not None else 60)
    auto_winner = and_(
        r.eligible == 1,
        case(
            (Track.winners_quota.is_not(None), r.eligible_place <= Track.winners_quota),
            else_=and_(r.final.is_not(None), r.final >= float(threshold)),
        ),
    )
    proposed = case((auto_winner, literal(Decision.winner.name)), else_=literal(Decision.not_selected.name))
    defence = defence_stage(campaign)
    in_defence = exists(
        select(ReviewAssignment.id).where(ReviewAssignment.stage_id == (defence.id if defence else -1),
                                          ReviewAssignment.status.in_(LIVE_ASSIGNMENT)))
    # the one answer every screen and document gives for an entry (see Outcome)
    outcome = case(
        (r.decision == Decision.winner, literal(Outcome.winner.name)),
        (r.decision == Decision.not_selected, literal(Outcome.not_selected.name)),
        (r.status == EntryStatus.winner, literal(Outcome.winner.name)),
        (r.status == EntryStatus.not_selected, literal(Outcome.not_selected.name)),
        (r.status == EntryStatus.under_review, literal(Outcome.under_review.name)),
        (and_(r.status == EntryStatus.shortlisted, in_defence), literal(Outcome.shortlisted.name)),
        (ov.decision == Decision.winner, literal(Outcome.winner.name)),
        (ov.decision == Decision.not_selected, literal(Outcome.not_selected.name)),
        else_=proposed,
    )
    return (
        select(
            ranked,
            proposed.label("auto_decision"),
            outcome.label("outcome"),
            ov.decision.label("override_decision"),
            ov.reason.label("override_reason"),
            User.full_name.label("override_by"),
            Track.code.label("track_code"),
            Track.name.label("track_name"),
            Track.position.label("track_position"),
            Track.winners_quota,
        )
        .join(Track, Track.id == r.track_id)
        .outerjoin(ov, ov.entry_id == r.entry_id)
        .outerjoin(User, User.id == ov.changed_by_id)
    )


def ranking_query(campaign: Campaign, track_id: int | None = None) -> Select:
    """Rows ordered by track and place; filter to one track for the per-track page."""
    stmt = ranking_with_proposal(campaign)
    sub = stmt.subquery("rk")
    q = select(sub)
    if track_id is not None:
        q = q.where(sub.c.track_id == track_id)
    return q.order_by(sub.c.track_position, sub.c.place)


def ranking_core_query(campaign: Campaign) -> Select:
    """The ranking itself, without display columns: entry, track, place, shared rank, scores, flags."""
    r = ranking_subquery(campaign).c
    cols = [r.entry_id, r.track_id, r.place, r.score_rank, r.final, r.status]
    if scored_stages(campaign):
        cols += [r.s0_pct, r.shortlist_ok, r.divergent_now]
    return select(*cols).order_by(r.track_id, r.place)


def full_ranking(campaign: Campaign, track_id: int | None = None) -> list:
    return list(db.session.execute(ranking_query(campaign, track_id)).all())
