"""The reminder sweep on PostgreSQL: 1,000,000 reminder rows, of which 10,000 are due.

- reminder_sweep_ms — one sweep sending the 10,000 due reminders (20,000 outbox rows: e-mail and in-app),
  target ≤ 500 ms;
- reminder_sweep_1k_due_ms — the same table with 1,000 due;
- reminder_sweep_vs_due_ratio — 1k-due time / 10k-due time: near 0.1 when the cost follows the due rows
  (the partial index), near 1 if it followed the table.
"""
from __future__ import annotations

import time
from datetime import UTC, datetime

from . import migrated_app, on_scratch_database

TARGETS = {"reminder_sweep_ms": 500.0}
TOTAL = 1_000_000
USERS = 2_000


def run() -> dict[str, float]:
    return on_scratch_database(_measure, TARGETS)


def _fill(db, text, now: datetime, due: int) -> None:
    """TOTAL rows: `due` pending and due, 20,000 pending in the future, the rest sent long ago."""
    db.session.execute(text("TRUNCATE reminder, outbox RESTART IDENTITY"))
    db.session.execute(text("""
        INSERT INTO reminder (kind, object_type, object_id, recipient_id, offset_days, escalation, title, link,
                              deadline_at, due_at, status, created_at, done_at, series)
        SELECT 'entry.correction', 'entry', g, 1 + (g % :users), -1, false, 'Заявка ИП-' || g || ': доработка',
               '/entries/' || g, :now + interval '1 day',
               CASE WHEN g <= :due THEN :now - interval '1 minute'
                    WHEN g <= :due + 20000 THEN :now + interval '2 days'
                    ELSE :now - interval '30 days' END,
               CASE WHEN g <= :due + 20000 THEN 'pending' ELSE 'sent' END,
               :now - interval '40 days',
               CASE WHEN g <= :due + 20000 THEN NULL ELSE :now - interval '30 days' END, ''
        FROM generate_series(1, :total) AS g"""),
        {"users": USERS, "now": now.replace(tzinfo=None), "due": due, "total": TOTAL})
    db.session.commit()
    db.session.execute(text("ANALYZE reminder"))
    db.session.commit()


def _timed_sweep(db, sweep, now: datetime) -> tuple[float, dict]:
    best, result = float("inf"), {}
    for _ in range(3):
        t = time.perf_counter()
        result = sweep(now=now)
        db.session.flush()
        best = min(best, time.perf_counter() - t)
        db.session.rollback()  # measure again on the same rows
    return best * 1000, result


def _measure(url: str) -> dict[str, float]:
    from sqlalchemy import insert, text

    from workflow_app.extensions import db
    from workflow_app.models import User
    from workflow_app.services.reminders import sweep

    app = migrated_app(url)
    now = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    with app.app_context():
        db.session.execute(insert(User), [
            {"email": f"user{i}@bench.example", "full_name": f"Получатель {i}", "password_hash": "!"}
            for i in range(1, USERS + 1)])
        db.session.commit()
        _fill(db, text, now, 10_000)
        ms_10k, done = _timed_sweep(db, sweep, now)
        assert done == {"sent": 10_000, "skipped": 0}, done
        _fill(db, text, now, 1_000)
        ms_1k, done = _timed_sweep(db, sweep, now)
        assert done == {"sent": 1_000, "skipped": 0}, done
        db.session.remove()
        db.engine.dispose()
    return {"reminder_sweep_ms": ms_10k, "reminder_sweep_1k_due_ms": ms_1k,
            "reminder_sweep_vs_due_ratio": ms_1k / ms_10k}
