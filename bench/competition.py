"""Competition engine at scale: 10,000 entries × 3 experts × 10 criteria (300,000 score rows) on PostgreSQL.

Creates a fresh database on 127.0.0.1:5432 (user postgres), fills it with bench.generate, measures and
drops it. The app is configured as in production (GC_FREEZE on), with CSRF on; every page figure goes
through the Flask test client with a logged-in user, so it includes routing, the session and user load,
authorization, the queries, templates and the commit. Figures (lower is better):

- generate_10k_seconds — the data generator (COPY);
- ranking_10k_seconds — the full ranking (set-based SQL, every entry's row fetched into Python);
- scan_300k_seconds — plain `SELECT sum(points) FROM score` over the same 300,000 rows;
- ranking_vs_scan_ratio — the two above divided. Both are medians of 9 runs taken alternately, so a
  burst of load on the machine hits both;
- score_submit_ms_median — one logged-in expert POSTs a 10-criterion score sheet (the form the sheet page
  renders, CSRF token and version included) that completes a 3-expert panel; median of 21 sheets;
- ranking_page_ms / ranking_page_queries — first page of the staff ranking of one track;
- ranking_xlsx_10k_seconds / ranking_xlsx_queries — the full XLSX export (criterion × expert columns);
- entry_list_queries, expert_dashboard_queries — statements per load of the staff entry list and of the
  expert dashboard (an expert with 500 assignments), at 10 and at 200 rows per page: the figure is the
  larger of the two, and the two must be equal;
- rating_sheet_10k_seconds — the summary rating sheets of every track of the campaign (10,000 rows in
  all), downloaded as PDF: query + build + response; rating_sheet_10k_docx_seconds — the same in DOCX.
"""
from __future__ import annotations

import os
import re
import statistics
import time

from . import (
    CSRF,
    PASSWORD,
    add_staff,
    login,
    median_time,
    migrated_app,
    on_scratch_database,
    statements,
)

N_ENTRIES = int(os.environ.get("BENCH_ENTRIES", "10000"))
_VERSION = re.compile(r'id="version" name="version" type="hidden" value="(\d+)"')
_POINTS = re.compile(r'name="points_(\d+)"')

TARGETS = {
    "ranking_10k_seconds": 1.0,
    "ranking_vs_scan_ratio": 5.0,
    "score_submit_ms_median": 50.0,
    "ranking_page_ms": 300.0,
    "ranking_xlsx_10k_seconds": 15.0,
    "entry_list_queries": 12,
    "expert_dashboard_queries": 12,
    "rating_sheet_10k_seconds": 10.0,
}
SMALL_PAGE, BIG_PAGE = 10, 200


def _alternating_medians(a, b, n: int = 9) -> tuple[float, float]:
    ta, tb = [], []
    for _ in range(n):
        for fn, acc in ((a, ta), (b, tb)):
            t = time.perf_counter()
            fn()
            acc.append(time.perf_counter() - t)
    return statistics.median(ta), statistics.median(tb)


def _count(engine, client, url: str) -> int:
    client.get(url)  # warm: templates compiled, statement cache filled
    with statements(engine) as seen:
        resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    return len(seen)


def run() -> dict[str, float]:
    return on_scratch_database(_measure, TARGETS)


