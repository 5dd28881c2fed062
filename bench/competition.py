"""Competition engine at scale: 10,000 entries × 3 experts × 10 criteria (300,000 score rows) on PostgreSQL.

Creates a fresh database on 127.0.0.1:5432 (user postgres), fills it with bench.generate, measures and
drops it. Figures (lower is better):
- generate_10k_seconds — the data generator (COPY);
- ranking_10k_seconds — the full ranking (set-based SQL, every entry's row fetched), median of 5;
- scan_300k_seconds — plain `SELECT sum(points) FROM score` over the same rows, median of 5;
- ranking_vs_scan_ratio — the two above divided (target ≤ 5);
- ranking_page_ms — first page of the staff ranking page through the Flask test client, median of 5;
- ranking_page_queries — SQL statements of that page load;
- ranking_xlsx_10k_seconds / ranking_xlsx_queries — the full XLSX export (criterion × expert columns);
- entry_list_queries, expert_dashboard_queries — statements per page load of those pages (printed only when
  the endpoints exist in this build);
- score_submit_ms_median — one expert submitting a 10-criterion sheet through the app's score service.
"""
from __future__ import annotations

import os
import re
import statistics
import tempfile
import time
import uuid
from contextlib import contextmanager

PG_ADMIN = os.environ.get("BENCH_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{db}"
N_ENTRIES = int(os.environ.get("BENCH_ENTRIES", "10000"))
PASSWORD = "bench-pass-2026"
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _median_time(fn, n: int = 5) -> float:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)


@contextmanager
def _statements(engine):
    from sqlalchemy import event

    seen: list[str] = []

    def listener(conn, cursor, statement, *a):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def _login(client, email: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = _CSRF.search(page).group(1)
    resp = client.post("/login", data={"csrf_token": token, "email": email, "password": PASSWORD})
    assert resp.status_code in (302, 303), f"login failed for {email}"


def _find_rule(app, pattern: str):
    for r in app.url_map.iter_rules():
        if re.fullmatch(pattern, r.rule) and "GET" in (r.methods or ()):
            return r
    return None


def run() -> dict[str, float]:
    import psycopg

    dbname = f"wf_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    try:
        return _measure(PG_URL.format(db=dbname))
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def _measure(url: str) -> dict[str, float]:
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from workflow_app import create_app
    from workflow_app.config import TestConfig
    from workflow_app.extensions import db
    from workflow_app.models import Role, RoleGrant, User
    from workflow_app.models.competition import (
        AssignmentStatus,
        Campaign,
        Entry,
        ReviewAssignment,
        StageKind,
    )
    from workflow_app.services.passwords import hash_password
    from workflow_app.services.ranking import ranking_core_query
    from workflow_app.services.reference import load_municipalities

    from .generate import generate

    out: dict[str, float] = {}
    instance = tempfile.mkdtemp(prefix="wf-bench-")
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=os.path.join(instance, "uploads"),
                  WTF_CSRF_ENABLED=True, SMTP_PORT=1)
    app = create_app(config, instance_path=instance)
    try:
        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory)
            load_municipalities()
            pw = hash_password(PASSWORD)
            staff = User(email="bench-staff@example.org", full_name="Сотрудник Бенчмарк", password_hash=pw)
            staff.grants.append(RoleGrant(role=Role.staff))
            db.session.add(staff)
            db.session.commit()

            t = time.perf_counter()
            info = generate(N_ENTRIES)
            db.session.commit()
            out["generate_10k_seconds"] = time.perf_counter() - t
            # bulk-loaded tables have no statistics until autovacuum gets to them; the planner needs them
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            cid = info["campaign_id"]
            campaign = db.session.get(Campaign, cid)
            first_track = campaign.tracks[0].code
            expert_id = info["experts"][0]
            db.session.get(User, expert_id).password_hash = pw
            db.session.commit()

            q = ranking_core_query(campaign)
            db.session.execute(q).all()  # warm the plan and caches
            out["ranking_10k_seconds"] = _median_time(lambda: db.session.execute(q).all())
            scan = text("SELECT sum(points) FROM score")
            db.session.execute(scan).all()
            out["scan_300k_seconds"] = _median_time(lambda: db.session.execute(scan).all())
            out["ranking_vs_scan_ratio"] = out["ranking_10k_seconds"] / out["scan_300k_seconds"]
            db.session.rollback()
            engine = db.engine
            expert_email = db.session.get(User, expert_id).email
            out["score_submit_ms_median"] = _score_submit(db, campaign, info)
            db.session.remove()

        staff_client = app.test_client()
        _login(staff_client, "bench-staff@example.org")
        page_url = f"/results/campaigns/{cid}?track={first_track}"
        staff_client.get(page_url)
        out["ranking_page_ms"] = 1000 * _median_time(lambda: staff_client.get(page_url))
        with _statements(engine) as seen:
            assert staff_client.get(page_url).status_code == 200
        out["ranking_page_queries"] = len(seen)
        out["ranking_page_ms_vs_300ms_target"] = out["ranking_page_ms"] / 300

        with _statements(engine) as seen:
            t = time.perf_counter()
            resp = staff_client.get(f"/results/campaigns/{cid}/export.xlsx")
            out["ranking_xlsx_10k_seconds"] = time.perf_counter() - t
        assert resp.status_code == 200
        out["ranking_xlsx_queries"] = len(seen)
        out["ranking_xlsx_vs_15s_target"] = out["ranking_xlsx_10k_seconds"] / 15

        entry_rule = _find_rule(app, r"/entries/campaign/<int:campaign_id>")
        if entry_rule is not None:
            url = entry_rule.rule.replace("<int:campaign_id>", str(cid))
            staff_client.get(url)
            with _statements(engine) as seen:
                staff_client.get(url)
            out["entry_list_queries"] = len(seen)
        dash_rule = _find_rule(app, r"/expert/?")
        if dash_rule is not None:
            expert_client = app.test_client()
            _login(expert_client, expert_email)
            expert_client.get(dash_rule.rule)
            with _statements(engine) as seen:
                expert_client.get(dash_rule.rule)
            out["expert_dashboard_queries"] = len(seen)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return out


