"""The reports part of the JSON API: a holder fills a report prefilled from its plan and submits it, staff
return it with remarks and a new due date, the holder resubmits, staff accept — every step audited;
partial saves checked exactly as the web form (422 naming the field, nothing saved), 409 once the
report is no longer the holder's to edit; the list's filters and the policy (another organisation's
applicant, an expert, the coordinator); the report as PDF and DOCX."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import AuditEvent, OrgType, Role
from workflow_app.models.status_report import StatusReport

from .api_client import bearer, issue_token
from .factories import make_org, make_user, municipality, status_type
from .helpers import docx_text, pdf_text
from .test_reports_web import PLAN, _grant

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _world(app) -> dict:
    """A КИП school in Sochi (reports 2025, 2026) with its applicant, a КРЦ in Anapa with its own, the
    Sochi coordinator, an expert and staff; their tokens."""
    with app.app_context():
        staff = make_user("staff@x.ru", Role.staff)
        school = make_org("Школа № 5", "sochi", org_type=OrgType.OO)
        award = _grant(staff, school, plan=PLAN)
        make_user("holder@x.ru", (Role.applicant, school))
        tms = make_org("ТМС Анапы", "anapa", org_type=OrgType.TMS)
        other = _grant(staff, tms, code="KRC")
        make_user("other@x.ru", (Role.applicant, tms))
        make_user("coord@x.ru", (Role.coordinator, municipality("sochi")))
        make_user("expert@x.ru", Role.expert)
        status_type("KIP").requirements = [
            {"code": "teachers_trained", "name": "Доля обученных педагогов", "min": 30, "unit": "%"},
            {"code": "events", "name": "Мероприятия за год", "min": 2, "unit": ""}]
        ids = {r.period_year: r.id for r in db.session.execute(
            select(StatusReport).where(StatusReport.award_id == award.id)).scalars()}
        other_ids = list(db.session.execute(select(StatusReport.id).where(StatusReport.award_id == other.id)
                                            .order_by(StatusReport.period_year)).scalars())
        db.session.commit()
        tokens = {who: bearer(issue_token(f"{who}@x.ru")) for who in ("staff", "holder", "other", "coord", "expert")}
        return {"r2025": ids[2025], "r2026": ids[2026], "krc": other_ids, "org": school.id, **tokens}


def _activities(outcome: str = "выполнено") -> dict:
    return {"columns": ["№", "Мероприятие плана", "Срок по плану", "Выполнение", "Новый срок",
                        "Подтверждение (ссылки)", "Комментарий"],
            "rows": [["1", "Апробация модели", "сентябрь — май", outcome, "", "https://school5.ru/a", ""],
                     ["2", "Краевой вебинар", "декабрь", "выполнено", "", "", ""]],
            "row_kinds": ["data", "data"]}


def _stored(app, rid: int) -> StatusReport:
    with app.app_context():
        r = db.session.get(StatusReport, rid)
        db.session.expunge(r)
        return r


def test_holder_files_staff_return_holder_resubmits_staff_accept(app, client):
    w = _world(app)
    url = f"/api/v1/reports/{w['r2026']}"
    one = client.get(url, headers=w["holder"]).json
    assert one["state"] == "due" and one["prefilled"] is True and one["kind"] == "yearly"
    assert one["award"]["status_type"] == "КИП" and one["award"]["organization"] == {
        "id": w["org"], "name": "Школа № 5"}
    # prefilled from the plan of 2026: the outcome is left for the holder
    assert [r[1] for r in one["content"]["activities"]["rows"]] == ["Апробация модели", "Краевой вебинар"]
    assert one["missing"] and "start" in one["transitions"]
    assert [q["verdict"] for q in one["requirements"]] == ["нужна оценка специалиста", "не выполнено"]

    # a partial save over the prefill is checked as the web form checks it: outcomes are still empty
    r = client.put(url, headers=w["holder"], json={"summary": "Итоги года"})
    assert r.status_code == 422 and "Выполнение" in r.json["fields"]["activities"]
    assert _stored(app, w["r2026"]).content == {}

    r = client.put(url, headers=w["holder"], json={"summary": "Итоги года", "activities": _activities()})
    assert r.status_code == 200, r.json
    assert r.json["state"] == "draft" and r.json["prefilled"] is False and r.json["missing"] == []
    # keys not sent keep their value
    r = client.put(url, headers=w["holder"], json={"teachers_trained": 41.5, "expected_version": r.json["version"]})
    assert r.status_code == 200 and r.json["content"]["summary"] == "Итоги года"
    assert r.json["content"]["teachers_trained"] == "41,5"
    checks = {q["code"]: (q["stated"], q["verdict"]) for q in r.json["requirements"]}
    assert checks == {"teachers_trained": ("41.5", "выполнено"), "events": ("0", "не выполнено")}

    assert client.post(f"{url}/submit", headers=w["staff"]).status_code == 403
    r = client.post(f"{url}/submit", headers=w["holder"])
    assert r.status_code == 200 and r.json["state"] == "submitted" and r.json["submitted_at"]
    r = client.put(url, headers=w["holder"], json={"summary": "Поздняя правка"})
    assert r.status_code == 409 and "Представлен" in r.json["error"]

    assert client.post(f"{url}/accept", headers=w["holder"]).status_code == 403
    assert client.post(f"{url}/return", headers=w["holder"],
                       json={"remarks": "Нет ссылок", "due_date": "2026-12-15"}).status_code == 403
    r = client.post(f"{url}/return", headers=w["staff"], json={"remarks": "  ", "due_date": "2026-11-20"})
    assert r.status_code == 422 and set(r.json["fields"]) == {"remarks", "due_date"}
    r = client.post(f"{url}/return", headers=w["staff"], json={"remarks": "Нет ссылок", "due_date": "9999-12-31"})
    assert r.status_code == 422 and "21.11.2027" in r.json["fields"]["due_date"]
    assert _stored(app, w["r2026"]).status.name == "submitted"
    r = client.post(f"{url}/return", headers=w["staff"], json={"remarks": "Нет ссылок", "due_date": "2026-12-15"})
    assert r.status_code == 200 and r.json["state"] == "returned"
    assert r.json["due_date"] == "2026-12-15" and r.json["remarks"] == "Нет ссылок"

    r = client.put(url, headers=w["holder"], json={"activities": _activities("частично")})
    assert r.status_code == 200 and r.json["state"] == "returned"
    r = client.post(f"{url}/submit", headers=w["holder"], json={"expected_version": r.json["version"]})
    assert r.status_code == 200 and r.json["state"] == "submitted"
    r = client.post(f"{url}/accept", headers=w["staff"], json={})
    assert r.status_code == 200 and r.json["state"] == "accepted" and r.json["transitions"] == []
    assert client.post(f"{url}/accept", headers=w["staff"]).status_code == 409

    with app.app_context():
        actions = list(db.session.execute(
            select(AuditEvent.event).where(AuditEvent.object_type == "status_report",
                                            AuditEvent.object_id == w["r2026"]).order_by(AuditEvent.id)).scalars())
    assert actions == ["report.start", "report.saved", "report.saved", "report.submit", "report.return_for_revision",
                       "report.saved", "report.resubmit", "report.accept"]


def test_bad_content_is_422_naming_the_field_and_nothing_is_saved(app, client):
    w = _world(app)
    url = f"/api/v1/reports/{w['r2026']}"
    assert client.put(url, headers=w["holder"], json={"summary": "Итоги",
                                                      "activities": _activities()}).status_code == 200
    bad_events = {"columns": ["Дата", "Мероприятие", "Уровень", "Участников"],
                  "rows": [["31.02.2026", "Семинар", "краевой", "40"]]}
    for body, field in [({"events": bad_events}, "events"), ({"teachers_trained": "150"}, "teachers_trained"),
                        ({"teachers_trained": [41]}, "teachers_trained"),
                        ({"products": {"columns": ["Продукт"], "rows": []}}, "products"),
                        ({"results": {"columns": ["Ожидаемый результат"], "rows": []}}, "results"),
                        ({"summary": "x" * 20_001}, "summary"), ({"colour": "red"}, "colour")]:
        r = client.put(url, headers=w["holder"], json={**body, "plans": "Новые планы"})
        assert r.status_code == 422 and field in r.json["fields"], (body, r.json)
    stored = _stored(app, w["r2026"])
    assert stored.content["summary"] == "Итоги" and stored.content["plans"] == ""
    # an incomplete report is not submitted: 409 naming what is missing
    r = client.post(f"/api/v1/reports/{w['r2025']}/submit", headers=w["holder"])
    assert r.status_code == 409


def test_policy_as_the_web(app, client):
    w = _world(app)
    url = f"/api/v1/reports/{w['r2026']}"
    assert client.get(url).status_code == 401
    assert client.get("/api/v1/reports/999999", headers=w["holder"]).status_code == 404
    for who in ("other", "expert"):
        assert client.get(url, headers=w[who]).status_code == 403
        assert client.put(url, headers=w[who], json={"summary": "чужое"}).status_code == 403
        assert client.post(f"{url}/submit", headers=w[who]).status_code == 403
        assert client.get(f"{url}.pdf", headers=w[who]).status_code == 403
    assert client.get("/api/v1/reports", headers=w["expert"]).json == {"items": [], "total": 0}
    # the coordinator reads their municipality's reports and changes nothing
    assert client.get(url, headers=w["coord"]).status_code == 200
    assert client.put(url, headers=w["coord"], json={"summary": "x"}).status_code == 403
    assert client.get(f"/api/v1/reports/{w['krc'][0]}", headers=w["coord"]).status_code == 403
    coord = client.get("/api/v1/reports", headers=w["coord"]).json
    assert {i["id"] for i in coord["items"]} == {w["r2025"], w["r2026"]}
    mine = client.get("/api/v1/reports", headers=w["other"]).json
    assert {i["id"] for i in mine["items"]} == set(w["krc"]) and mine["total"] == len(w["krc"])
    assert client.post(f"{url}/accept", headers=w["coord"]).status_code == 403
    assert _stored(app, w["r2026"]).content == {}


def test_list_filters(app, client):
    w = _world(app)
    s = w["staff"]

    def ids(query: str) -> set[int]:
        r = client.get(f"/api/v1/reports{query}", headers=s)
        assert r.status_code == 200, r.json
        assert r.json["total"] == len(r.json["items"])
        return {i["id"] for i in r.json["items"]}

    everything = {w["r2025"], w["r2026"], *w["krc"]}
    assert ids("") == everything
    assert ids("?status_type=КРЦ") == set(w["krc"])
    assert ids("?status_type=КИП&year=2026") == {w["r2026"]}
    # on 20.11.2026 the reports of 2025 (due 1.12.2025) are overdue
    assert ids("?overdue=true") == {w["r2025"], *(set(w["krc"]) & ids("?year=2025"))}
    assert ids("?q=школа") == {w["r2025"], w["r2026"]}
    assert ids("?state=draft") == set()
    client.put(f"/api/v1/reports/{w['r2026']}", headers=w["holder"],
               json={"summary": "Итоги", "activities": _activities()})
    assert ids("?state=draft") == {w["r2026"]}
    item = client.get("/api/v1/reports?year=2025&status_type=КИП", headers=s).json["items"][0]
    assert item["overdue"] is True and item["state_label"] == "Ожидается" and item["due_date"] == "2025-12-01"
    page = client.get("/api/v1/reports?per_page=1&page=2", headers=s).json
    assert page["total"] == len(everything) and len(page["items"]) == 1
    r = client.get("/api/v1/reports?status_type=ЖЖЖ", headers=s)
    assert r.status_code == 422 and "status_type" in r.json["fields"]
    assert client.get("/api/v1/reports?state=lost", headers=s).status_code == 422


def test_pdf_and_docx(app, client):
    w = _world(app)
    client.put(f"/api/v1/reports/{w['r2026']}", headers=w["holder"],
               json={"summary": "Итоги года площадки", "activities": _activities()})
    pdf = client.get(f"/api/v1/reports/{w['r2026']}.pdf", headers=w["coord"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "Итоги года площадки" in pdf_text(pdf.data)
    docx = client.get(f"/api/v1/reports/{w['r2026']}.docx", headers=w["holder"])
    assert docx.status_code == 200 and "Апробация модели" in docx_text(docx.data)
    assert client.get("/api/v1/reports/999999.pdf", headers=w["staff"]).status_code == 404
