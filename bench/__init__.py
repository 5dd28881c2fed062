"""Benchmarks: every module in this package exposes `run() -> dict[str, float]`."""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable

PG_ADMIN = os.environ.get("BENCH_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{db}"


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
