"""The JSON API's endpoints as their public contract: campaigns, organisations, entries (create, list and
search, read, submit, version PDF/DOCX), each answering only what policy lets the token's user see."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Organization, OrgType
from workflow_app.models.competition import Campaign, CampaignStatus, Entry, EntryStatus, EntryVersion
from workflow_app.services.competition import dossier as svc

from .api_client import bearer, issue_token
from .factories import make_campaign, make_entry, make_org, make_world
from .helpers import docx_text, pdf_text


@pytest.fixture
def world(app):
    with app.app_context():
        w = make_world(entries_per_org=2)
        w.tokens = {who: issue_token(f"{who}@x.ru") for who in (
            "appa", "appb", "staff", "expert", "coord-sochi")}
    return w


def get(client, world, who: str, url: str):
    return client.get(url, headers=bearer(world.tokens[who]))


def post(client, world, who: str, url: str, **kw):
    return client.post(url, headers=bearer(world.tokens[who]), **kw)


# --- campaigns -------------------------------------------------------------------------------------

def test_campaigns_with_stages_and_tracks_and_their_codes(app, client, world):
    with app.app_context():
        make_campaign("Черновик конкурса", status=CampaignStatus.draft)
        make_campaign("Конкурс прошлого года", year=2025, status=CampaignStatus.closed)
        db.session.commit()
    body = get(client, world, "appa", "/api/v1/campaigns?state=open").get_json()
    assert body["total"] == 1
    (c,) = body["items"]
    assert c["id"] == world.campaign_id and c["state"] == "open" and c["state_label"] == "Приём заявок"
    assert c["kind"] == "innovation_search" and c["kind_label"] == "Инновационный поиск"
    assert c["applicant_kind"] == "organization"
    oo = next(t for t in c["tracks"] if t["code"] == "ОО")
    assert oo == {"code": "ОО", "name": "Общеобразовательные организации", "org_types": ["OO"]}
    assert {"code": "СОО_ПОО", "name": "СОО и ПОО", "org_types": ["SOO", "POO"]} in c["tracks"]
    submission = next(s for s in c["stages"] if s["kind"] == "submission")
    assert submission["title"] == "Приём заявок (заочный этап)" and submission["deadline"].endswith("+00:00")

    # a draft is staff's business; announced ones are everyone's, newest year first
    names = [c["name"] for c in get(client, world, "appa", "/api/v1/campaigns").get_json()["items"]]
    assert names == ["Инновационный поиск 2026", "Конкурс прошлого года"]
    staff = get(client, world, "staff", "/api/v1/campaigns").get_json()
    assert staff["total"] == 3 and "Черновик конкурса" in [c["name"] for c in staff["items"]]
    assert get(client, world, "appa", "/api/v1/campaigns?state=draft").get_json() == {"items": [], "total": 0}


def test_lists_are_paginated_with_caps_and_a_stable_order(app, client, world):
    with app.app_context():
        for year in (2020, 2021, 2022):
            make_campaign(f"Конкурс {year}", year=year, status=CampaignStatus.closed)
        db.session.commit()
    url = "/api/v1/campaigns?per_page=2"
    first, second = (get(client, world, "staff", f"{url}&page={n}").get_json() for n in (1, 2))
    assert first["total"] == second["total"] == 4
    ids = [c["id"] for c in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 4
    assert get(client, world, "staff", f"{url}&page=1").get_json() == first  # same order every time
    assert get(client, world, "staff", f"{url}&page=3").get_json() == {"items": [], "total": 4}
    resp = get(client, world, "staff", "/api/v1/campaigns?per_page=101")
    assert resp.status_code == 422
    assert resp.get_json()["fields"] == {"per_page": "На странице — от 1 до 100 записей."}
    resp = get(client, world, "staff", "/api/v1/campaigns?state=someday")
    assert resp.status_code == 422 and resp.get_json()["fields"]["state"].startswith("Допустимые значения: draft")
    resp = get(client, world, "staff", "/api/v1/campaigns?page=x")
    assert resp.get_json()["fields"] == {"page": "Нужно целое число."}


# --- organisations ---------------------------------------------------------------------------------

def test_organizations_searched_within_what_the_user_sees(app, client, world):
    with app.app_context():
        make_org("МАДОУ Детский сад № 5 «Ёлочка»", "krasnodar", OrgType.DOO, inn="2312012345")
        db.session.commit()
    mine = get(client, world, "appa", "/api/v1/organizations").get_json()
    assert [o["id"] for o in mine["items"]] == [world.org_a] and mine["total"] == 1
    o = mine["items"][0]
    assert o["short_name"] == "МБОУ СОШ № 1" and o["full_name"] == "МБОУ СОШ № 1 полное"
    assert o["type"] == "OO" and o["type_label"] == "ОО" and o["municipality"]["name"] == "город Краснодар"

    found = get(client, world, "staff", "/api/v1/organizations?q=ёлочка").get_json()
    assert [o["short_name"] for o in found["items"]] == ["МАДОУ Детский сад № 5 «Ёлочка»"]
    assert get(client, world, "staff", "/api/v1/organizations?q=2312012345").get_json()["total"] == 1
    assert get(client, world, "staff", "/api/v1/organizations?type=DOO").get_json()["total"] == 1
    assert get(client, world, "expert", "/api/v1/organizations").get_json() == {"items": [], "total": 0}
    sochi = get(client, world, "coord-sochi", "/api/v1/organizations").get_json()
    assert [o["id"] for o in sochi["items"]] == [world.org_b]


# --- creating entries ------------------------------------------------------------------------------

def test_the_applicant_creates_an_entry_by_track_code(app, client, world):
    url = f"/api/v1/campaigns/{world.campaign_id}/entries"
    resp = post(client, world, "appa", url, json={"organization_id": world.org_a, "track": "ОО"})
    assert resp.status_code == 201, resp.get_json()
    new_id = resp.get_json()["id"]
    with app.app_context():
        e = db.session.get(Entry, new_id)
        assert (e.organization_id, e.track.code, e.status) == (world.org_a, "ОО", EntryStatus.draft)
        row = db.session.execute(select(AuditEvent).where(AuditEvent.event == "entry.create",
                                                          AuditEvent.object_id == new_id)).scalar_one()
        assert row.actor_id is not None
    got = get(client, world, "appa", f"/api/v1/entries/{new_id}").get_json()
    assert got["code"] == e.code and got["state"] == "draft" and got["track"] == "ОО"


@pytest.mark.parametrize("body, field, message", [
    ({"organization_id": 999999, "track": "ОО"}, "organization_id", "Нет такой организации среди доступных вам."),
    ({"track": "ОО"}, "organization_id", "Обязательное поле."),
    ({"organization_id": "1", "track": "ОО"}, "organization_id", "Нужно целое число."),
    ({"organization_id": -1, "track": None}, "track", "Поле не может быть null."),
    ({"organization_id": 2**63, "track": "ОО"}, "organization_id", "Нужно целое число от 1 до 2147483647."),
    ({"organization_id": 1, "track": "ОО", "extra": 1}, "extra", "Неизвестное поле."),
])
def test_create_entry_names_the_wrong_field(app, client, world, body, field, message):
    with app.app_context():
        before = db.session.query(Entry).count()
    resp = post(client, world, "appa", f"/api/v1/campaigns/{world.campaign_id}/entries", json=body)
    assert resp.status_code == 422 and resp.get_json()["fields"][field] == message
    with app.app_context():
        assert db.session.query(Entry).count() == before


def test_create_entry_refusals(app, client, world):
    url = f"/api/v1/campaigns/{world.campaign_id}/entries"
    resp = post(client, world, "appa", url, json={"organization_id": world.org_a, "track": "ДОО"})
    assert resp.status_code == 422 and "типа «ОО» не могут участвовать" in resp.get_json()["error"]
    resp = post(client, world, "appa", url, json={"organization_id": world.org_a, "track": "нет"})
    assert resp.status_code == 422 and resp.get_json()["fields"]["track"].startswith("В конкурсе нет направления")
    # another organisation's applicant cannot even tell that organisation exists
    resp = post(client, world, "appb", url, json={"organization_id": world.org_a, "track": "ОО"})
    assert resp.status_code == 422 and "organization_id" in resp.get_json()["fields"]
    # an expert sees no organisation; a coordinator sees them but does not apply
    assert post(client, world, "expert", url, json={"organization_id": world.org_b, "track": "ОО"}).status_code == 422
    resp = post(client, world, "coord-sochi", url, json={"organization_id": world.org_b, "track": "ОО"})
    assert resp.status_code == 403 and resp.get_json()["error"].startswith("Создавать заявки может")
    assert post(client, world, "appa", "/api/v1/campaigns/999999/entries",
                json={"organization_id": world.org_a, "track": "ОО"}).status_code == 404
    with app.app_context():
        db.session.get(Campaign, world.campaign_id).status = CampaignStatus.review
        db.session.commit()
    resp = post(client, world, "appa", url, json={"organization_id": world.org_a, "track": "ОО"})
    assert resp.status_code == 422 and "не ведётся" in resp.get_json()["error"]


def test_staff_register_a_paper_entry(app, client, world):
    resp = post(client, world, "staff", f"/api/v1/campaigns/{world.campaign_id}/entries",
                json={"organization_id": world.org_b, "track": "ОО"})
    assert resp.status_code == 201, resp.get_json()
    with app.app_context():
        entry = db.session.get(Entry, resp.get_json()["id"])
        assert entry.organization_id == world.org_b and entry.on_paper


def test_malformed_json_is_400_and_a_non_object_is_422(app, client, world):
    url = f"/api/v1/campaigns/{world.campaign_id}/entries"
    resp = post(client, world, "appa", url, data=b'{"organization_id": ', content_type="application/json")
    assert resp.status_code == 400 and resp.mimetype == "application/json"
    assert resp.get_json()["error"].startswith("Запрос не удалось разобрать")
    resp = post(client, world, "appa", url, json=[1, 2])
    assert resp.status_code == 422 and resp.get_json()["fields"] == {"body": "Тело запроса должно быть объектом JSON."}


# --- listing and reading entries ---------------------------------------------------------------------

def test_entries_list_shows_only_what_the_user_may_see(app, client, world):
    with app.app_context():
        c = db.session.get(Campaign, world.campaign_id)
        b = make_entry(c, db.session.get(Organization, world.org_b), title="Цифровая школа Сочи")
        other = make_campaign("Другой конкурс")
        make_entry(other, db.session.get(Organization, world.org_a), title="Другое")
        db.session.commit()
        b_id, b_code = b.id, b.code
    mine = get(client, world, "appa", "/api/v1/entries").get_json()
    assert mine["total"] == 2 and b_id not in [e["id"] for e in mine["items"]]
    assert get(client, world, "appa", f"/api/v1/entries?campaign={world.campaign_id}").get_json()["total"] == 1
    resp = get(client, world, "appa", "/api/v1/entries?campaign=99999999999")
    assert resp.status_code == 422
    assert resp.get_json()["fields"] == {"campaign": "Нужно целое число от 1 до 2147483647."}
    assert [e["id"] for e in get(client, world, "coord-sochi", "/api/v1/entries").get_json()["items"]] == [b_id]
    assert get(client, world, "expert", "/api/v1/entries").get_json() == {"items": [], "total": 0}
    staff = get(client, world, "staff", f"/api/v1/entries?campaign={world.campaign_id}&q=сочи").get_json()
    assert [e["code"] for e in staff["items"]] == [b_code]
    assert get(client, world, "staff", f"/api/v1/entries?q={b_code}").get_json()["items"][0]["id"] == b_id
    item = staff["items"][0]
    assert item["organization"] == {"id": world.org_b, "short_name": "МОБУ СОШ № 8"}
    assert item["campaign_id"] == world.campaign_id and item["current_version"] == 0


def test_reading_an_entry_is_404_when_missing_and_403_when_not_allowed(app, client, world):
    url = f"/api/v1/entries/{world.entry_id}"
    assert get(client, world, "appa", url).status_code == 200
    assert get(client, world, "staff", url).status_code == 200
    for who in ("appb", "expert", "coord-sochi"):
        resp = get(client, world, who, url)
        assert resp.status_code == 403 and resp.get_json()["error"] == "Недостаточно прав для этого действия."
    resp = get(client, world, "appa", "/api/v1/entries/2147483647")
    assert resp.status_code == 404 and resp.get_json()["error"].startswith("Не найдено")
    assert get(client, world, "appa", "/api/v1/entries/2147483648").status_code == 404  # past INTEGER


# --- submission and versions --------------------------------------------------------------------------

def test_submit_refuses_an_incomplete_entry_naming_what_is_missing(app, client, world):
    with app.app_context():
        e = db.session.get(Entry, world.entry_id)
        e.title, e.team = "", []
        db.session.commit()
        expected = svc.missing(e)
    resp = post(client, world, "appa", f"/api/v1/entries/{world.entry_id}/submit")
    assert resp.status_code == 422
    body = resp.get_json()
    assert body["fields"]["missing"] == expected == ["Не указана тема проекта.", "Не указан состав команды проекта."]
    assert body["error"].startswith("Заявка заполнена не полностью")
    with app.app_context():
        assert db.session.get(Entry, world.entry_id).status == EntryStatus.draft


def test_submit_then_download_the_frozen_version(app, client, world):
    url = f"/api/v1/entries/{world.entry_id}"
    assert post(client, world, "appb", f"{url}/submit").status_code == 403
    assert post(client, world, "staff", f"{url}/submit").status_code == 403  # staff do not submit for them
    stale = post(client, world, "appa", f"{url}/submit", json={"expected_version": 999})
    assert stale.status_code == 409 and "изменена другим пользователем" in stale.get_json()["error"]

    resp = post(client, world, "appa", f"{url}/submit", json={"expected_version": get(
        client, world, "appa", url).get_json()["version"]})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["state"] == "submitted" and body["current_version"] == 1 and body["submitted_at"]
    with app.app_context():
        assert db.session.execute(select(AuditEvent).where(
            AuditEvent.event == "entry.submit", AuditEvent.object_id == world.entry_id)).scalar_one()
        v = db.session.execute(select(EntryVersion).where(EntryVersion.entry_id == world.entry_id)).scalar_one()
        from workflow_app.services.platform.files import open_stored

        stored = open_stored(v.pdf_file).read()
    again = post(client, world, "appa", f"{url}/submit")
    assert again.status_code == 409 and "недоступно" in again.get_json()["error"]

    pdf = get(client, world, "appa", f"{url}/versions/1.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data == stored
    assert "Школа функциональной грамотности" in pdf_text(pdf.data)
    assert get(client, world, "staff", f"{url}/versions/1.pdf").status_code == 200
    assert get(client, world, "appb", f"{url}/versions/1.pdf").status_code == 403
    missing = get(client, world, "appa", f"{url}/versions/2.pdf")
    assert missing.status_code == 404 and missing.mimetype == "application/json"
    docx = get(client, world, "appa", f"{url}/versions/1.docx")
    assert docx.status_code == 200 and docx.mimetype.endswith("wordprocessingml.document")
    assert "Школа функциональной грамотности" in docx_text(docx.data)
    assert get(client, world, "appb", f"{url}/versions/1.docx").status_code == 403