def _measure(url: str) -> dict[str, float]:
    from sqlalchemy import text

    from workflow_app.extensions import db
    from workflow_app.models import User
    from workflow_app.models.competition import Campaign
    from workflow_app.services.competition.ranking import ranking_core_query
    from workflow_app.services.platform.passwords import hash_password

    from .generate import generate

    out: dict[str, float] = {}
    app = migrated_app(url, WTF_CSRF_ENABLED=True)
    try:
        with app.app_context():
            pw = hash_password(PASSWORD)
            add_staff()
            db.session.commit()

            t = time.perf_counter()
            info = generate(N_ENTRIES)
            db.session.commit()
            out["generate_10k_seconds"] = time.perf_counter() - t
            cid = info["campaign_id"]
            campaign = db.session.get(Campaign, cid)
            first_track = campaign.tracks[0].code
            track_ids = [t.id for t in campaign.tracks]
            expert = db.session.get(User, info["experts"][0])
            expert.password_hash = pw
            expert_email = expert.email
            scorer_email, sheets = _prepare_scoring(db, info, pw)
            db.session.commit()
            # bulk-loaded tables have no statistics until autovacuum gets to them; the planner needs them
            db.session.execute(text("ANALYZE"))
            db.session.commit()

            q = ranking_core_query(campaign)
            scan = text("SELECT sum(points) FROM score")
            db.session.execute(q).all()  # warm the plan and caches
            db.session.execute(scan).all()
            rank_s, scan_s = _alternating_medians(lambda: db.session.execute(q).all(),
                                                  lambda: db.session.execute(scan).all())
            out["ranking_10k_seconds"] = rank_s
            out["scan_300k_seconds"] = scan_s
            out["ranking_vs_scan_ratio"] = rank_s / scan_s
            db.session.rollback()
            engine = db.engine
            db.session.remove()

        scorer = app.test_client()
        login(scorer, scorer_email)
        out["score_submit_ms_median"] = _score_submit(scorer, sheets)
        with app.app_context():  # a redirect alone does not prove it: every sheet must be submitted
            from sqlalchemy import func, select

            from workflow_app.models.competition import AssignmentStatus, ReviewAssignment

            done = db.session.execute(select(func.count()).where(
                ReviewAssignment.id.in_(sheets), ReviewAssignment.status == AssignmentStatus.submitted,
                ReviewAssignment.total.is_not(None))).scalar_one()
            assert done == len(sheets), f"only {done} of {len(sheets)} sheets were submitted"
            db.session.remove()

        staff_client = app.test_client()
        login(staff_client, "bench-staff@example.org")
        page_url = f"/results/campaigns/{cid}?track={first_track}"
        staff_client.get(page_url)
        out["ranking_page_ms"] = 1000 * median_time(lambda: staff_client.get(page_url))
        out["ranking_page_queries"] = _count(engine, staff_client, page_url)

        with statements(engine) as seen:
            t = time.perf_counter()
            resp = staff_client.get(f"/results/campaigns/{cid}/export.xlsx")
            out["ranking_xlsx_10k_seconds"] = time.perf_counter() - t
        assert resp.status_code == 200
        out["ranking_xlsx_queries"] = len(seen)

        list_url = f"/entries/campaign/{cid}?per_page={{}}"
        small = _count(engine, staff_client, list_url.format(SMALL_PAGE))
        big = _count(engine, staff_client, list_url.format(BIG_PAGE))
        out["entry_list_queries"] = max(small, big)
        out[f"entry_list_queries_{SMALL_PAGE}_rows"] = small
        out[f"entry_list_queries_{BIG_PAGE}_rows"] = big

        expert_client = app.test_client()
        login(expert_client, expert_email)
        small = _count(engine, expert_client, f"/expert/?per_page={SMALL_PAGE}")
        big = _count(engine, expert_client, f"/expert/?per_page={BIG_PAGE}")
        page = expert_client.get(f"/expert/?per_page={BIG_PAGE}").get_data(as_text=True)
        assert page.count('data-testid="progress"') == BIG_PAGE, "the dashboard did not show a full page"
        out["expert_dashboard_queries"] = max(small, big)
        out[f"expert_dashboard_queries_{SMALL_PAGE}_rows"] = small
        out[f"expert_dashboard_queries_{BIG_PAGE}_rows"] = big

        for fmt, key in (("pdf", "rating_sheet_10k_seconds"), ("docx", "rating_sheet_10k_docx_seconds")):
            t = time.perf_counter()
            for tid in track_ids:
                resp = staff_client.get(f"/documents/campaign/{cid}/rating/{tid}.{fmt}")
                assert resp.status_code == 200 and len(resp.data) > 10_000, (fmt, tid, resp.status_code)
            out[key] = time.perf_counter() - t
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return out


def _prepare_scoring(db, info, pw: str, n: int = 21) -> tuple[str, list[int]]:
    """n entries go back under review with one sheet open: the last of their 3-expert panel.

    The open sheet belongs to a new expert (no scores yet, accepted); submitting it completes the panel,
    which is the heaviest path of a submission (progress check, entry state change, divergence rule).
    """
    from sqlalchemy import delete, select, update

    from workflow_app.models import Role, RoleGrant, User
    from workflow_app.models.competition import AssignmentStatus, Entry, EntryStatus, ReviewAssignment, Score

    scorer = User(email="bench-scorer@example.org", full_name="Эксперт Замер", password_hash=pw)
    scorer.grants.append(RoleGrant(role=Role.expert))
    db.session.add(scorer)
    db.session.flush()
    ra = ReviewAssignment
    first = (select(ra.entry_id, ra.id).where(ra.stage_id == info["review_stage_id"])
             .distinct(ra.entry_id).order_by(ra.entry_id, ra.id).limit(n)).subquery()
    rows = db.session.execute(select(first.c.entry_id, first.c.id)).all()
    entry_ids = [r[0] for r in rows]
    aids = [r[1] for r in rows]
    db.session.execute(delete(Score).where(Score.assignment_id.in_(aids)))
    db.session.execute(update(ra).where(ra.id.in_(aids)).values(
        expert_id=scorer.id, status=AssignmentStatus.accepted, total=None, submitted_at=None))
    db.session.execute(update(Entry).where(Entry.id.in_(entry_ids)).values(status=EntryStatus.under_review))
    return scorer.email, aids


def _score_submit(client, sheets: list[int]) -> float:
    times = []
    for i, aid in enumerate(sheets):
        url = f"/expert/assignments/{aid}/sheet"
        page = client.get(url).get_data(as_text=True)
        data = {"csrf_token": CSRF.search(page).group(1), "version": _VERSION.search(page).group(1),
                "overall_comment": "Проект соответствует требованиям.", "send": "Отправить"}
        criteria = _POINTS.findall(page)
        assert len(criteria) == 10, f"expected a 10-criterion sheet, got {len(criteria)}"
        for k, c in enumerate(criteria):
            data[f"points_{c}"] = str(5 + (i + k) % 5)
            data[f"comment_{c}"] = f"Комментарий к критерию {k + 1}"
        t = time.perf_counter()
        resp = client.post(url, data=data)
        times.append(time.perf_counter() - t)
        assert resp.status_code in (302, 303), f"sheet {aid} was not accepted: {resp.status_code}"
    return 1000 * statistics.median(times)
