"""The scheduler's leader lock and jobs; the generated lifecycle docs are current."""
from pathlib import Path

import pytest
from sqlalchemy import select, text

from workflow_app import docs_gen
from workflow_app.extensions import db
from workflow_app.models import OutboxMessage
from workflow_app.scheduler import runner
from workflow_app.services.platform import outbox

pytestmark = pytest.mark.commits  # advisory locks and the scheduler use connections of their own

ROOT = Path(__file__).resolve().parent.parent


def test_leader_lock_is_exclusive_until_released(app):
    """PostgreSQL: advisory lock; SQLite: flock on a file next to the database."""
    first, second = runner.LeaderLock(app), runner.LeaderLock(app)
    try:
        assert first.acquire()
        assert first.held()
        assert not second.acquire()
        assert not second.acquire()  # a refused attempt holds nothing and can be repeated
        first.release()
        assert second.acquire()
        assert not first.acquire()
    finally:
        first.release()
        second.release()


@pytest.mark.postgres_only
def test_released_lock_does_not_linger_in_the_connection_pool(app):
    """A session lock on a pooled connection would outlive release() and block every other node."""
    def holders():
        with app.app_context():
            n = db.session.execute(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :k"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
                {"k": runner.ADVISORY_KEY}).scalar_one()
            db.session.rollback()
            return n

    lock = runner.LeaderLock(app)
    assert lock.acquire()
    assert holders() == 1
    lock.release()
    assert holders() == 0
    refused = runner.LeaderLock(app)
    with runner.LeaderLock(app) as leader:
        assert leader.acquire()
        assert not refused.acquire()
    assert holders() == 0  # a refused attempt leaves nothing behind either


def test_run_scheduler_stays_idle_while_another_leads(app):
    with runner.LeaderLock(app) as leader:
        assert leader.acquire()
        result = app.test_cli_runner().invoke(args=["run-scheduler"])
    assert result.exit_code == 0
    assert "Планировщик уже запущен на другом узле" in result.output


def test_scheduler_has_the_jobs(app):
    with runner.LeaderLock(app) as lock:
        sched = runner.build_scheduler(app, lock)
        jobs = {j.id: j for j in sched.get_jobs()}
    assert {"dispatch_outbox", "leader_check"} <= set(jobs)
    assert jobs["dispatch_outbox"].trigger.interval.total_seconds() == runner.JOBS["dispatch_outbox"][0]


def test_dispatch_outbox_job_sends_pending_mail(app, smtp_server):
    with app.app_context():
        outbox.queue_email("job-1", email="j@x.ru", subject="Из планировщика", body="Текст")
        db.session.commit()
    result = runner.dispatch_outbox(app)
    assert result == {"sent": 1, "failed": 0}
    assert [m["Subject"] for m in smtp_server.to("j@x.ru")] == ["Из планировщика"]
    with app.app_context():
        assert db.session.execute(select(OutboxMessage.sent_at)).scalar_one() is not None


def test_committed_lifecycle_docs_are_current():
    docs = ROOT / "docs" / "lifecycles"
    expected = docs_gen.expected_files()
    committed = {p.name: p.read_text(encoding="utf-8") for p in docs.glob("*")} if docs.is_dir() else {}
    stale = sorted(name for name in expected.keys() | committed.keys()
                   if expected.get(name) != committed.get(name))
    assert not stale, f"docs/lifecycles is out of date ({', '.join(stale)}): run make diagrams"
    assert "README.md" in committed and "stateDiagram-v2" in committed["user.md"]
