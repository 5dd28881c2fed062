"""The commission's decision at scale: approving a generated 10,000-entry campaign on PostgreSQL.

Creates its own database (as bench.competition does), fills it with bench.generate (every entry scored),
then times `services.competition.results.approve_decision` and the commit: the ranking, one
select_winner / not_select transition and one audit row per entry, the decision fields and the record.

- decision_approve_10k_seconds — that call plus the commit;
- decision_approve_10k_queries — SQL statements it sends (set-based: constant per 900 entries).
"""
from __future__ import annotations

import time

from . import migrated_app, on_scratch_database, statements
from .competition import N_ENTRIES

TARGETS = {"decision_approve_10k_seconds": 5.0}


def run() -> dict[str, float]:
    return on_scratch_database(_measure, TARGETS)


def _measure(url: str) -> dict[str, float]:
    from sqlalchemy import func, select, text

    from workflow_app.extensions import db
    from workflow_app.models import AuditEvent, Role, RoleGrant, User
    from workflow_app.models.competition import Campaign, Entry
    from workflow_app.services.competition import results

    from .generate import generate

    out: dict[str, float] = {}
    app = migrated_app(url)
    try:
        with app.app_context():
            staff = User(email="bench-staff@example.org", full_name="Сотрудник Бенчмарк", password_hash="!")
            staff.grants.append(RoleGrant(role=Role.staff))
            db.session.add(staff)
            info = generate(N_ENTRIES)
            db.session.commit()
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            staff_id, cid = staff.id, info["campaign_id"]
            db.session.remove()

        with app.app_context():
            campaign = db.session.get(Campaign, cid)
            actor = db.session.get(User, staff_id)
            with statements(db.engine) as seen:
                t = time.perf_counter()
                results.approve_decision(campaign, actor=actor)
                db.session.commit()
                out["decision_approve_10k_seconds"] = time.perf_counter() - t
            out["decision_approve_10k_queries"] = len(seen)
            decided = db.session.execute(select(func.count()).where(
                Entry.campaign_id == cid, Entry.decision.is_not(None))).scalar_one()
            assert decided == N_ENTRIES, f"only {decided} of {N_ENTRIES} entries were decided"
            rows = db.session.execute(select(func.count()).where(
                AuditEvent.event.in_(("entry.select_winner", "entry.not_select")))).scalar_one()
            assert rows == N_ENTRIES, f"{rows} audit rows for {N_ENTRIES} entries"
            db.session.remove()
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return out
