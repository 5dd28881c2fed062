"""Who may open which appeal page: role × ownership through the web (a denied page shows nothing of the
appeal), and the database's own checks on an appeal's decision."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
import time_machine
from sqlalchemy.exc import IntegrityError

from workflow_app.extensions import db
from workflow_app.models import Role
from workflow_app.services.appeals import filing

from .factories import make_user
from .helpers import login, pdf_bytes, post_form, upload
from .test_appeals_flow import WITHIN, decided_world

GROUNDS = "Секретные основания апелляции"
A, D = True, False
# url → allowed for (own applicant, other applicant, expert, staff, admin)
MATRIX = {
    "/appeals":                       (D, D, D, A, A),
    "/appeals/list?campaign={cid}":   (D, D, D, A, A),
    "/appeals/{aid}":                 (A, D, D, A, A),
    "/appeals/{aid}/files/{fid}":     (A, D, D, A, A),
    "/entries/{eid}/appeal":          (A, D, D, D, D),
    "/admin/calendar":                (D, D, D, D, A),
}
WHO = ["appb@x.ru", "appa@x.ru", "expert@x.ru", "staff@x.ru", "admin@x.ru"]


@pytest.fixture
def world(app):
    with app.app_context():
        w = decided_world()
        make_user("expert@x.ru", Role.expert)
        with time_machine.travel(WITHIN, tick=False):
            appeal = filing.submit_appeal(w.applicant, w.entries["B"], grounds=GROUNDS,
                                          uploads=[upload(pdf_bytes("Довод"), "довод.pdf")])
        ids = {"cid": w.campaign.id, "aid": appeal.id, "fid": appeal.attachments[0].file_id,
               "eid": w.entries["B"].id}
        db.session.commit()
    return ids


@pytest.mark.parametrize("who", WHO)
def test_appeal_pages_by_role(app, world, who):
    client = app.test_client()
    login(client, who)
    col = WHO.index(who)
    problems = []
    for template, allowed in MATRIX.items():
        url = template.format(**world)
        with time_machine.travel(WITHIN, tick=False):
            resp = client.get(url)
        body = resp.get_data(as_text=True) if resp.mimetype == "text/html" else ""
        if allowed[col] and resp.status_code != 200:
            problems.append(f"{url}: expected 200, got {resp.status_code}")
        if not allowed[col] and (resp.status_code not in (403, 404) or GROUNDS in body):
            problems.append(f"{url}: expected 403/404 without the appeal, got {resp.status_code}")
    assert problems == []


def test_an_applicant_cannot_decide_and_staff_cannot_withdraw(app, world):
    applicant, staff = app.test_client(), app.test_client()
    login(applicant, "appb@x.ru")
    login(staff, "staff@x.ru")
    url = f"/appeals/{world['aid']}"
    assert post_form(applicant, f"{url}/decision", {"outcome": "rejected", "reason": "Сам", "confirm": "y",
                                                     "version": "1"}, form_url=url).status_code == 403
    assert post_form(staff, f"{url}/withdraw", {"version": "1"}, form_url=url).status_code == 403


def test_the_database_refuses_a_decision_without_its_time_or_reason(ctx, world):
    aid = world["aid"]
    for sql, name in [
        ("UPDATE appeal SET status = 'rejected', decision_reason = 'Нет' WHERE id = :id", "decided_at_iff_decided"),
        ("UPDATE appeal SET status = 'rejected', decided_at = CURRENT_TIMESTAMP WHERE id = :id",
         "decision_has_reason"),
        ("UPDATE appeal SET decided_at = CURRENT_TIMESTAMP WHERE id = :id", "decided_at_iff_decided"),
    ]:
        with pytest.raises(IntegrityError, match=name):
            db.session.execute(sa.text(sql), {"id": aid})
            db.session.flush()
        db.session.rollback()
    db.session.execute(sa.text("UPDATE appeal SET status = 'rejected', decided_at = CURRENT_TIMESTAMP, "
                               "decision_reason = 'Обосновано' WHERE id = :id"), {"id": aid})
    db.session.flush()


def test_the_staff_list_takes_the_same_queries_for_a_page_of_one_or_of_many(app, world):
    from sqlalchemy import event

    with app.app_context():
        from workflow_app.models.appeal import Appeal
        from workflow_app.models.competition import Entry

        first = db.session.get(Appeal, world["aid"])
        for code in ("A", "C", "E"):
            entry = db.session.execute(sa.select(Entry).where(Entry.title == f"Проект {code}")).scalar_one()
            db.session.add(Appeal(campaign_id=first.campaign_id, entry_id=entry.id, stage_id=first.stage_id,
                                  grounds="Основания", submitted_at=first.submitted_at,
                                  decision_due_at=first.decision_due_at))
        db.session.commit()
        engine = db.engine
    client = app.test_client()
    login(client, "staff@x.ru")
    url = f"/appeals/list?campaign={world['cid']}"
    client.get(url)  # warm-up
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        one = client.get(url + "&per_page=1")
        n_one = len(statements)
        statements.clear()
        many = client.get(url + "&per_page=50")
        n_many = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert one.status_code == many.status_code == 200
    assert many.get_data(as_text=True).count("/appeals/") >= 4
    assert n_many == n_one


def test_the_database_keeps_one_live_appeal_per_entry_and_stage(ctx, world):
    """Even past the service's check (two requests at once), a second live appeal cannot be stored."""
    row = {"aid": world["aid"]}
    insert = ("INSERT INTO appeal (campaign_id, entry_id, stage_id, status, grounds, submitted_at, "
              "decision_due_at, decision_reason, changes, created_at, updated_at, version) "
              "SELECT campaign_id, entry_id, stage_id, :status, 'Ещё', submitted_at, decision_due_at, '', '{}', "
              "created_at, updated_at, 1 FROM appeal WHERE id = :aid")
    with pytest.raises(IntegrityError, match="uq_appeal_entry_stage_live|UNIQUE"):
        db.session.execute(sa.text(insert), {**row, "status": "submitted"})
        db.session.flush()
    db.session.rollback()
    db.session.execute(sa.text(insert), {**row, "status": "withdrawn"})  # a withdrawn one may sit beside it
    db.session.flush()
