"""Two staff members act on one entry at the same moment, on two PostgreSQL connections."""
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from workflow_app.errors import ConcurrentChange
from workflow_app.extensions import db
from workflow_app.models import AuditEvent, OutboxMessage, User
from workflow_app.models.competition import Entry, EntryStatus
from workflow_app.services.competition import dossier as svc
from workflow_app.services.competition import entry_check

from .factories import make_world


@pytest.mark.postgres_only
@pytest.mark.commits
def test_admit_and_return_at_once_exactly_one_wins(app):
    with app.app_context():
        w = make_world()
        applicant = db.session.execute(select(User).where(User.email == "appa@x.ru")).scalar_one()
        svc.submit(applicant, db.session.get(Entry, w.entry_id))
        db.session.commit()

    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def act(name: str, email: str):
        with app.app_context():  # its own session, its own connection
            try:
                user = db.session.execute(select(User).where(User.email == email)).scalar_one()
                entry = db.session.get(Entry, w.entry_id)
                seen = entry.version  # what this staff member saw on the page
                barrier.wait(timeout=10)
                if name == "admit":
                    entry_check.admit(user, entry, expected_version=seen)
                else:
                    entry_check.return_for_correction(user, entry, "Исправить раздел 6",
                                                      date.today() + timedelta(days=5), expected_version=seen)
                db.session.commit()
                outcome[name] = "won"
            except ConcurrentChange as exc:
                db.session.rollback()
                outcome[name] = exc.message
            finally:
                db.session.remove()

    threads = [threading.Thread(target=act, args=("admit", "staff@x.ru")),
               threading.Thread(target=act, args=("return", "staff2@x.ru"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcome) == ["admit", "return"]
    winners = [k for k, v in outcome.items() if v == "won"]
    assert len(winners) == 1
    loser = "return" if winners == ["admit"] else "admit"
    assert "изменена другим пользователем" in outcome[loser]
    with app.app_context():
        e = db.session.get(Entry, w.entry_id)
        assert e.status == (EntryStatus.admitted if winners == ["admit"] else EntryStatus.returned)
        events = db.session.execute(select(AuditEvent.event).where(
            AuditEvent.object_type == "entry", AuditEvent.event != "entry.submit")).scalars().all()
        assert len(events) == 1 and events[0] == f"entry.{'admit' if winners == ['admit'] else 'return_for_correction'}"
        # the loser's notices were rolled back with its transition
        subjects = db.session.execute(select(OutboxMessage.subject)).scalars().all()
        assert all(("допущена" in s) == (winners == ["admit"]) for s in subjects)
        assert db.session.execute(select(func.count(OutboxMessage.id))).scalar_one() == 4  # 2 users × 2 channels
