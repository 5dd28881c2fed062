"""`GET|PUT /api/v1/entries/{id}/dossier`: the dossier JSON of «Скачать JSON» / «Загрузить из JSON» over the
API — a real-sized dossier goes in whole and comes back identical, its submitted version prints whole; a PUT
changes only what it gives; unknown sections, stale versions and the web editor's rules are kept."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Organization
from workflow_app.models.competition import Campaign, Entry, EntryStatus
from workflow_app.services.competition import dossier_json

from .api_client import bearer, issue_token
from .data.real_dossier import real_dossier
from .factories import make_entry, make_world
from .helpers import login
from .test_dossier_real import assert_documents_whole, assert_same


@pytest.fixture
def world(app):
    with app.app_context():
        w = make_world()
        w.tokens = {who: issue_token(f"{who}@x.ru") for who in ("appa", "appb", "staff", "coord-krd")}
    return w


def url(world, entry_id: int | None = None) -> str:
    return f"/api/v1/entries/{entry_id or world.entry_id}/dossier"


def get(client, world, who: str, entry_id: int | None = None):
    return client.get(url(world, entry_id), headers=bearer(world.tokens[who]))


def put(client, world, who: str, body, entry_id: int | None = None):
    return client.put(url(world, entry_id), headers=bearer(world.tokens[who]), json=body)


def stored(app, entry_id: int) -> dict:
    with app.app_context():
        return dossier_json.dossier_to_json(db.session.get(Entry, entry_id))


def test_real_dossier_goes_in_whole_comes_back_identical_and_prints_whole(app, client, world):
    want = real_dossier()
    resp = put(client, world, "appa", want)
    assert resp.status_code == 200, resp.get_json()
    assert_same(resp.get_json(), want)
    got = get(client, world, "appa")
    assert got.status_code == 200 and got.mimetype == "application/json"
    assert_same(got.get_json(), want)
    # the web's «Скачать JSON» for the same entry is the same JSON, key for key
    login(client, "appa@x.ru")
    web = json.loads(client.get(f"/entries/{world.entry_id}/dossier.json").get_data(as_text=True))
    assert web == got.get_json()

    resp = client.post(f"/api/v1/entries/{world.entry_id}/submit", headers=bearer(world.tokens["appa"]))
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["current_version"] == 1
    base = f"/api/v1/entries/{world.entry_id}/versions/1"
    pdf = client.get(f"{base}.pdf", headers=bearer(world.tokens["appa"]))
    docx = client.get(f"{base}.docx", headers=bearer(world.tokens["appa"]))
    assert pdf.status_code == docx.status_code == 200
    with app.app_context():
        schema = db.session.get(Entry, world.entry_id).campaign.dossier_schema
    assert_documents_whole(pdf.data, docx.data, want, schema)
    # after submission the applicant reads the submitted version, which is the same dossier
    assert_same(get(client, world, "appa").get_json(), want)


def test_put_changes_only_the_sections_and_title_fields_given(app, client, world):
    before = stored(app, world.entry_id)
    text = "Первый абзац  с двойным пробелом,\nвторая строка.\n\nВторой абзац «ѐлочка» № 5 — конец."
    plan = {"code": "6", "columns": ["№", "Год", "Мероприятие", "Сроки"],
            "rows": [["НАПРАВЛЕНИЕ 1", "", "", ""], ["1.1", "2026", "Семинар\nи вебинар", "март"],
                     ["", "", "(продолжение)", ""]],
            "row_kinds": ["group", "data", "continuation"]}
    resp = put(client, world, "appa", {"title_page": {"theme": "Новая тема"},
                                        "sections": [{"code": "1.1", "text": text}, plan]})
    assert resp.status_code == 200, resp.get_json()
    after = stored(app, world.entry_id)
    assert resp.get_json() == after
    assert after["title_page"] == {**before["title_page"], "theme": "Новая тема"}
    changed = {s["code"]: s for s in after["sections"]}
    assert changed["1.1"] == {"code": "1.1", "text": text}  # exactly as sent
    assert changed["6"] == plan
    untouched = [(b, a) for b, a in zip(before["sections"], after["sections"], strict=True)
                 if b["code"] not in ("1.1", "6")]
    assert untouched and all(b == a for b, a in untouched)
    with app.app_context():
        event = db.session.execute(select(AuditEvent).where(AuditEvent.event == "entry.dossier_imported")
                                   .order_by(AuditEvent.id.desc())).scalars().first()
        assert event is not None and event.payload["sections"] == ["1.1", "6"]


def test_unknown_section_code_is_a_422_that_names_it_and_changes_nothing(app, client, world):
    before = stored(app, world.entry_id)
    resp = put(client, world, "appa", {"title_page": {"theme": "Не сохранится"},
                                        "sections": [{"code": "1.1", "text": "Не сохранится"},
                                                     {"code": "9.9", "text": "Лишний раздел"}]})
    assert resp.status_code == 422
    body = resp.get_json()
    assert "9.9" in body["fields"] and "«9.9»" in body["fields"]["9.9"] and "9.9" in body["error"]
    assert stored(app, world.entry_id) == before
    # a field outside the contract is named too
    resp = put(client, world, "appa", {"sections": [{"code": "1.1", "html": "<p>x</p>"}]})
    assert resp.status_code == 422 and resp.get_json()["fields"]
    # a table where the form allows text only names the section
    resp = put(client, world, "appa", {"sections": [{"code": "1.1", "columns": ["А"], "rows": [["б"]],
                                                      "row_kinds": ["data"]}]})
    assert resp.status_code == 422 and set(resp.get_json()["fields"]) == {"1.1"}
    assert stored(app, world.entry_id) == before


def test_stale_expected_version_is_a_409_and_changes_nothing(app, client, world):
    with app.app_context():
        version = db.session.get(Entry, world.entry_id).version
    body = {"sections": [{"code": "1.1", "text": "Первая правка"}], "expected_version": version}
    assert put(client, world, "appa", body).status_code == 200
    before = stored(app, world.entry_id)
    resp = put(client, world, "appa", {**body, "sections": [{"code": "1.1", "text": "Вторая правка"}]})
    assert resp.status_code == 409 and resp.get_json()["error"]
    assert stored(app, world.entry_id) == before
    with app.app_context():
        now = db.session.get(Entry, world.entry_id).version
    assert put(client, world, "appa", {**body, "expected_version": now}).status_code == 200


def test_who_may_read_and_write_as_the_web_editor(app, client, world):
    with app.app_context():
        c = db.session.get(Campaign, world.campaign_id)
        org_b = db.session.get(Organization, world.org_b)
        paper = make_entry(c, org_b, "ОО", on_paper=True).id
        own_b = make_entry(c, org_b, "ОО").id
        db.session.commit()
    change = {"sections": [{"code": "1.1", "text": "Правка"}]}
    assert client.get(url(world)).status_code == 401
    assert client.put(url(world), json=change).status_code == 401
    assert get(client, world, "appa", 999999).status_code == 404
    assert put(client, world, "appa", change, 999999).status_code == 404
    # another organisation's applicant: the entry exists but is not theirs
    assert get(client, world, "appb").status_code == 403
    assert put(client, world, "appb", change).status_code == 403
    # the coordinator of the municipality reads, never writes
    assert get(client, world, "coord-krd").status_code == 200
    assert put(client, world, "coord-krd", change).status_code == 403
    # staff read every entry, write only an entry received on paper
    assert get(client, world, "staff").status_code == 200
    assert put(client, world, "staff", change).status_code == 403
    assert put(client, world, "staff", change, own_b).status_code == 403
    resp = put(client, world, "staff", change, paper)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["sections"][0] == {"code": "1.1", "text": "Правка"}
    # and the organisation's applicant still fills in its own paper entry
    assert put(client, world, "appb", change, paper).status_code == 200
    # a submitted entry is no longer editable
    with app.app_context():
        db.session.get(Entry, world.entry_id).status = EntryStatus.submitted
        db.session.commit()
    before = stored(app, world.entry_id)
    resp = put(client, world, "appa", change)
    assert resp.status_code == 403 and resp.get_json()["error"]
    assert stored(app, world.entry_id) == before
