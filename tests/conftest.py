"""Test fixtures: every test that uses `app` runs on SQLite and on PostgreSQL.

The PostgreSQL server is the machine's own (127.0.0.1:5432, user postgres, trust auth). The suite
creates a database of its own and drops it at the end. Only when the server is unreachable are the
PostgreSQL variants skipped, and the run says so loudly at the start and at the end.
"""
from __future__ import annotations

import os
import re
import uuid
from contextlib import ExitStack, contextmanager

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


# Fixtures that serve the app from other threads or connections: their tests commit for real.
COMMITTING_FIXTURES = {"smtp_server", "app_live_url"}


def pytest_collection_modifyitems(config, items):
    keep, drop = [], []
    no_browser = pytest.mark.skip(reason=f"{CHROMIUM} is missing — browser test SKIPPED") \
        if chromium_missing() else None
    for item in items:
        if item.get_closest_marker("demo"):
            item.add_marker(pytest.mark.xdist_group("demo"))  # one worker seeds the demo databases
        if COMMITTING_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.commits)
        if no_browser and item.get_closest_marker("browser"):
            item.add_marker(no_browser)
        backend = getattr(getattr(item, "callspec", None), "params", {}).get("backend")
        if backend == "sqlite" and item.get_closest_marker("postgres_only"):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
    # The slowest first, so that parallel workers do not finish on one long test (a stable sort).
    items[:] = sorted(keep, key=lambda item: item.get_closest_marker("slow") is None)


def _new_database(name: str, tmp_path_factory, tag: str):
    """A fresh, empty database of backend `name`: (url, drop) — drop() removes it at the end."""
    if name == "sqlite":
        path = tmp_path_factory.mktemp(f"sqlite-{tag}") / "test.sqlite3"
        return f"sqlite:///{path}", lambda: None
    import psycopg

    dbname = f"wf_test_{tag}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')

    def drop():
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')

    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{dbname}", drop


@pytest.fixture(params=BACKENDS)
def backend(request):
    """The backend's name; the PostgreSQL variants are skipped (loudly) when the server is unreachable.

    Function-scoped on purpose: the apps are cached per backend for the whole session (`_apps`), so
    tests of both backends may run in any order (xdist) without migrating a database again."""
    if request.param == "postgresql":
        ok, why = pg_reachable()
        if not ok:
            pytest.skip(f"PostgreSQL unreachable ({why}) — PostgreSQL variant SKIPPED")
    return request.param


def _sqlite_real_savepoints(engine) -> None:
    """pysqlite opens transactions lazily and would COMMIT on the outermost RELEASE SAVEPOINT; let
    SQLAlchemy emit BEGIN itself (the documented recipe), so a test's outer transaction really holds."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _no_pysqlite_transactions(dbapi_connection, record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")

    engine.dispose()


@contextmanager
def _migrated_app_on(name: str, tmp_path_factory, tag: str, seed: bool = False):
    """A session-long app over a fresh database of its own, migrated (municipalities loaded; with the
    demo data of `make run` when `seed`)."""
    from flask_migrate import upgrade

    from workflow_app import create_app
    from workflow_app.config import TestConfig
    from workflow_app.extensions import db
    from workflow_app.services.platform.reference import load_municipalities

    url, drop = _new_database(name, tmp_path_factory, tag)
    try:
        instance = tmp_path_factory.mktemp(f"instance-{name}-{tag}")
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
            if seed:
                from workflow_app.demo import seed_demo

                app.demo_counts = seed_demo()  # what the first seeding created
                db.session.commit()
            db.session.remove()
            if name == "sqlite":
                _sqlite_real_savepoints(db.engine)
        app.backend_name = name
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()


@pytest.fixture(scope="session")
def _apps(tmp_path_factory):
    """apps(backend, demo=False): this process's app over its own empty (or demo-seeded) database of that
    backend, made on first use and kept to the end of the session. Under xdist every worker has its own
    SQLite files and PostgreSQL databases."""
    cache: dict = {}
    with ExitStack() as stack:
        def get(name: str, demo: bool = False):
            if (name, demo) not in cache:
                cache[name, demo] = stack.enter_context(
                    _migrated_app_on(name, tmp_path_factory, "demo" if demo else "empty", seed=demo))
            return cache[name, demo]

        yield get


# Reference data the migrations seed (municipalities are loaded by the suite; status types and
# termination grounds by migration 0020_status_types).
KEEP_TABLES = {"municipality", "alembic_version", "status_type", "termination_ground"}


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


def _rolled_back_session(app):
    """Bind `db.session` to one connection whose outer transaction the test never commits.

    The SQLAlchemy 2 recipe «joining a session into an external transaction»: every session the test and
    its requests open (one per app context) is bound to that connection with
    join_transaction_mode="create_savepoint", so the app's commit() only releases a savepoint and its
    rollback() rolls one back; the outer transaction is rolled back after the test.
    """
    from flask_sqlalchemy.session import Session

    from workflow_app.extensions import db

    class JoinedSession(Session):
        def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
            return bind if bind is not None else self.bind  # one database: always the test's connection

    with app.app_context():
        connection = db.engine.connect()
    outer = connection.begin()
    original = db.session
    db.session = db._make_scoped_session(
        {"class_": JoinedSession, "bind": connection, "join_transaction_mode": "create_savepoint"})
    try:
        yield app
    finally:
        for session in list(db.session.registry.registry.values()):  # app contexts the test left open
            session.close()
        db.session = original
        if outer.is_active:
            outer.rollback()
        connection.close()


def _commits(request) -> bool:
    return request.node.get_closest_marker("commits") is not None


@pytest.fixture
def app(backend, _apps, request):
    """The app on a clean database (municipalities loaded); no app context is pushed.

    Everything the test writes is rolled back at the end (see _rolled_back_session). Tests marked
    `commits` (other connections or threads must see the data) really commit; every table but the
    reference ones is emptied after them. Tests marked `demo` get a database seeded once per session
    with the demo data of `make run`.
    """
    demo = request.node.get_closest_marker("demo") is not None
    the_app = _apps(backend, demo)
    with the_app.app_context():  # sign-in counts of earlier tests (the app is shared) do not carry over
        from workflow_app.services.platform.accounts import reset_throttle

        reset_throttle()
    if _commits(request):
        if demo:
            raise pytest.UsageError("a `demo` test may not commit: the seeded database is shared")
        yield the_app
        _clean(the_app)
        return
    yield from _rolled_back_session(the_app)


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
def make(ctx):
    """The data builders of tests/factories.py, for service-level tests: make.user(...), make.campaign(), …

    Holds an app context for the whole test (like `ctx`), so test-client requests would share it (and its
    `g`): web tests call the builders inside `with app.app_context():` and commit before requesting."""
    from .factories import Make

    return Make()


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
