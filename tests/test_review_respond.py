"""The expert answers an offer: accept, decline (reason) or declare a conflict (reason) — the last two
offer the entry to the next best expert and tell staff."""
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import AuditEvent, OutboxMessage, Role
from workflow_app.models.competition import AssignmentStatus, ExpertConflict

from .factories import accepted, admitted_entry, assignments_of, make_campaign, make_expert, make_user, review_stage
from .helpers import login, post_form


def _setup(app):
    with app.app_context():
        c = make_campaign(experts_per_entry=1)
        e = admitted_entry(c)
        s = review_stage(c)
        first = make_expert("first@x.ru")
        second = make_expert("second@x.ru", "anapa")
        a = accepted(e, s, first, status=AssignmentStatus.offered)
        make_user("staff@x.ru", Role.staff)
        db.session.commit()
        return e.id, a.id, second.id, e.organization_id


def test_accept_opens_the_sheet(app, client):
    eid, aid, _, _ = _setup(app)
    login(client, "first@x.ru")
    resp = post_form(client, f"/expert/assignments/{aid}/respond/accept", {}, form_url=f"/expert/assignments/{aid}")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/expert/assignments/{aid}/sheet")
    with app.app_context():
        assert [a.status for a in assignments_of(eid)] == [AssignmentStatus.accepted]


def test_decline_needs_a_reason_then_offers_a_replacement(app, client):
    eid, aid, second_id, _ = _setup(app)
    login(client, "first@x.ru")
    resp = post_form(client, f"/expert/assignments/{aid}/respond/decline", {"reason": ""},
                     form_url=f"/expert/assignments/{aid}")
    assert resp.status_code == 302
    with app.app_context():
        assert [a.status for a in assignments_of(eid)] == [AssignmentStatus.offered]

    post_form(client, f"/expert/assignments/{aid}/respond/decline", {"reason": "болею"},
              form_url=f"/expert/assignments/{aid}")
    with app.app_context():
        old, new = assignments_of(eid)
        assert old.status == AssignmentStatus.declined
        assert new.expert_id == second_id and new.status == AssignmentStatus.offered
        assert new.explanation["mode"] == "replacement" and new.explanation["replaces"] == aid
        subjects = db.session.execute(select(OutboxMessage.subject, OutboxMessage.recipient_email)).all()
        assert any(r == "staff@x.ru" and "Замена эксперта" in s for s, r in subjects)
        assert any(r == "second@x.ru" for _, r in subjects)
        ev = db.session.execute(select(AuditEvent).where(AuditEvent.event == "assignment.decline")).scalar_one()
        assert ev.reason == "болею"


def test_conflict_is_recorded_and_excludes_the_expert_from_that_organisation(app, client):
    eid, aid, second_id, org_id = _setup(app)
    login(client, "first@x.ru")
    post_form(client, f"/expert/assignments/{aid}/respond/declare_conflict", {"reason": "работал там"},
              form_url=f"/expert/assignments/{aid}")
    with app.app_context():
        old, new = assignments_of(eid)
        assert old.status == AssignmentStatus.conflict and new.expert_id == second_id
        conflict = db.session.execute(select(ExpertConflict)).scalar_one()
        assert (conflict.expert_id, conflict.organization_id, conflict.reason) == (old.expert_id, org_id, "работал там")


def test_no_replacement_tells_staff(app, client):
    with app.app_context():
        c = make_campaign(experts_per_entry=1)
        e = admitted_entry(c)
        only = make_expert("only@x.ru")
        a = accepted(e, review_stage(c), only, status=AssignmentStatus.offered)
        make_user("staff@x.ru", Role.staff)
        db.session.commit()
        aid, eid = a.id, e.id
    login(client, "only@x.ru")
    post_form(client, f"/expert/assignments/{aid}/respond/decline", {"reason": "нет времени"},
              form_url=f"/expert/assignments/{aid}")
    with app.app_context():
        assert len(assignments_of(eid)) == 1
        subjects = db.session.execute(select(OutboxMessage.subject).where(
            OutboxMessage.recipient_email == "staff@x.ru")).scalars().all()
        assert any("Нет замены эксперту" in s for s in subjects)


def test_an_expert_cannot_answer_for_another(app, client):
    eid, aid, _, _ = _setup(app)
    login(client, "second@x.ru")
    assert client.get(f"/expert/assignments/{aid}").status_code == 403
    assert client.get(f"/expert/assignments/{aid}/sheet").status_code == 403
    resp = client.post(f"/expert/assignments/{aid}/respond/accept", data={"csrf_token": _token(client)})
    assert resp.status_code == 403
    with app.app_context():
        assert [a.status for a in assignments_of(eid)] == [AssignmentStatus.offered]


def _token(client) -> str:
    import re

    page = client.get("/").get_data(as_text=True)
    m = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert m
    return m.group(1)
