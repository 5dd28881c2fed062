"""Reports of status holders on PostgreSQL: 40,000 organisations, 100,000 awards, 300,000 reports (three
yearly periods each), generated set-based.

- overdue_scan_ms — finding every overdue report (marked overdue, or still owed past its due date), the
  query the staff list's «просроченные» filter and the municipal page use, target ≤ 200 ms;
- reports_list_ms — the first page of the staff list filtered to overdue reports of one status type.
"""
from __future__ import annotations

import time
from datetime import date

from . import migrated_app, on_scratch_database

TARGETS = {"overdue_scan_ms": 200.0}
ORGS, AWARDS = 40_000, 100_000
TODAY = date(2026, 12, 10)


def run() -> dict[str, float]:
    return on_scratch_database(_measure, TARGETS)


def _fill(db, text) -> None:
    """Organisations spread over the municipalities, awards of the seeded types, and for each award its
    reports for 2024–2026: mostly accepted, the rest in every other state (due dates 1 December)."""
    db.session.execute(text("""
        INSERT INTO organization (org_type, full_name, short_name, municipality_id, address, head_name, email,
                                  phone, status, created_at, updated_at, version)
        SELECT (ARRAY['DOO','OO','ODOD','POO','TMS'])[1 + g % 5], 'Организация № ' || g, 'Орг ' || g,
               m.id, '', '', '', '', 'active', now(), now(), 1
        FROM generate_series(1, :orgs) AS g
        JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS total
              FROM municipality) AS m ON m.n = g % m.total"""), {"orgs": ORGS})
    db.session.execute(text("""
        INSERT INTO status_award (organization_id, status_type_id, theme, term_from, term_to, status, end_reason,
                                  created_at, updated_at, version)
        SELECT o.first_id + g % :orgs, t.id, 'Тема проекта ' || g, DATE '2024-01-01', DATE '2026-12-31',
               'active', '', now(), now(), 1
        FROM generate_series(1, :awards) AS g
        CROSS JOIN (SELECT min(id) AS first_id FROM organization) AS o
        JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS total
              FROM status_type) AS t ON t.n = g % t.total"""), {"orgs": ORGS, "awards": AWARDS})
    # Per award: 2024 and 2025 mostly accepted, 2026 in every state (due 01.12.2026, checked on 10.12).
    db.session.execute(text("""
        INSERT INTO status_report (award_id, kind, period_year, due_date, status, content, remarks, missed,
                                   submitted_at, created_at, updated_at, version)
        SELECT a.id, 'yearly', y, make_date(y, 12, 1), s.state, '{}', '', s.state = 'overdue',
               CASE WHEN s.state IN ('submitted', 'accepted') THEN now() END, now(), now(), 1
        FROM status_award AS a
        CROSS JOIN generate_series(2024, 2026) AS y
        CROSS JOIN LATERAL (SELECT CASE
            WHEN y < 2026 AND a.id % 50 = 0 THEN 'overdue'
            WHEN y < 2026 THEN 'accepted'
            ELSE (ARRAY['accepted','accepted','submitted','due','draft','returned','overdue','accepted',
                        'submitted','accepted'])[1 + a.id % 10] END AS state) AS s"""))
    db.session.commit()
    db.session.execute(text("ANALYZE organization; ANALYZE status_award; ANALYZE status_report"))
    db.session.commit()


def _best(fn, times: int = 5) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(times):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best * 1000, result


def _measure(url: str) -> dict[str, float]:
    from sqlalchemy import func, select, text

    from workflow_app.extensions import db
    from workflow_app.listing import ListArgs
    from workflow_app.models.status_report import StatusReport
    from workflow_app.services.reports import queries, schedule

    app = migrated_app(url)
    with app.app_context():
        _fill(db, text)
        assert db.session.execute(select(func.count()).select_from(StatusReport)).scalar_one() == 3 * AWARDS

        scan_ms, found = _best(lambda: schedule.find_overdue(TODAY))
        # 2024/2025: every 50th award's two reports; 2026: overdue, due, draft and returned (4 in 10)
        assert len(found) == 2 * AWARDS // 50 + 4 * AWARDS // 10, len(found)
        type_id = db.session.execute(text("SELECT min(id) FROM status_type")).scalar_one()
        args = ListArgs(per_page=25, filters={"overdue": "1", "type": str(type_id)}, sort="due")
        list_ms, page = _best(lambda: queries.staff_page(args, TODAY))
        assert page.items and all(row.overdue for row in page.items)  # type: ignore[attr-defined]
        db.session.remove()
        db.engine.dispose()
    return {"overdue_scan_ms": scan_ms, "overdue_scan_rows": float(len(found)),
            "reports_list_ms": list_ms}
