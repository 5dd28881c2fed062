"""Who may see and do what with an entry, through the web layer (direct URLs included)."""
import pytest
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import User
from workflow_app.models.competition import Entry, EntryStatus
from workflow_app.services.competition import dossier as svc

from .factories import TITLE, make_world
from .helpers import login, post_form

SECRET = "Секретный раздел 2.2 только для своих"


def _user(email):
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


@pytest.fixture
def world(app):
    with app.app_context():
        w = make_world()
        e = db.session.get(Entry, w.entry_id)
        e.dossier = dict(e.dossier, **{"2.2": f"<p>{SECRET}</p>"})
        db.session.flush()
        svc.submit(_user("appa@x.ru"), e)  # version 1 with its PDF
        db.session.commit()
    return w


# who: (view page, download version PDF, may admit)
MATRIX = [
    ("appa@x.ru", 200, 200, False),        # applicant of the entry's organisation
    ("appb@x.ru", 403, 403, False),        # applicant of another organisation
    ("coord-krd@x.ru", 200, 200, False),   # coordinator of the entry's municipality: read only
    ("coord-sochi@x.ru", 403, 403, False),  # coordinator of another municipality
    ("expert@x.ru", 403, 403, False),      # expert (reads dossiers only through assignments)
    ("staff@x.ru", 200, 200, True),
]


@pytest.mark.parametrize("email,view,pdf,admits", MATRIX, ids=[m[0].split("@")[0] for m in MATRIX])
def test_entry_access_matrix(app, client, world, email, view, pdf, admits):
    login(client, email)
    page = client.get(f"/entries/{world.entry_id}")
    assert page.status_code == view
    body = page.get_data(as_text=True)
    assert (SECRET in body) == (view == 200)
    assert (TITLE in body) == (view == 200)  # a refusal leaks nothing
    assert client.get(f"/entries/{world.entry_id}/versions/1.pdf").status_code == pdf
    assert client.get(f"/entries/{world.entry_id}/diff").status_code == (200 if admits else 403)
    assert client.get(f"/entries/{world.entry_id + 999}").status_code == 404

    if admits:
        resp = post_form(client, f"/entries/{world.entry_id}/admit", {}, form_url=f"/entries/{world.entry_id}")
        assert resp.status_code == 302
    else:  # a hand-made POST with a valid token of this session
        resp = client.post(f"/entries/{world.entry_id}/admit", data={"csrf_token": _token(client)})
        assert resp.status_code == 403
    with app.app_context():
        status = db.session.get(Entry, world.entry_id).status
    assert status == (EntryStatus.admitted if admits else EntryStatus.submitted)


def _token(client):
    import re

    page = client.get("/notices").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_applicant_cannot_edit_or_withdraw_another_orgs_entry(app, client):
    with app.app_context():
        w = make_world()
    login(client, "appb@x.ru")
    assert client.get(f"/entries/{w.entry_id}/edit").status_code == 403
    token = _token(client)
    resp = client.post(f"/entries/{w.entry_id}/edit", data={"csrf_token": token, "title": "Взлом"})
    assert resp.status_code == 403
    resp = client.post(f"/entries/{w.entry_id}/withdraw", data={"csrf_token": token, "reason": "x"})
    assert resp.status_code == 403
    resp = client.post(f"/entries/{w.entry_id}/submit", data={"csrf_token": token})
    assert resp.status_code == 403
    # their own list does not show it either
    assert TITLE not in client.get("/entries/").get_data(as_text=True)
    with app.app_context():
        e = db.session.get(Entry, w.entry_id)
        assert (e.title, e.status) == (TITLE, EntryStatus.draft)


def test_coordinator_is_read_only_and_sees_only_their_municipality(app, client):
    with app.app_context():
        w = make_world()
    login(client, "coord-krd@x.ru")
    assert client.get(f"/entries/{w.entry_id}/edit").status_code == 403
    listing = client.get("/entries/municipal").get_data(as_text=True)
    assert TITLE in listing
    page = client.get(f"/entries/{w.entry_id}").get_data(as_text=True)
    assert "Техническая экспертиза" not in page and "Редактировать заявку" not in page
    assert client.get(f"/entries/campaign/{w.campaign_id}").status_code == 403
    client.post("/logout", data={"csrf_token": _token(client)})
    login(client, "coord-sochi@x.ru")
    assert TITLE not in client.get("/entries/municipal").get_data(as_text=True)


def test_staff_lists_and_actions_are_denied_to_applicants(app, client):
    with app.app_context():
        w = make_world()
    login(client, "appa@x.ru")
    assert client.get(f"/entries/campaign/{w.campaign_id}").status_code == 403
    assert client.get("/entries/staff").status_code == 403
    assert client.get(f"/entries/campaign/{w.campaign_id}?export=xlsx").status_code == 403
    token = _token(client)
    for action in ("return", "reject", "extend"):
        assert client.post(f"/entries/{w.entry_id}/{action}", data={"csrf_token": token}).status_code == 403
