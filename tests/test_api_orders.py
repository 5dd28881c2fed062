"""The JSON API's orders: the «done when» order (236-character title, 49-row roadmap annex) goes in through
`POST /api/v1/orders` and comes back identical field by field, its PDF and DOCX show every line; a PUT
changes only the keys it gives; bad input is a 422 naming the field; outside orders are registered once;
the visa → sign flow numbers the order; applicants and experts get nothing."""
from __future__ import annotations

import io
import json

import pytest
from docx import Document
from sqlalchemy import func, select

from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Role
from workflow_app.models.orders import Order, OrderKind, OrderStatus
from workflow_app.services.platform import files, settings
from workflow_app.timeutil import today_local

from .api_client import bearer, issue_token
from .factories import make_org, make_user
from .helpers import docx_text, login, pdf_text
from .order_data import roadmap_order, roadmap_signatory
from .test_orders_json import assert_shows_every_line, squash

READ_ONLY = ("id", "state", "state_label", "version", "visas")
OUTSIDE = {"kind": "other", "issuer": "Министерство образования, науки и молодёжной политики Краснодарского края",
           "title": "О присвоении статуса краевой инновационной площадки", "items": ["Присвоить статус."]}


@pytest.fixture
def tokens(app):
    """Tokens of staff, an approver, the rector (the fixture's signatory), an applicant and an expert."""
    with app.app_context():
        staff = make_user("staff@x.ru", Role.staff, name="Ковалёва Ирина Петровна")
        approver = make_user("prorector@x.ru", Role.staff, name="Проректор Первый")
        roadmap_signatory()
        org = make_org()
        make_user("app@x.ru", (Role.applicant, org), org=org)
        make_user("expert@x.ru", Role.expert)
        settings.update_institution({"approver_ids": [approver.id]}, staff)
        db.session.commit()
        return {who: issue_token(f"{who}@x.ru") for who in ("staff", "prorector", "rector", "app", "expert")}


def call(client, tokens, who: str, method: str, url: str, body=None):
    return client.open(f"/api/v1{url}", method=method, headers=bearer(tokens[who]), json=body)


def contract(answer: dict) -> dict:
    return {k: v for k, v in answer.items() if k not in READ_ONLY}


def create(client, tokens, data: dict) -> dict:
    resp = call(client, tokens, "staff", "POST", "/orders", data)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def test_the_roadmap_order_goes_in_and_comes_back_identical_with_every_line_in_pdf_and_docx(client, tokens):
    data = roadmap_order()
    created = create(client, tokens, data)
    assert created["state"] == "draft" and created["state_label"] == "Проект" and created["id"] > 0
    assert contract(created) == data
    got = call(client, tokens, "staff", "GET", f"/orders/{created['id']}")
    assert got.status_code == 200 and got.mimetype == "application/json"
    answer = got.get_json()
    assert len(answer["title"]) == 236 and len(answer["annexes"][0]["rows"]) == 49
    assert contract(answer) == data  # field by field: «1.10», empty № of continuation rows, «ѐ», Latin «C»
    assert "«" in got.get_data(as_text=True)  # Cyrillic and quotes as is, not \u escapes
    # The API's JSON is the web's «Скачать JSON», and the web's «Загрузить из JSON» takes it back.
    login(client, "staff@x.ru")
    assert json.loads(client.get(f"/orders/{created['id']}/order.json").data) == contract(answer)

    pdf = call(client, tokens, "staff", "GET", f"/orders/{created['id']}.pdf")
    docx = call(client, tokens, "staff", "GET", f"/orders/{created['id']}.docx")
    assert pdf.status_code == docx.status_code == 200
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert docx.mimetype.endswith("wordprocessingml.document") and docx.data[:2] == b"PK"
    for text, in_order in ((pdf_text(pdf.data), False), (docx_text(docx.data), True)):
        assert_shows_every_line(text, data, in_order)
        assert squash(data["title"]) in squash(text)
        for item in data["items"]:
            assert squash(item.split("\n")[0]) in squash(text)
    assert "ПРОЕКТ" in pdf_text(pdf.data)  # a draft is marked as such, as on the web
    header = Document(io.BytesIO(docx.data)).sections[0].first_page_header
    assert "ПРОЕКТ" in "".join(p.text for p in header.paragraphs)


