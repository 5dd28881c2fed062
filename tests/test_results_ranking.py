"""Ranking math against hand computations: means, percentages, ties and the documented tie-break,
divergence, shortlist flag, per-expert normalisation and both final score modes."""
from __future__ import annotations

import statistics
from datetime import timedelta
from decimal import Decimal

import pytest

from workflow_app.extensions import db
from workflow_app.models.base import utcnow
from workflow_app.models.competition import EntryStatus, FinalScoreMode, StageKind
from workflow_app.services.competition.ranking import full_ranking
from workflow_app.services.competition.standings import strictness_query

from .factories import make_campaign, make_entry, make_expert, org, sheet, stage, track

REVIEW_MAX = Decimal(105)  # preset: 10 criteria × 10 points, weights sum to 10.5
DEFENCE_MAX = Decimal(30)


def pct(points, maximum=REVIEW_MAX):
    """The percentage of the maximum, rounded to 4 places like the ranking (a float)."""
    return round(float(Decimal(str(points)) * 100 / maximum), 4)


def q(x):
    return round(float(x), 4)


@pytest.fixture
def scored(ctx):
    """Six ОО entries and one ДОО entry, three experts each, totals chosen for ties and thresholds."""
    c = make_campaign(divergence_pct=Decimal(30), shortlist_pct=Decimal(60))
    review = stage(c, StageKind.expert_review)
    xs = [make_expert(name=f"Эксперт {i}") for i in range(3)]
    t0 = utcnow() - timedelta(days=5)
    plan = {  # code suffix: (track, totals, submitted offset minutes)
        "A": ("ОО", [90, 80, 70], 1),
        "B": ("ОО", [80, 80, 80], 2),
        "F": ("ОО", [80, 80, 80], 3),
        "H": ("ОО", [100, 60, 65], 4),
        "C": ("ОО", [63, 63, 63], 5),
        "D": ("ОО", [62, 63, 63], 6),
        "E": ("ДОО", [50, 50, 50], 7),
    }
    entries = {}
    for i, (name, (tr, totals, minute)) in enumerate(plan.items()):
        e = make_entry(c, org(n=i), track_code=tr, status=EntryStatus.scored, title=name,
                       submitted_at=t0 + timedelta(minutes=minute))
        for x, total in zip(xs, totals, strict=False):
            sheet(e, x, review, total=total)
        entries[name] = e
    return c, entries, xs


def by_title(rows):
    return {r.title: r for r in rows}


def test_scores_percentages_and_tie_break(scored):
    c, entries, _ = scored
    rows = full_ranking(c)
    oo = [r.title for r in rows if r.track_id == track(c, "ОО").id]
    # B and F tie on everything but submission time; A has the same mean but a lower lowest score.
    assert oo == ["B", "F", "A", "H", "C", "D"]
    r = by_title(rows)
    assert r["A"].s0_score == q(80) and r["A"].s0_pct == pct(80) and r["A"].s0_n == 3
    assert r["D"].s0_score == q(Decimal(188) / 3)
    assert r["D"].s0_pct == pct(Decimal(188) / 3) == 59.6825
    assert [r[t].place for t in ("B", "F", "A", "H", "C", "D")] == [1, 2, 3, 4, 5, 6]
    # equal final scores share the rank, the place still follows the tie-break
    assert [r[t].score_rank for t in ("B", "F", "A", "H", "C", "D")] == [1, 1, 1, 4, 5, 6]
    assert r["E"].place == 1 and r["E"].score_rank == 1  # ranked within its own track
    # last_stage mode before the defence: the expert stage decides
    assert r["B"].final == pct(80)


def test_shortlist_and_divergence_flags(scored):
    c, _, _ = scored
    r = by_title(full_ranking(c))
    assert r["C"].s0_pct == 60.0 and r["C"].shortlist_ok  # exactly at the threshold
    assert not r["D"].shortlist_ok  # 59.68 %
    # H: spread 40 > 30 % of 105 = 31.5; A: spread 20
    assert r["H"].divergent_now and not r["A"].divergent_now
    assert r["H"].s0_spread == 40


