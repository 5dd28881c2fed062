"""The ФИП case list on PostgreSQL: 20,000 preparation cases of 20,000 organisations (every region's КИП
holders over several years), generated set-based.

- fip_list_ms — the staff list's first page sorted by organisation, searched by a word of the theme
  (target ≤ 200 ms); fip_list_queries — the statements that page runs (the same for any page size).
"""
from __future__ import annotations

from . import add_staff, best_ms, login, migrated_app, on_scratch_database, statements

TARGETS = {"fip_list_ms": 200.0}
CASES = 20_000


def run() -> dict[str, float]:
    return on_scratch_database(_measure, TARGETS)


def _fill(db, text) -> None:
    db.session.execute(text("""
        INSERT INTO organization (org_type, full_name, short_name, municipality_id, address, head_name, email,
                                  phone, status, created_at, updated_at, version)
        SELECT 'OO', 'Организация № ' || g, 'Орг. ' || g, (SELECT min(id) FROM municipality) + g % 44,
               '', '', '', '', 'active', now(), now(), 1
        FROM generate_series(1, :n) AS g"""), {"n": CASES})
    db.session.execute(text("""
        INSERT INTO fip_case (organization_id, project, year, status, form, manual_checks, council_protocol,
                              council_decision, outcome_note, created_at, updated_at, version)
        SELECT (SELECT min(id) FROM organization) + g - 1,
               (ARRAY['Цифровая школа', 'Наставничество', 'Сетевое взаимодействие'])[1 + g % 3] || ' ' || g,
               2020 + g % 8, (ARRAY['readiness','drafting','review','revision'])[1 + g % 4], '{}', '[]', '', '',
               '', now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval, 1
        FROM generate_series(1, :n) AS g"""), {"n": CASES})
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def _measure(url: str) -> dict[str, float]:
    from sqlalchemy import text

    from workflow_app.extensions import db

    app = migrated_app(url)
    with app.app_context():
        _fill(db, text)
        add_staff()
        db.session.commit()
        engine = db.engine
        db.session.remove()
    client = app.test_client()
    login(client, "bench-staff@example.org")
    url_page = "/fip?q=наставничество&sort=org&per_page=50"
    first = client.get(url_page)
    assert first.status_code == 200 and "Наставничество" in first.get_data(as_text=True)
    with statements(engine) as seen:
        client.get(url_page)
    queries = len(seen)
    list_ms = best_ms(lambda: client.get(url_page))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return {"fip_list_ms": list_ms, "fip_list_queries": float(queries)}