def test_a_put_changes_only_the_keys_it_gives_and_checks_the_version(app, client, tokens):
    created = create(client, tokens, roadmap_order())
    url = f"/orders/{created['id']}"
    rows = roadmap_order()["annexes"][1]["rows"][:2]
    annexes = [{**a, "rows": rows, "row_kinds": ["data", "data"]} for a in roadmap_order()["annexes"][1:]]
    items = ["Утвердить.", "Контроль оставляю за собой."]
    resp = call(client, tokens, "staff", "PUT", url, {"city": "г. Сочи", "items": items, "annexes": annexes,
                                                      "expected_version": created["version"]})
    assert resp.status_code == 200, resp.get_json()
    after = call(client, tokens, "staff", "GET", url).get_json()
    expected = {**contract(created), "city": "г. Сочи", "items": items}
    expected["annexes"] = [{**annexes[0], "heading_lines": after["annexes"][0]["heading_lines"]}]
    assert contract(after) == expected
    assert after["version"] > created["version"]
    # A client that saw an older version is refused; nothing changes.
    stale = call(client, tokens, "staff", "PUT", url, {"title": "Иной", "expected_version": created["version"]})
    assert stale.status_code == 409 and stale.get_json()["error"].startswith("Запись была изменена")
    assert call(client, tokens, "staff", "GET", url).get_json() == after
    with app.app_context():
        assert db.session.execute(select(func.count(AuditEvent.id)).where(
            AuditEvent.event == "order.imported", AuditEvent.object_id == created["id"])).scalar_one() == 2


@pytest.mark.parametrize("change, field, message", [
    (lambda d: d.update(kind="decree"), "kind", "Неизвестный вид приказа."),
    (lambda d: d["annexes"][0]["row_kinds"].__setitem__(0, "header"), "annexes[0].rows[0]",
     "Строка 1: неизвестный вид строки «header»."),
    (lambda d: d["annexes"][0]["rows"][3].append("лишняя"), "annexes[0].rows[3]", "Строка 4: 6 ячеек, а столбцов 5."),
    (lambda d: d.update(title=" "), "title", "Укажите заголовок приказа."),
    (lambda d: d.update(author="кто-то"), "author", "Неизвестное поле."),
    (lambda d: d.update(items="Утвердить."), "items", "Нужен список."),
])
def test_bad_input_is_a_422_naming_the_field_and_nothing_changes(app, client, tokens, change, field, message):
    created = create(client, tokens, roadmap_order())
    data = roadmap_order()
    change(data)
    for method, url in (("PUT", f"/orders/{created['id']}"), ("POST", "/orders")):
        resp = call(client, tokens, "staff", method, url, data)
        assert resp.status_code == 422
        body = resp.get_json()
        assert body["fields"] == {field: message}, body
        assert body["error"]
    assert call(client, tokens, "staff", "GET", f"/orders/{created['id']}").get_json() == created
    with app.app_context():
        assert db.session.execute(select(func.count(Order.id))).scalar_one() == 1


def test_a_create_without_kind_and_a_kind_drafted_from_data_are_refused(client, tokens):
    resp = call(client, tokens, "staff", "POST", "/orders", {"title": "Без вида"})
    assert resp.status_code == 422 and resp.get_json()["fields"] == {"kind": "Укажите вид приказа (kind)."}
    resp = call(client, tokens, "staff", "POST", "/orders", {**roadmap_order(), "kind": "approve_results"})
    assert resp.status_code == 422 and "готовится из данных системы" in resp.get_json()["fields"]["kind"]


@pytest.mark.parametrize("who", ["app", "expert"])
def test_applicants_and_experts_neither_read_nor_create_orders(app, client, tokens, who):
    created = create(client, tokens, roadmap_order())
    oid = created["id"]
    for method, url, body in (("GET", "/orders", None), ("POST", "/orders", roadmap_order()),
                              ("GET", f"/orders/{oid}", None), ("PUT", f"/orders/{oid}", {"city": "г. Сочи"}),
                              ("GET", f"/orders/{oid}.pdf", None), ("GET", f"/orders/{oid}.docx", None),
                              ("POST", f"/orders/{oid}/send-for-approval", {}),
                              ("POST", f"/orders/{oid}/register", {"date": "2024-01-10", "number": "1"}),
                              ("POST", f"/orders/{oid}/reopen", {"reason": "Ошибка"})):
        resp = call(client, tokens, who, method, url, body)
        assert resp.status_code == 403, (method, url)  # as on the web: the order exists, it is not theirs
        assert "дорожной карты" not in resp.get_data(as_text=True)
    assert call(client, tokens, who, "GET", "/orders/999999").status_code == 404
    with app.app_context():
        assert db.session.execute(select(func.count(Order.id))).scalar_one() == 1
        assert db.session.get(Order, oid).version == created["version"]