def _score_submit(db, campaign, info, n: int = 21) -> float:
    """One new expert accepts n entries and submits a 10-criterion sheet for each, one commit per sheet."""
    from decimal import Decimal

    from sqlalchemy import select

    from workflow_app.models import Role, RoleGrant, User
    from workflow_app.models.competition import AssignmentStatus, Entry, ReviewAssignment
    from workflow_app.services import results as results_service

    try:  # the review engineer's score sheet, when this build has it
        from workflow_app.services import review as review_service
        save_sheet = getattr(review_service, "save_sheet", None)
    except ImportError:
        save_sheet = None
    expert = User(email="bench-scorer@example.org", full_name="Эксперт Замер", password_hash="!")
    expert.grants.append(RoleGrant(role=Role.expert))
    db.session.add(expert)
    entries = list(db.session.execute(
        select(Entry.id).where(Entry.campaign_id == campaign.id).order_by(Entry.id).limit(n)).scalars())
    ids = []
    for eid in entries:
        a = ReviewAssignment(entry_id=eid, stage_id=info["review_stage_id"], expert=expert,
                             status=AssignmentStatus.accepted)
        db.session.add(a)
        db.session.flush()
        ids.append(a.id)
    db.session.commit()
    times = []
    for aid in ids:
        t = time.perf_counter()
        a = db.session.get(ReviewAssignment, aid)
        crit = results_service.sheet_criteria(a)
        if save_sheet is not None:
            save_sheet(a, expert, {c.id: ("7", "") for c in crit}, "", submit=True)
        else:
            results_service.submit_sheet(a, {c.id: Decimal(7) for c in crit}, actor=expert)
        db.session.commit()
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)
