"""Appeals at scale on PostgreSQL: the generated 10,000-entry campaign with an appeal on every entry.

- appeals_list_page_ms — the first page of the staff list of the campaign's appeals (`/appeals/list`,
  newest first, entry and organisation loaded by the list's join), median of 5, target ≤ 300 ms;
- appeals_list_queries — SQL statements that page sends (a constant);
- appeals_xlsx_10k_seconds — the XLSX of all 10,000 appeals (one streamed query), target ≤ 15 s.
"""
from __future__ import annotations

import statistics
import time

from . import login, migrated_app, on_scratch_database
from .competition import N_ENTRIES, PASSWORD, _statements

TARGETS = {"appeals_list_page_ms": 300.0, "appeals_xlsx_10k_seconds": 15.0}


def run() -> dict[str, float]:
    return on_scratch_database(_measure, TARGETS)


def _measure(url: str) -> dict[str, float]:
    from sqlalchemy import text

    from workflow_app.extensions import db
    from workflow_app.models import Role, RoleGrant, User
    from workflow_app.services.platform.passwords import hash_password

    from .generate import generate

    out: dict[str, float] = {}
    app = migrated_app(url, WTF_CSRF_ENABLED=True)
    try:
        with app.app_context():
            staff = User(email="bench-staff@example.org", full_name="Сотрудник Бенчмарк",
                         password_hash=hash_password(PASSWORD))
            staff.grants.append(RoleGrant(role=Role.staff))
            db.session.add(staff)
            cid = generate(N_ENTRIES)["campaign_id"]
            db.session.execute(text(
                "INSERT INTO appeal (campaign_id, entry_id, stage_id, status, grounds, submitted_at, decision_due_at,"
                " decision_reason, changes, created_at, updated_at, version)"
                " SELECT e.campaign_id, e.id, (SELECT max(id) FROM stage WHERE campaign_id = :cid), 'submitted',"
                " 'Не согласны с оценкой экспертов по критерию ' || (e.id % 10 + 1),"
                " now() - (e.id % 72) * interval '1 hour', now() + interval '5 days', '', '{}', now(), now(), 1"
                " FROM entry e WHERE e.campaign_id = :cid"), {"cid": cid})
            db.session.commit()
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            engine = db.engine
        client = app.test_client()
        login(client, "bench-staff@example.org")
        page = f"/appeals/list?campaign={cid}"
        client.get(page)  # warm
        times = []
        for _ in range(5):
            t = time.perf_counter()
            resp = client.get(page)
            times.append((time.perf_counter() - t) * 1000)
            assert resp.status_code == 200
        out["appeals_list_page_ms"] = statistics.median(times)
        with _statements(engine) as seen:
            client.get(page)
        out["appeals_list_queries"] = len(seen)
        t = time.perf_counter()
        resp = client.get(page + "&export=xlsx")
        data = resp.get_data()
        out["appeals_xlsx_10k_seconds"] = time.perf_counter() - t
        assert resp.status_code == 200 and len(data) > 100_000, (resp.status_code, len(data))
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return out