def test_the_signatory_reads_orders_but_does_not_create_or_edit_them(client, tokens):
    oid = create(client, tokens, roadmap_order())["id"]
    assert call(client, tokens, "rector", "GET", f"/orders/{oid}").status_code == 200
    assert call(client, tokens, "rector", "GET", "/orders").get_json()["total"] == 1
    assert call(client, tokens, "rector", "POST", "/orders", roadmap_order()).status_code == 403
    assert call(client, tokens, "rector", "PUT", f"/orders/{oid}", {"city": "г. Сочи"}).status_code == 403


def test_an_outside_order_is_registered_once_and_frozen(app, client, tokens):
    first = create(client, tokens, OUTSIDE)
    url = f"/orders/{first['id']}"
    bad = call(client, tokens, "staff", "POST", f"{url}/register", {"date": "2024-13-01", "number": " "})
    assert bad.status_code == 422
    assert bad.get_json()["fields"] == {"date": "Укажите дату приказа (ГГГГ-ММ-ДД).",
                                        "number": "Укажите номер приказа."}
    resp = call(client, tokens, "staff", "POST", f"{url}/register", {"date": "2024-03-05", "number": "№ 512"})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["state"] == "registered" and body["date"] == "2024-03-05" and body["number"] == "512"
    assert call(client, tokens, "staff", "PUT", url, {"title": "Иной"}).status_code == 409
    again = call(client, tokens, "staff", "POST", f"{url}/register", {"date": "2024-03-05", "number": "513"})
    assert again.status_code == 409
    # The same issuer, year and number a second time is refused with a clear message.
    second = create(client, tokens, {**OUTSIDE, "title": "Другой приказ"})
    dup = call(client, tokens, "staff", "POST", f"/orders/{second['id']}/register",
               {"date": "2024-11-20", "number": "512"})
    assert dup.status_code == 422
    assert dup.get_json()["fields"]["number"].startswith(
        f"Приказ № 512 ({OUTSIDE['issuer']}, 2024 год) уже есть в реестре: «{OUTSIDE['title']}».")
    assert call(client, tokens, "staff", "GET", f"/orders/{second['id']}").get_json()["state"] == "draft"
    # Another year, or an order of the institute itself (no issuer), is a different matter.
    assert call(client, tokens, "staff", "POST", f"/orders/{second['id']}/register",
                {"date": "2023-11-20", "number": "512"}).status_code == 200
    own = create(client, tokens, roadmap_order())
    resp = call(client, tokens, "staff", "POST", f"/orders/{own['id']}/register", {"date": "2024-01-10", "number": "7"})
    assert resp.status_code == 422 and resp.get_json()["fields"] == {"issuer": "Укажите, кем издан приказ."}
    # A registered order without a scan has no document yet: a 404 that says why.
    pdf = call(client, tokens, "staff", "GET", f"{url}.pdf")
    assert pdf.status_code == 404 and "только в виде скана" in pdf.get_json()["error"]


def test_visa_and_signing_through_the_api_number_the_order(app, client, tokens):
    data = roadmap_order()
    created = create(client, tokens, data)
    url = f"/orders/{created['id']}"
    assert call(client, tokens, "staff", "POST", f"{url}/sign").status_code == 403  # not the signatory
    sent = call(client, tokens, "staff", "POST", f"{url}/send-for-approval", {"expected_version": created["version"]})
    assert sent.status_code == 200 and sent.get_json()["state"] == "approval"
    assert call(client, tokens, "staff", "PUT", url, {"city": "г. Сочи"}).status_code == 409
    # Only the approver whose visa is pending gives it; a return needs a remark.
    assert call(client, tokens, "staff", "POST", f"{url}/visa", {"decision": "approve"}).status_code == 403
    resp = call(client, tokens, "prorector", "POST", f"{url}/visa", {"decision": "return", "remark": "  "})
    assert resp.status_code == 422 and set(resp.get_json()["fields"]) == {"remark"}
    resp = call(client, tokens, "prorector", "POST", f"{url}/visa", {"decision": "maybe"})
    assert resp.status_code == 422
    assert resp.get_json()["fields"] == {"decision": "Допустимые значения: approve, return."}
    resp = call(client, tokens, "prorector", "POST", f"{url}/visa", {"decision": "return", "remark": "Уточнить сроки."})
    assert resp.status_code == 200 and resp.get_json()["state"] == "draft"
    (visa,) = resp.get_json()["visas"]
    assert (visa["round"], visa["approver"], visa["status"], visa["remark"]) == (
        1, "Проректор Первый", "returned", "Уточнить сроки.")
    call(client, tokens, "staff", "POST", f"{url}/send-for-approval")
    resp = call(client, tokens, "prorector", "POST", f"{url}/visa", {"decision": "approve"})
    assert resp.status_code == 200 and resp.get_json()["state"] == "approved"
    assert [(v["round"], v["status"]) for v in resp.get_json()["visas"]] == [(1, "returned"), (2, "approved")]
    assert call(client, tokens, "staff", "POST", f"{url}/sign").status_code == 403
    signed = call(client, tokens, "rector", "POST", f"{url}/sign")
    assert signed.status_code == 200, signed.get_json()
    body = signed.get_json()
    assert body["state"] == "signed" and body["number"] == "1" and body["date"] == today_local().isoformat()
    assert contract(body) == {**data, "date": body["date"], "number": "1"}
    # The documents are the files frozen at signing, with the number and date printed.
    with app.app_context():
        order = db.session.get(Order, created["id"])
        frozen = files.read_stored(order.pdf_file), files.read_stored(order.docx_file)
    pdf = call(client, tokens, "rector", "GET", f"{url}.pdf")
    docx = call(client, tokens, "staff", "GET", f"{url}.docx")
    assert (pdf.data, docx.data) == frozen
    assert squash(f"от {today_local():%d.%m.%Y} № 1") in squash(docx_text(docx.data))
    assert "ПРОЕКТ" not in pdf_text(pdf.data)
    assert call(client, tokens, "staff", "PUT", url, {"city": "г. Сочи"}).status_code == 409


