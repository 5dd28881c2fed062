"""Benchmarks: every module in this package exposes `run() -> dict[str, float]`."""
from __future__ import annotations

import os
import re
import statistics
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager

PG_ADMIN = os.environ.get("BENCH_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{db}"
PASSWORD = "bench-pass-2026"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def migrated_app(url: str, **overrides):
    """The app on the bench's database, migrated, with the municipalities loaded. TestConfig for the cheap
    password hashes; GC_FREEZE as in production."""
    import tempfile

    from flask_migrate import upgrade

    from workflow_app import create_app
    from workflow_app.config import TestConfig
    from workflow_app.extensions import db
    from workflow_app.services.platform.reference import load_municipalities

    instance = tempfile.mkdtemp(prefix="wf-bench-")
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=os.path.join(instance, "uploads"), SMTP_PORT=1,
                  GC_FREEZE=True, **overrides)
    app = create_app(config, instance_path=instance)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_municipalities()
        db.session.commit()
    return app


def on_scratch_database(measure: Callable[[str], dict], targets: dict) -> dict:
    """Run `measure(database_url)` on a PostgreSQL database of its own, dropped afterwards."""
    import psycopg

    dbname = f"wf_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    try:
        return with_targets(measure(PG_URL.format(db=dbname)), targets)
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def with_targets(figures: dict, targets: dict) -> dict:
    """Figures in their order, each followed by `<name>_target` and `<name>_vs_target` (≤ 1 is met)."""
    out: dict = {}
    for name, value in figures.items():
        out[name] = value
        target = targets.get(name)
        if target is not None:
            out[f"{name}_target"] = target
            out[f"{name}_vs_target"] = float(value) / target if target else float("inf")
    return out


def add_staff(email: str = "bench-staff@example.org") -> None:
    """A staff member who signs in with PASSWORD (in the current session; the caller commits)."""
    from workflow_app.extensions import db
    from workflow_app.models import Role, RoleGrant, User
    from workflow_app.services.platform.passwords import hash_password

    staff = User(email=email, full_name="Сотрудник Бенчмарк", password_hash=hash_password(PASSWORD))
    staff.grants.append(RoleGrant(role=Role.staff))
    db.session.add(staff)


def login(client, email: str) -> None:
    """Sign in through the login form (CSRF token from the page), with PASSWORD."""
    page = client.get("/login").get_data(as_text=True)
    token = CSRF.search(page).group(1)
    resp = client.post("/login", data={"csrf_token": token, "email": email, "password": PASSWORD})
    assert resp.status_code in (302, 303), f"login failed for {email}"


def median_time(fn, n: int = 5) -> float:
    """Median wall time of n calls of fn, in seconds."""
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)


def best_ms(fn, runs: int = 7) -> float:
    """Best wall time of `runs` calls of fn, in milliseconds (the least disturbed run)."""
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best * 1000


@contextmanager
def statements(engine):
    """The SQL statements the engine runs inside the block (a list, filled as they run)."""
    from sqlalchemy import event

    seen: list[str] = []

    def listener(conn, cursor, statement, *a):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)