def test_draft_and_foreign_sheets_do_not_count(scored):
    c, entries, xs = scored
    review = stage(c, StageKind.expert_review)
    late = make_expert(name="Опоздавший")
    from workflow_app.models.competition import AssignmentStatus

    sheet(entries["C"], late, review, status=AssignmentStatus.accepted)  # not submitted
    other = make_campaign(name="Другой", year=2025)
    e2 = make_entry(other, org(n=99), status=EntryStatus.scored)
    sheet(e2, late, stage(other, StageKind.expert_review), total=10)
    r = by_title(full_ranking(c))
    assert r["C"].s0_n == 3 and r["C"].s0_score == q(63)
    assert len(full_ranking(c)) == 7


def test_final_score_modes(scored):
    c, entries, xs = scored
    defence = stage(c, StageKind.defence)
    for name, pts in (("A", [27, 27]), ("B", [15, 15])):
        entries[name].status = EntryStatus.defended
        for x, total in zip(xs, pts, strict=False):
            sheet(entries[name], x, defence, total=total)
    db.session.flush()
    r = by_title(full_ranking(c))
    # last_stage: the defence has sheets, so it decides; entries without a defence score follow
    assert r["A"].final == pct(27, DEFENCE_MAX) == 90.0
    assert r["B"].final == 50.0
    assert r["F"].final is None
    oo = [x.title for x in full_ranking(c) if x.track_id == track(c, "ОО").id]
    assert oo[:3] == ["A", "B", "F"]

    c.final_score_mode = FinalScoreMode.weighted_stages
    stage(c, StageKind.expert_review).score_weight = Decimal(1)
    defence.score_weight = Decimal(3)
    db.session.flush()
    r = by_title(full_ranking(c))
    assert abs(r["A"].final - (pct(80) + 3 * 90) / 4) < 2e-4
    assert abs(r["B"].final - (pct(80) + 3 * 50) / 4) < 2e-4
    assert abs(r["F"].final - pct(80) / 4) < 2e-4


def test_normalisation_matches_python_z_scores(ctx):
    c = make_campaign(normalize_scores=True)
    review = stage(c, StageKind.expert_review)
    strict, lenient, middle = make_expert(name="Строгий"), make_expert(name="Добрый"), make_expert(name="Средний")
    data = {  # entry: {expert: total}
        "P": {strict: 40, middle: 60},
        "Q": {strict: 70, middle: 75},
        "R": {lenient: 90, middle: 70},
        "S": {lenient: 100, middle: 82},
        "T": {strict: 55, lenient: 95},
    }
    entries = {}
    for i, (name, sheets) in enumerate(data.items()):
        e = make_entry(c, org(n=i), status=EntryStatus.scored, title=name)
        for x, total in sheets.items():
            sheet(e, x, review, total=total)
        entries[name] = e
    # the hand computation: per-expert z-score, mapped back onto the stage's mean and spread
    all_totals = [t for s in data.values() for t in s.values()]
    mu_s, sd_s = statistics.mean(all_totals), statistics.pstdev(all_totals)
    per_expert = {}
    for s in data.values():
        for x, t in s.items():
            per_expert.setdefault(x, []).append(t)
    expected = {}
    for name, s in data.items():
        adj = [mu_s + (t - statistics.mean(per_expert[x])) / statistics.pstdev(per_expert[x]) * sd_s
               for x, t in s.items()]
        expected[name] = statistics.mean(adj)
    rows = by_title(full_ranking(c))
    for name, value in expected.items():
        assert abs(float(rows[name].s0_score) - value) < 1e-3, name
    order = [r.title for r in full_ranking(c)]
    assert order == sorted(expected, key=lambda n: -expected[n])
    # without normalisation the lenient expert's entries lead instead
    c.normalize_scores = False
    db.session.flush()
    raw = [r.title for r in full_ranking(c)]
    assert raw != order
    assert raw[0] == "S" and by_title(full_ranking(c))["S"].s0_score == q(91)


def test_strictness_view(scored):
    c, entries, xs = scored
    rows = db.session.execute(strictness_query(c, stage(c, StageKind.expert_review))).all()
    # expert 0 gave 90,80,80,100,63,62,50; panel means 80,80,80,75,63,62.6667,50
    dev = {r.full_name: r.mean_deviation for r in rows}
    exp0 = (10 + 0 + 0 + 25 + 0 + (62 - 188 / 3) + 0) / 7
    assert abs(dev["Эксперт 0"] - exp0) < 1e-6
    assert rows[0].mean_deviation <= rows[-1].mean_deviation  # strictest first
    assert all(r.sheets == 7 for r in rows)