def test_an_approved_order_is_reopened_with_a_reason(app, client, tokens):
    created = create(client, tokens, roadmap_order())
    url = f"/orders/{created['id']}"
    call(client, tokens, "staff", "POST", f"{url}/send-for-approval")
    call(client, tokens, "prorector", "POST", f"{url}/visa", {"decision": "approve"})
    resp = call(client, tokens, "rector", "POST", f"{url}/reopen", {"reason": " "})
    assert resp.status_code == 422 and set(resp.get_json()["fields"]) == {"reason"}
    resp = call(client, tokens, "rector", "POST", f"{url}/reopen", {"reason": "Сменился состав рабочей группы."})
    assert resp.status_code == 200 and resp.get_json()["state"] == "draft"
    assert call(client, tokens, "staff", "PUT", url, {"city": "г. Сочи"}).status_code == 200
    assert call(client, tokens, "staff", "POST", f"{url}/reopen", {"reason": "Ещё раз"}).status_code == 409
    with app.app_context():
        event = db.session.execute(select(AuditEvent).where(
            AuditEvent.event == "order.reopen", AuditEvent.object_id == created["id"])).scalar_one()
        assert event.reason == "Сменился состав рабочей группы."


def test_the_register_filters_searches_and_pages(app, client, tokens):
    roadmap = create(client, tokens, roadmap_order())
    outside = create(client, tokens, OUTSIDE)
    call(client, tokens, "staff", "POST", f"/orders/{outside['id']}/register", {"date": "2024-03-05", "number": "512"})
    other = create(client, tokens, {"kind": "other", "title": "О проведении семинара", "items": ["Провести."]})

    def ids(query: str) -> list[int]:
        resp = call(client, tokens, "staff", "GET", f"/orders{query}")
        assert resp.status_code == 200, resp.get_json()
        return [o["id"] for o in resp.get_json()["items"]]

    assert ids("") == [other["id"], outside["id"], roadmap["id"]]  # newest first
    assert ids("?state=registered") == [outside["id"]]
    assert ids("?kind=approve_roadmap") == [roadmap["id"]]
    assert ids("?q=семинар") == [other["id"]]
    assert ids("?q=512") == [outside["id"]]
    page = call(client, tokens, "staff", "GET", "/orders?per_page=2&page=2").get_json()
    assert page["total"] == 3 and [o["id"] for o in page["items"]] == [roadmap["id"]]
    row = call(client, tokens, "staff", "GET", "/orders?state=registered").get_json()["items"][0]
    assert row == {"id": outside["id"], "kind": "other", "kind_label": OrderKind.other.value, "state": "registered",
                   "state_label": OrderStatus.registered.value, "issuer": OUTSIDE["issuer"], "date": "2024-03-05",
                   "number": "512", "title": OUTSIDE["title"], "version": row["version"]}
    resp = call(client, tokens, "staff", "GET", "/orders?state=lost")
    assert resp.status_code == 422 and resp.get_json()["fields"]["state"].startswith("Допустимые значения: draft")
