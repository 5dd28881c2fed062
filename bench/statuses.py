"""The registry and the figures on PostgreSQL: 100,000 awards for 40,000 organisations across 89 regions'
worth of municipalities (89 × 44 = 3,916), generated set-based.

- registry_filter_ms — the public registry page filtered by type + municipality + year (target ≤ 200 ms);
  registry_filter_queries — the statements that page runs (the same for any filter and page size);
- awards_stats_ms — `awards_stats` grouped by organisation type for one date over the 100,000 awards
  (target ≤ 300 ms); awards_figures_page_ms — the whole staff figures page for that date (every grouping,
  the cross table and ten years), for reference.
"""
from __future__ import annotations

from datetime import date

from . import add_staff, best_ms, login, migrated_app, on_scratch_database, statements

TARGETS = {"registry_filter_ms": 200.0, "awards_stats_ms": 300.0}
MUNICIPALITIES = 89 * 44
ORGS = 40_000
AWARDS = 100_000
ON = date(2024, 6, 1)


def run() -> dict[str, float]:
    return on_scratch_database(_measure, TARGETS)


def _fill(db, text) -> None:
    db.session.execute(text("""
        INSERT INTO municipality (code, name, kind)
        SELECT 'bench-' || g, 'Муниципалитет ' || g, 'муниципальный район'
        FROM generate_series(1, :n - (SELECT count(*) FROM municipality)) AS g"""), {"n": MUNICIPALITIES})
    db.session.execute(text("""
        INSERT INTO organization (org_type, full_name, short_name, municipality_id, address, head_name, email,
                                  phone, status, created_at, updated_at, version)
        SELECT (ARRAY['DOO','OO','ODOD','POO','TMS','MOUO','SOO'])[1 + g % 7], 'Организация № ' || g,
               'Орг. ' || g, (SELECT min(id) FROM municipality) + g % :munis, '', '', '', '', 'active',
               now(), now(), 1
        FROM generate_series(1, :orgs) AS g"""), {"munis": MUNICIPALITIES, "orgs": ORGS})
    db.session.execute(text("""
        INSERT INTO order_doc (kind, status, issuer, title, preamble, items, control_clause, annexes,
                               signatory_position, signatory_name, effects, year, number, order_date,
                               ministry, institute_full, institute_short, doc_kind, city,
                               created_at, updated_at, version)
        VALUES ('other', 'registered', 'МОНиМП КК', 'Приказ МОНиМП КК от 01.12.2014 № 1', '', '[]', '', '[]', '', '',
                '{}', 2014, '1', DATE '2014-12-01', '', '', '', 'ПРИКАЗ', '', now(), now(), 1)"""))
    db.session.execute(text("""
        INSERT INTO status_award (organization_id, status_type_id, theme, term_from, term_to, status,
                                  granted_by_order_id, end_reason, created_at, updated_at, version)
        SELECT (SELECT min(id) FROM organization) + g % :orgs,
               (SELECT min(id) FROM status_type) + g % 9, 'Тема проекта ' || g,
               DATE '2015-01-01' + (g % 3650), DATE '2015-01-01' + (g % 3650) + 1094,
               CASE WHEN DATE '2015-01-01' + (g % 3650) + 1094 < DATE '2026-11-30' THEN 'completed'
                    WHEN DATE '2015-01-01' + (g % 3650) > DATE '2026-11-30' THEN 'scheduled' ELSE 'active' END,
               (SELECT max(id) FROM order_doc), '', now(), now(), 1
        FROM generate_series(1, :awards) AS g"""), {"orgs": ORGS, "awards": AWARDS})
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def _measure(url: str) -> dict[str, float]:
    from sqlalchemy import func, select, text

    from workflow_app.extensions import db
    from workflow_app.models import Municipality
    from workflow_app.services.statuses import stats

    app = migrated_app(url)
    with app.app_context():
        _fill(db, text)
        muni = db.session.execute(select(Municipality.id).order_by(Municipality.id).offset(100).limit(1)).scalar()
        assert db.session.execute(text("SELECT count(*) FROM status_award")).scalar() == AWARDS
        by_type = stats.awards_stats(ON, None, "org_type")
        assert by_type["total"] > 20_000, by_type
        stats_ms = best_ms(lambda: stats.awards_stats(ON, None, "org_type"))
        db.session.remove()
        engine = db.engine
        assert db.session.execute(select(func.count()).select_from(Municipality)).scalar() == MUNICIPALITIES
        db.session.remove()
    client = app.test_client()
    url_page = f"/registry?type=КИП&municipality={muni}&year=2024"
    first = client.get(url_page)
    assert first.status_code == 200 and "Тема проекта" in first.get_data(as_text=True)
    with statements(engine) as seen:
        client.get(url_page)
    queries = len(seen)
    registry_ms = best_ms(lambda: client.get(url_page))
    staff_page_ms = _figures_page(app, client)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return {"registry_filter_ms": registry_ms, "registry_filter_queries": float(queries),
            "awards_stats_ms": stats_ms, "awards_figures_page_ms": staff_page_ms}


def _figures_page(app, client) -> float:
    from workflow_app.extensions import db

    with app.app_context():
        add_staff()
        db.session.commit()
    login(client, "bench-staff@example.org")
    resp = client.get(f"/statuses/figures?on={ON.isoformat()}")
    assert resp.status_code == 200, resp.status_code
    return best_ms(lambda: client.get(f"/statuses/figures?on={ON.isoformat()}"), runs=3)
