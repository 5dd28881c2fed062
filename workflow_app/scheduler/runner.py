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


class LeaderLock:
    def __init__(self, app: Flask):
        self.app = app
        self._conn = None
        self._fh = None

    def acquire(self) -> bool:
        with self.app.app_context():
            engine = db.engine
            if engine.dialect.name == "postgresql":
                self._conn = engine.connect()
                got = self._conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar()
                self._conn.commit()
                return bool(got)
        path = os.path.join(self.app.instance_path, "scheduler.lock")
        self._fh = open(path, "w")  # noqa: SIM115 (held for the process lifetime)
        try:
            fcntl.flock(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def release(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._fh is not None:
            self._fh.close()


def run(app: Flask) -> None:
    lock = LeaderLock(app)
    if not lock.acquire():
        log.warning("another scheduler holds the leader lock; this one stays idle")
        print("Планировщик уже запущен на другом узле; этот процесс не выполняет задачи.")
        return
    sched = BlockingScheduler(timezone="UTC", job_defaults={"coalesce": True, "misfire_grace_time": 300,
                                                             "max_instances": 1})
    for name, (seconds, fn) in JOBS.items():
        sched.add_job(fn, "interval", seconds=seconds, args=[app], id=name, name=name)
    try:
        sched.start()
    finally:
        lock.release()
