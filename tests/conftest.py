"""Test fixtures: every test that uses `app` runs on SQLite and on PostgreSQL.

The PostgreSQL server is the machine's own (127.0.0.1:5432, user postgres, trust auth). The suite
creates a database of its own and drops it at the end. Only when the server is unreachable are the
PostgreSQL variants skipped, and the run says so loudly at the start and at the end.
"""
from __future__ import annotations

import os
import re
import uuid
import pytest

PG_DSN = os.environ.get("TEST_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=test")
BACKENDS = ["sqlite", "postgresql"]
_pg_state: dict = {}


def pg_reachable() -> tuple[bool, str]:
    if "ok" not in _pg_state:
        try:
            import psycopg

            with psycopg.connect(PG_DSN, connect_timeout=3) as conn:
                version = conn.execute("SHOW server_version").fetchone()[0]
            _pg_state.update(ok=True, why=f"PostgreSQL {version} at {PG_DSN}")
        except Exception as exc:  # noqa: BLE001 (any failure means unreachable)
            _pg_state.update(ok=False, why=f"{type(exc).__name__}: {exc}")
    return _pg_state["ok"], _pg_state["why"]


LOUD = "!" * 78


CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright cannot download its own browser here


def chromium_missing() -> bool:
    return not os.path.isfile(CHROMIUM)


def pytest_report_header(config):
    ok, why = pg_reachable()
    lines = [f"database backends: SQLite and {why}"] if ok else [
        LOUD, f"!!! PostgreSQL UNREACHABLE ({why})",
        "!!! PostgreSQL variants of the tests WILL BE SKIPPED", LOUD]
    if chromium_missing():
        lines += [LOUD, f"!!! {CHROMIUM} is MISSING: browser tests WILL BE SKIPPED",
                  "!!! install it with `apt-get install chromium` (make test tries to)", LOUD]
    else:
        lines.append(f"browser tests: {CHROMIUM}")
    return lines


def pytest_terminal_summary(terminalreporter):
    ok, why = pg_reachable()
    counts: dict[str, int] = {}
    for key in ("passed", "failed", "error", "skipped"):
        for rep in terminalreporter.stats.get(key, []):
            m = re.search(r"\[(sqlite|postgresql)[\]-]", getattr(rep, "nodeid", ""))
            if m and key == "passed":
                counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    terminalreporter.write_line(
        f"backend coverage: sqlite passed {counts.get('sqlite', 0)}, "
        f"postgresql passed {counts.get('postgresql', 0)}"
    )
    if not ok:
        terminalreporter.write_line(LOUD)
        terminalreporter.write_line(f"!!! PostgreSQL was UNREACHABLE ({why}): its tests were SKIPPED")
        terminalreporter.write_line(LOUD)
    if chromium_missing():
        terminalreporter.write_line(LOUD)
        terminalreporter.write_line(f"!!! {CHROMIUM} was MISSING: the browser tests were SKIPPED")
        terminalreporter.write_line(LOUD)


def pytest_collection_modifyitems(config, items):
    keep, drop = [], []
    no_browser = pytest.mark.skip(reason=f"{CHROMIUM} is missing — browser test SKIPPED") \
        if chromium_missing() else None
    for item in items:
        if no_browser and item.get_closest_marker("browser"):
            item.add_marker(no_browser)
        backend = getattr(getattr(item, "callspec", None), "params", {}).get("backend")
        if backend == "sqlite" and item.get_closest_marker("postgres_only"):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request, tmp_path_factory):
    """Yields (name, database URL) for a fresh, migrated database of each backend."""
    name = request.param
    if name == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "test.sqlite3"
        yield name, f"sqlite:///{path}"
        return
    ok, why = pg_reachable()
    if not ok:
        pytest.skip(f"PostgreSQL unreachable ({why}) — PostgreSQL variant SKIPPED")
    import psycopg

    dbname = f"wf_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    try:
        yield name, f"postgresql+psycopg://postgres@127.0.0.1:5432/{dbname}"
    finally:
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


@pytest.fixture(scope="session")
def _migrated_app(backend, tmp_path_factory):
    from flask_migrate import upgrade

    from workflow_app import create_app
    from workflow_app.config import TestConfig
    from workflow_app.extensions import db
    from workflow_app.services.platform.reference import load_municipalities

    name, url = backend
    instance = tmp_path_factory.mktemp(f"instance-{name}")
    config = dict(
        {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
        SQLALCHEMY_DATABASE_URI=url,
        UPLOAD_DIR=str(instance / "uploads"),
        SMTP_PORT=1,  # nothing listens: tests that send mail start their own SMTP server
    )
    app = create_app(config, instance_path=str(instance))
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_municipalities()
        db.session.commit()
    app.backend_name = name
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


KEEP_TABLES = {"municipality", "alembic_version"}


def _clean(app) -> None:
    """Empty every table but the reference ones, quickly.

    audit_event is append-only (database triggers refuse UPDATE/DELETE), so: PostgreSQL deletes with
    `session_replication_role = replica` for this transaction only (row triggers do not fire; needs
    the superuser the suite runs as; TRUNCATE, the fallback, costs ~0.3 s a test); SQLite drops the
    tables' triggers, deletes and re-creates them from their stored SQL, all in one transaction.
    """
    from workflow_app.extensions import db

    with app.app_context():
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEEP_TABLES]
        if db.engine.dialect.name == "postgresql":
            from sqlalchemy.exc import DBAPIError

            try:
                with db.engine.begin() as conn:
                    conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
                    for table in tables:
                        conn.execute(table.delete())
            except DBAPIError:  # not a superuser
                with db.engine.begin() as conn:
                    conn.exec_driver_sql("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables))
            return
        with db.engine.begin() as conn:
            names = [t.name for t in tables]
            marks = ", ".join("?" for _ in names)
            triggers = conn.exec_driver_sql(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})",
                tuple(names),
            ).all()
            for name, _ in triggers:
                conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
            for table in tables:
                conn.execute(table.delete())
            for _, sql in triggers:
                conn.exec_driver_sql(sql)


@pytest.fixture
def app(_migrated_app):
    """The app on a clean database (municipalities loaded). No app context is pushed."""
    yield _migrated_app
    _clean(_migrated_app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ctx(app):
    """An app context for direct service/model work in a test."""
    with app.app_context():
        yield
        from workflow_app.extensions import db

        db.session.rollback()


@pytest.fixture
def smtp_server(app):
    """A real SMTP server (aiosmtpd) on 127.0.0.1; the app sends to it during the test.

    `.messages` holds what arrived (email.message.EmailMessage); `.down()` makes it unreachable.
    """
    from .smtp import LocalSMTP

    server = LocalSMTP().start()
    server.attach(app)
    try:
        yield server
    finally:
        server.detach()
        server.stop()
