"""The ФИП part of the JSON API: list (paginated, only what policy shows), read, write items by number
(item 8's limit and the tables' columns as 422 naming the item), transitions with the council's and the
ministry's data; a recognised case's ФИП award is in the public registry's JSON."""
from __future__ import annotations

from workflow_app.extensions import db
from workflow_app.models import Role
from workflow_app.models.fip_case import FipCase

from .api_client import bearer, issue_token
from .factories import make_org, make_user
from .fip_helpers import full_form, kip_holder, opened_case
from .helpers import png_bytes, upload


def _setup(app):
    with app.app_context():
        org, staff, applicant, award = kip_holder("МБОУ СОШ № 4")
        other_org = make_org("Чужая школа", "sochi")
        make_user("other@x.ru", (Role.applicant, other_org))
        case = opened_case(org, applicant, award)
        from workflow_app.services.fip import cases

        cases.upload_infographic(applicant, case, upload(png_bytes(), "m.png"))
        db.session.commit()
        tokens = {who: issue_token(email) for who, email in
                  (("app", applicant.email), ("staff", staff.email), ("other", "other@x.ru"))}
        return case.id, tokens


def test_list_and_read_follow_the_policy(app, client):
    case_id, t = _setup(app)
    mine = client.get("/api/v1/fip-cases?per_page=1", headers=bearer(t["app"])).json
    assert mine["total"] == 1 and mine["items"][0]["id"] == case_id and mine["items"][0]["state"] == "readiness"
    assert client.get("/api/v1/fip-cases", headers=bearer(t["other"])).json == {"items": [], "total": 0}
    assert client.get(f"/api/v1/fip-cases/{case_id}", headers=bearer(t["other"])).status_code == 403
    assert client.get("/api/v1/fip-cases/999999", headers=bearer(t["app"])).status_code == 404
    assert client.get(f"/api/v1/fip-cases/{case_id}").status_code == 401
    one = client.get(f"/api/v1/fip-cases/{case_id}", headers=bearer(t["app"])).json
    assert one["items"]["10"] == "m.png" and "start_drafting" in one["transitions"]
    assert {c["code"]: c["state"] for c in one["readiness"]}["accepted_reports"] == "missing"  # no accepted report yet


def test_write_items_and_go_through_the_transitions(app, client):
    case_id, t = _setup(app)
    h, s = bearer(t["app"]), bearer(t["staff"])
    assert client.post(f"/api/v1/fip-cases/{case_id}/transitions/start_drafting", headers=h, json={}).status_code == 200
    r = client.put(f"/api/v1/fip-cases/{case_id}/form", headers=h, json={"items": {"8": "слово " * 900}})
    assert r.status_code == 422 and "половины страницы A4" in r.json["fields"]["item_8"]
    r = client.put(f"/api/v1/fip-cases/{case_id}/form", headers=h,
                   json={"items": {"11": {"columns": ["Дата"], "rows": [["1"]]}, "2": "Цель"}})
    assert r.status_code == 422 and set(r.json["fields"]) == {"item_11"}
    with app.app_context():
        assert db.session.get(FipCase, case_id).form.get("2") != "Цель"
    r = client.put(f"/api/v1/fip-cases/{case_id}/form", headers=h, json={"items": full_form()})
    assert r.status_code == 200 and r.json["missing"] == []
    assert client.post(f"/api/v1/fip-cases/{case_id}/transitions/recommend", headers=h, json={}).status_code == 409
    assert client.post(f"/api/v1/fip-cases/{case_id}/transitions/send_for_review", headers=h).status_code == 200
    assert client.post(f"/api/v1/fip-cases/{case_id}/transitions/no_such", headers=s).status_code == 404
    r = client.post(f"/api/v1/fip-cases/{case_id}/transitions/recommend", headers=h,
                    json={"council_date": "2026-06-20", "council_protocol": "7", "council_decision": "Да"})
    assert r.status_code == 403
    steps = [("recommend", {"council_date": "2026-06-20", "council_protocol": "7",
                            "council_decision": "Рекомендовать"}),
             ("submit", {"submitted_on": "2026-09-20"}),
             ("recognise", {"issuer": "Минпросвещения России", "number": "Р-5", "order_date": "2026-11-01"})]
    for name, body in steps:
        r = client.post(f"/api/v1/fip-cases/{case_id}/transitions/{name}", headers=s, json=body)
        assert r.status_code == 200, r.json
    assert r.json["state"] == "recognised" and r.json["fip_award_id"]
    registry = client.get("/api/v1/registry?on=2028-01-10").json
    fip = [row for row in registry["items"] if row["status_type"] == "ФИП"]
    assert [(f["organization_short"], f["order"]["number"]) for f in fip] == [("МБОУ СОШ № 4", "Р-5")]
