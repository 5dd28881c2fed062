"""APScheduler in its own process. A leader lock makes sure only one node acts.

PostgreSQL: a session-level advisory lock held for the life of the process.
SQLite: an exclusive file lock next to the database.
"""
from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Callable

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import text

from ..extensions import db

log = logging.getLogger(__name__)
ADVISORY_KEY = 0x5F1A_0001

# name -> (seconds between runs, job function taking the app)
JOBS: dict[str, tuple[int, Callable[[Flask], object]]] = {}


def job(name: str, every_seconds: int):
    def register(fn: Callable[[Flask], object]):
        JOBS[name] = (every_seconds, fn)
        return fn

    return register


@job("dispatch_outbox", 30)
def dispatch_outbox(app: Flask):
    from ..notifications.dispatch import dispatch_pending

    with app.app_context():
        return dispatch_pending()


@job("sweep_reminders", 60)
def sweep_reminders(app: Flask):
    from ..services.reminders import sweep

    with app.app_context():
        done = sweep()
        db.session.commit()
        return done


@job("refresh_awards", 3600)
def refresh_awards(app: Flask):
    """Start the status terms that began and complete those that ended (idempotent: hourly runs change
    an award once, on the first run of its day)."""
    from ..services.statuses.awards import refresh_awards as refresh

    with app.app_context():
        done = refresh()
        db.session.commit()
        return done


@job("daily_digest", 600)
def daily_digest(app: Flask):
    """Non-urgent mail of users who chose a digest, once a day after DIGEST_HOUR (Moscow)."""
    from ..notifications.jobs import daily_digests

    return daily_digests(app)


@job("staff_digest", 600)
def staff_digest(app: Flask):
    """What waits for staff, signatories and approvers, once a day after DIGEST_HOUR (Moscow)."""
    from ..notifications.jobs import staff_digests

    return staff_digests(app)


class LeaderLock:
    """Only one scheduler acts. PostgreSQL: a session advisory lock on a connection of its own,
    never returned to the pool (a pooled connection would carry the lock to its next borrower).
    SQLite: an exclusive flock on a file next to the database."""

    def __init__(self, app: Flask):
        self.app = app
        self._conn = None
        self._fh = None

    def _lock_path(self) -> str:
        with self.app.app_context():
            database = db.engine.url.database
        if database and database != ":memory:":
            return f"{database}.scheduler.lock"
        return os.path.join(self.app.instance_path, "scheduler.lock")

    def acquire(self) -> bool:
        with self.app.app_context():
            engine = db.engine
            if engine.dialect.name == "postgresql":
                conn = engine.connect()
                conn.detach()  # closing it ends the database session, which releases the lock
                got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar()
                conn.commit()
                if not got:
                    conn.close()
                    return False
                self._conn = conn
                return True
        fh = open(self._lock_path(), "w")  # noqa: SIM115 (held for the process lifetime)
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            return False
        self._fh = fh
        return True

    def held(self) -> bool:
        """Still the leader? (A dropped PostgreSQL connection loses the lock with it.)"""
        if self._fh is not None:
            return True
        if self._conn is None:
            return False
        try:
            got = self._conn.execute(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                     "AND pid = pg_backend_pid() AND objid = :k"), {"k": ADVISORY_KEY & 0xFFFFFFFF}
            ).scalar()
            self._conn.commit()
            return bool(got)
        except Exception:  # noqa: BLE001 (any failure means the session, and the lock, is gone)
            return False

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                self._conn.commit()
            except Exception:  # noqa: BLE001 (closing below ends the session and the lock anyway)
                pass
            self._conn.close()
            self._conn = None
        if self._fh is not None:
            self._fh.close()  # closing the descriptor drops the flock
            self._fh = None

    def __enter__(self) -> LeaderLock:
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def build_scheduler(app: Flask, lock: LeaderLock) -> BlockingScheduler:
    sched = BlockingScheduler(timezone="UTC", job_defaults={"coalesce": True, "misfire_grace_time": 300,
                                                             "max_instances": 1})
    for name, (seconds, fn) in JOBS.items():
        sched.add_job(fn, "interval", seconds=seconds, args=[app], id=name, name=name)

    def check_leadership():
        if not lock.held():
            log.error("leader lock lost; stopping this scheduler")
            sched.shutdown(wait=False)

    sched.add_job(check_leadership, "interval", seconds=30, id="leader_check", name="leader_check")
    return sched


def run(app: Flask) -> None:
    lock = LeaderLock(app)
    if not lock.acquire():
        log.warning("another scheduler holds the leader lock; this one stays idle")
        print("Планировщик уже запущен на другом узле; этот процесс не выполняет задачи.")
        return
    sched = build_scheduler(app, lock)
    try:
        sched.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        lock.release()
