"""The appeals API: list (paginated, by campaign, only what policy shows), read, file (the entry's
applicant, within the window), decide (staff) — the same rules and Russian refusals as the web."""
from __future__ import annotations

import time_machine

from workflow_app.extensions import db
from workflow_app.services.appeals import queries

from .api_client import bearer, issue_token
from .test_appeals_flow import LATE, WITHIN, decided_world


def test_file_list_read_and_decide_through_the_api(app, client):
    with app.app_context():
        w = decided_world()
        ids = {k: e.id for k, e in w.entries.items()}
        cid = w.campaign.id
        db.session.commit()
        tokens = {who: issue_token(f"{who}@x.ru") for who in ("appa", "appb", "staff")}

    def call(who, method, url, **kw):
        return client.open(url, method=method, headers=bearer(tokens[who]), **kw)

    with time_machine.travel(WITHIN, tick=False):
        assert call("appa", "POST", f"/api/v1/entries/{ids['B']}/appeals",
                    json={"grounds": "Чужая заявка"}).status_code == 403
        missing = call("appb", "POST", f"/api/v1/entries/{ids['B']}/appeals", json={})
        assert missing.status_code == 422 and "grounds" in missing.get_json()["fields"]
        made = call("appb", "POST", f"/api/v1/entries/{ids['B']}/appeals",
                    json={"grounds": "Не учтены публикации"})
        assert made.status_code == 201, made.get_json()
        appeal = made.get_json()
        assert appeal["state"] == "submitted" and appeal["entry_id"] == ids["B"]
        assert appeal["decision_due_at"].startswith("2027-01-14T20:59:59")
        again = call("appb", "POST", f"/api/v1/entries/{ids['B']}/appeals", json={"grounds": "Ещё раз"})
        assert again.status_code == 409 and "уже подана" in again.get_json()["error"]
    with time_machine.travel(LATE, tick=False):
        late = call("appa", "POST", f"/api/v1/entries/{ids['A']}/appeals", json={"grounds": "Поздно"})
        assert late.status_code == 409 and "истёк 11.01.2027 23:59" in late.get_json()["error"]

    listed = call("staff", "GET", f"/api/v1/appeals?campaign={cid}").get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == appeal["id"]
    assert call("appb", "GET", f"/api/v1/appeals?campaign={cid}").get_json()["total"] == 1
    assert call("appa", "GET", f"/api/v1/appeals?campaign={cid}").get_json() == {"items": [], "total": 0}
    assert call("staff", "GET", "/api/v1/appeals?state=upheld").get_json()["total"] == 0
    assert call("appa", "GET", f"/api/v1/appeals/{appeal['id']}").status_code == 403
    assert call("staff", "GET", "/api/v1/appeals/999999").status_code == 404

    url = f"/api/v1/appeals/{appeal['id']}/decision"
    assert call("appb", "POST", url, json={"outcome": "upheld", "reason": "Сам"}).status_code == 403
    no_reason = call("staff", "POST", url, json={"outcome": "rejected"})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["fields"]
    nothing = call("staff", "POST", url, json={"outcome": "upheld", "reason": "Ошибка"})
    assert nothing.status_code == 422 and "измените хотя бы одну оценку" in nothing.get_json()["error"]
    with app.app_context():
        from workflow_app.models.competition import Entry

        sheets = queries.sheets(db.session.get(Entry, ids["B"]))
    scores = [{"assignment_id": sh.assignment_id, "criterion_id": c, "points": str(mx)}
              for sh in sheets for c, _, mx, _ in sh.rows]
    decided = call("staff", "POST", url, json={"outcome": "upheld", "reason": "Эксперты не учли раздел 1.4",
                                               "scores": scores, "decision": "winner"})
    assert decided.status_code == 200, decided.get_json()
    body = decided.get_json()
    assert body["state"] == "upheld" and body["decision_reason"] == "Эксперты не учли раздел 1.4"
    assert body["amending_order_id"] is not None
    mine = next(m for m in body["changes"]["standings"] if m["entry_id"] == ids["B"])
    assert (mine["before"]["place"], mine["after"]["place"]) == (2, 1)
    assert mine["after"]["decision"] == "winner"
    final = call("staff", "POST", url, json={"outcome": "rejected", "reason": "Передумали"})
    assert final.status_code == 409
