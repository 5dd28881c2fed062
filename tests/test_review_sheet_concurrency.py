"""One expert saves the same score sheet from several windows at the same moment, on separate PostgreSQL
connections: each save is either kept whole or refused in Russian, never a server error."""
import re
import threading
from decimal import Decimal

import pytest
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import AuditEvent
from workflow_app.models.competition import AssignmentStatus, ReviewAssignment, Score

from .helpers import login
from .test_review_sheet import _one_sheet, _sheet_data

WINDOWS = 4
_VERSION = re.compile(r'name="version"[^>]*? value="(\d+)"|value="(\d+)"[^>]*? name="version"')
_CSRF = re.compile(r'name="csrf_token"[^>]*? value="([^"]+)"')


def _save_at_once(app, aid: int, crits, action: dict) -> dict[int, int]:
    """Every window opens the sheet, then all post their own points at once. {points: HTTP status}."""
    url = f"/expert/assignments/{aid}/sheet"
    barrier = threading.Barrier(WINDOWS)
    statuses: dict[int, int] = {}
    errors: list[BaseException] = []

    def window(points: int):
        try:
            client = app.test_client()
            login(client, "x@x.ru")
            page = client.get(url).get_data(as_text=True)
            token = _CSRF.search(page).group(1)
            version = next(g for g in _VERSION.search(page).groups() if g)
            data = _sheet_data(crits, [str(points)] * len(crits)) | action
            barrier.wait(timeout=20)
            resp = client.post(url, data={"csrf_token": token, "version": version, **data})
            statuses[points] = resp.status_code
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=window, args=(n,)) for n in range(1, WINDOWS + 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert len(statuses) == WINDOWS
    assert all(s < 400 or s == 409 for s in statuses.values()), statuses
    return statuses


def _sheet_state(app, aid: int):
    with app.app_context():
        a = db.session.get(ReviewAssignment, aid)
        scores = db.session.execute(select(Score).where(Score.assignment_id == aid)).scalars().all()
        events = db.session.execute(select(AuditEvent).where(
            AuditEvent.object_type == "review_assignment", AuditEvent.object_id == aid)
            .order_by(AuditEvent.id)).scalars().all()
        return a.status, a.total, scores, [(e.event, e.payload) for e in events]


@pytest.mark.postgres_only
@pytest.mark.commits
def test_drafts_saved_at_once_keep_one_whole_sheet_and_never_fail(app):
    aid, _, info, crits = _one_sheet(app)
    _save_at_once(app, aid, crits, {"save": "Сохранить черновик"})
    status, total, scores, events = _sheet_state(app, aid)
    assert status == AssignmentStatus.accepted and total is None
    assert sorted(s.criterion_id for s in scores) == sorted(c.id for c in crits)  # one row per criterion
    kept = {s.points for s in scores}
    assert len(kept) == 1  # every row from the same save, none mixed with another window's
    drafts = [p for e, p in events if e == "score.save_draft"]
    assert drafts, events
    # the sheet holds what the last kept save wrote, and the audit says so
    assert set(drafts[-1]["points"].values()) == {str(kept.pop().quantize(Decimal("0.01")))}


@pytest.mark.postgres_only
@pytest.mark.commits
def test_sheets_sent_at_once_are_submitted_once_with_the_total_of_their_rows(app):
    aid, _, info, crits = _one_sheet(app)
    _save_at_once(app, aid, crits, {"send": "Отправить"})
    status, total, scores, events = _sheet_state(app, aid)
    assert status == AssignmentStatus.submitted
    assert [e for e, _ in events].count("assignment.submit") == 1
    assert len(scores) == len(crits) and len({s.points for s in scores}) == 1
    weights = {cid: w for cid, _, w in info}
    assert total == sum(s.points * weights[s.criterion_id] for s in scores)
