"""The order as JSON (services/orders/order_json.py) and the «done when» case: an order with a 236-character
title and a 49-row roadmap annex (group and continuation rows, multi-line cells) goes in through the edit
form and through JSON, comes back identical field by field, and its PDF and DOCX show every heading line,
every row and every line of every cell."""
from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import func, select

from workflow_app.errors import DomainError
from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Role
from workflow_app.models.orders import Order, OrderKind, OrderStatus
from workflow_app.services import orders

from .factories import make_org, make_user
from .helpers import docx_text, login, pdf_text, post_form
from .order_data import cell_lines, roadmap_order, roadmap_signatory

CONTRACT = ["kind", "issuer", "ministry", "institute_full", "institute_short", "doc_kind", "date", "number",
            "city", "title", "preamble", "items", "signatory", "annexes"]
ANNEX_CONTRACT = ["heading_lines", "title", "subtitle", "abbreviations", "columns", "rows", "row_kinds"]


def squash(text: str) -> str:
    """Text without whitespace and hyphens: what survives any wrapping or hyphenation of a line."""
    return re.sub(r"[\s\-\u00ad]", "", text)


def assert_shows_every_line(document_text: str, data: dict, in_order: bool = True) -> None:
    """Every line of the annexes is in the text (in order for DOCX; a PDF's text extraction follows the
    drawing order of table cells, not the reading order)."""
    text = squash(document_text)
    pos = 0
    for line in cell_lines(data):
        found = text.find(squash(line), pos)
        assert found >= 0, f"{line!r} missing" + (" (or out of order)" if in_order else "")
        if in_order:
            pos = found


def _staff():
    return make_user("staff@x.ru", Role.staff, name="Ковалёва Ирина Петровна")


def test_the_fixture_is_the_done_when_order():
    data = roadmap_order()
    roadmap = data["annexes"][0]
    assert len(data["title"]) == 236 and len(roadmap["rows"]) == 49
    assert roadmap["row_kinds"].count("group") == 4 and roadmap["row_kinds"].count("continuation") == 2
    assert {"1.1.", "1.10", "3.1", ""} <= {r[0] for r in roadmap["rows"]}
    assert any("\n" in cell for row in roadmap["rows"] for cell in row)


def test_export_load_export_is_identical_and_keeps_the_public_shape(ctx):
    staff = _staff()
    roadmap_signatory()
    data = roadmap_order()
    order = orders.order_from_json(staff, data)
    exported = orders.order_to_json(order)
    assert list(exported) == CONTRACT
    assert all(k in a for a in exported["annexes"] for k in ANNEX_CONTRACT)
    assert exported == data  # field by field, rows verbatim («1.10», «3.1», empty № of a continuation)
    copy = orders.order_from_json(staff, json.loads(json.dumps(exported, ensure_ascii=False)))
    assert orders.order_to_json(copy) == exported
    # Loading its own export into the draft changes nothing.
    orders.order_from_json(staff, exported, order)
    assert orders.order_to_json(order) == exported
    # The document model gets the rows, kinds and heading lines as they are.
    doc = orders.to_doc(order)
    assert doc.annexes[0].table.row_kinds == tuple(data["annexes"][0]["row_kinds"])
    assert doc.annexes[0].heading_lines == tuple(data["annexes"][0]["heading_lines"])
    assert doc.annexes[0].abbreviations == tuple(data["annexes"][0]["abbreviations"])


def test_a_draft_of_the_system_exports_its_default_heading_and_control_clause(ctx):
    staff = _staff()
    roadmap_signatory()
    order = orders.create_draft(OrderKind.other, staff)
    order.title = "Об утверждении списка организаций"
    order.items = [{"text": "Утвердить список (приложение № 1).", "subitems": []}]
    order.annexes = [{"title": "Список", "approved_word": "УТВЕРЖДЕН",
                      "table": {"headers": ["№", "Организация"], "rows": [["1", "МБОУ СОШ № 1"]]}}]  # before 0014
    exported = orders.order_to_json(order)
    assert exported["annexes"][0]["heading_lines"] == [
        "Приложение № 1", "УТВЕРЖДЕН", "приказом ректора", "ГБОУ ИРО Краснодарского края"]
    assert exported["annexes"][0]["columns"] == ["№", "Организация"]
    assert exported["items"][-1] == "Контроль за выполнением настоящего приказа возложить на первого проректора."
    assert exported["date"] is None and exported["number"] is None and exported["issuer"] == ""
    orders.order_from_json(staff, exported, order)
    assert orders.order_to_json(order) == exported


def test_a_partial_load_changes_only_the_keys_present(ctx):
    staff = _staff()
    roadmap_signatory()
    order = orders.order_from_json(staff, roadmap_order())
    before = orders.order_to_json(order)
    orders.order_from_json(staff, {"title": "Об утверждении дорожной карты КРЦ", "city": "г. Сочи"}, order)
    after = orders.order_to_json(order)
    assert after == {**before, "title": "Об утверждении дорожной карты КРЦ", "city": "г. Сочи"}
    assert db.session.execute(select(func.count(AuditEvent.id)).where(
        AuditEvent.event == "order.imported", AuditEvent.object_id == order.id)).scalar_one() == 2


@pytest.mark.parametrize("change, key, message", [
    (lambda d: d["annexes"][0]["rows"][3].append("лишняя"), "annexes[0].rows[3]", "Строка 4: 6 ячеек, а столбцов 5."),
    (lambda d: d["annexes"][0]["row_kinds"].__setitem__(0, "header"), "annexes[0].rows[0]",
     "Строка 1: неизвестный вид строки «header»."),
    (lambda d: d["annexes"][1]["columns"].__setitem__(1, " "), "annexes[1].columns",
     "Столбец 2: заголовок не заполнен."),
    (lambda d: d.update(kind="decree"), "kind", "Неизвестный вид приказа."),
    (lambda d: d.update(title=" "), "title", "Укажите заголовок приказа."),
    (lambda d: d.update(items=[]), "items", "Добавьте хотя бы один пункт приказа."),
    (lambda d: d.update(ministry=""), "ministry", "Заполните поле «Министерство»."),
    (lambda d: d.update(signatory={"position": "Ректор", "name": "И.И. Иванов"}), "signatory",
     "Подписант «Ректор И.И. Иванов» не найден среди пользователей с ролью «Подписант» (должность и "
     "«И.О. Фамилия» берутся из профиля)."),
    (lambda d: d.update(author="кто-то"), "author", "Неизвестные поля: «author»."),
])
def test_bad_json_is_refused_with_the_place_named_and_nothing_changes(ctx, change, key, message):
    staff = _staff()
    roadmap_signatory()
    order = orders.order_from_json(staff, roadmap_order())
    before = orders.order_to_json(order)
    data = roadmap_order()
    change(data)
    with pytest.raises(orders.OrderInvalid) as refused:
        orders.order_from_json(staff, data, order)
    assert refused.value.fields == {key: message}
    assert refused.value.message.startswith("Приказ не сохранён.")
    assert orders.order_to_json(order) == before


def test_kinds_that_change_data_are_not_created_from_json(ctx):
    staff = _staff()
    with pytest.raises(orders.OrderInvalid) as refused:
        orders.order_from_json(staff, {**roadmap_order(), "kind": "approve_results", "signatory": {}})
    assert "готовится из данных системы" in refused.value.fields["kind"]
    assert db.session.execute(select(func.count(Order.id))).scalar_one() == 0


def test_a_signed_order_is_not_loaded_into(ctx):
    staff = _staff()
    rector = roadmap_signatory()
    order = orders.order_from_json(staff, roadmap_order())
    order.status = OrderStatus.approved  # (the approval round itself is tested elsewhere)
    orders.sign(order, rector)
    with pytest.raises(DomainError, match="только в проект"):
        orders.order_from_json(staff, {"title": "Иной"}, order)
    assert orders.order_to_json(order)["number"] == "1"


def test_letterhead_is_a_snapshot_editable_on_the_draft_and_printed(ctx):
    from workflow_app.services.platform import settings

    staff = _staff()
    roadmap_signatory()
    old = orders.create_draft(OrderKind.other, staff)
    assert old.ministry == settings.institution()["ministry_name"]
    settings.update_institution({"ministry_name": "Министерство просвещения и молодёжной политики Краснодарского края",
                                 "city": "г. Краснодар (ул. Сормовская)"}, staff)
    assert old.ministry == "Министерство образования, науки и молодёжной политики Краснодарского края"
    new = orders.create_draft(OrderKind.other, staff)
    assert new.ministry.startswith("Министерство просвещения") and new.city == "г. Краснодар (ул. Сормовская)"
    orders.update_content(old, staff, {"institute_short": "ГБОУ ДПО ИРО КК", "doc_kind": "РАСПОРЯЖЕНИЕ"})
    text = pdf_text(orders.document_bytes(old, "pdf"))
    assert "Министерство образования, науки и молодёжной политики Краснодарского края" in text
    assert "(ГБОУ ДПО ИРО КК)" in text and "Р А С П О Р Я Ж Е Н И Е" in text


def _edit_form(data: dict, version: int, signatory_id: int) -> dict:
    form = {"version": version, "signatory_id": signatory_id, "control": "", "items": "\n".join(data["items"])}
    for key in ("ministry", "institute_full", "institute_short", "doc_kind", "city", "title", "preamble"):
        form[key] = data[key]
    for i, a in enumerate(data["annexes"]):
        form.update({
            f"annexes-{i}-heading_lines": "\n".join(a["heading_lines"]), f"annexes-{i}-title": a["title"],
            f"annexes-{i}-subtitle": a["subtitle"], f"annexes-{i}-abbreviations": "\n".join(a["abbreviations"]),
            f"annexes-{i}-text": a["text"],
            f"annexes-{i}-table": json.dumps({k: a[k] for k in ("columns", "rows", "row_kinds", "widths")},
                                             ensure_ascii=False)})
    return form


def test_the_roadmap_order_goes_in_through_the_edit_form_and_comes_back_identical(app, client):
    data = roadmap_order()
    with app.app_context():
        _staff()
        rector_id = roadmap_signatory().id
        org_id = make_org("МКУ ЦРО", "tikhoretsky").id
        db.session.commit()
    login(client, "staff@x.ru")
    resp = post_form(client, "/orders/new", {"kind": "approve_roadmap", "organization_id": org_id,
                                            "roadmap_title": "КРЦ"})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    oid = int(resp.headers["Location"].rstrip("/").split("/")[-2])
    edit = f"/orders/{oid}/edit"
    with app.app_context():
        order = db.session.get(Order, oid)
        version, first = order.version, orders.order_to_json(order)
    # The prefilled draft has one annex; «Добавить приложение» saves the page and adds the second.
    form = _edit_form({**data, "annexes": data["annexes"][:1]}, version, rector_id)
    resp = post_form(client, edit, {**form, "annex_action": "add"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"{edit}#annexes")
    assert first["annexes"][0]["columns"] != data["annexes"][0]["columns"]
    page = client.get(edit).get_data(as_text=True)
    assert 'name="annexes-1-table"' in page
    with app.app_context():
        version = db.session.get(Order, oid).version
    resp = post_form(client, edit, _edit_form(data, version, rector_id))
    assert resp.status_code == 302, resp.get_data(as_text=True)
    downloaded = client.get(f"/orders/{oid}/order.json")
    assert downloaded.mimetype == "application/json"
    assert json.loads(downloaded.data.decode("utf-8")) == data
    pdf = client.get(f"/orders/{oid}/file.pdf").data
    docx = client.get(f"/orders/{oid}/file.docx").data
    for text, in_order in ((pdf_text(pdf), False), (docx_text(docx), True)):
        assert_shows_every_line(text, data, in_order)
        assert squash(data["title"]) in squash(text)
        assert squash("от ____________ № _____") in squash(text)  # the generated last heading line


def test_a_bad_table_in_the_edit_form_is_named_next_to_its_annex(app, client):
    data = roadmap_order()
    with app.app_context():
        staff = _staff()
        rector_id = roadmap_signatory().id
        order = orders.order_from_json(staff, data)
        oid, version = order.id, order.version
        db.session.commit()
    data["annexes"][1]["rows"][2] = ["3", "Показатель", "1", "2", "3", "4"]
    login(client, "staff@x.ru")
    resp = post_form(client, f"/orders/{oid}/edit", _edit_form(data, version, rector_id))
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    annex2 = page[page.index('data-testid="annex-2"'):]
    assert annex2.index("Строка 3: 6 ячеек, а столбцов 5.") < annex2.index("Таблица приложения")
    with app.app_context():
        assert db.session.get(Order, oid).version == version


def test_download_and_upload_json_through_the_web(app, client):
    data = roadmap_order()
    with app.app_context():
        staff = _staff()
        roadmap_signatory()
        source = orders.order_from_json(staff, data)
        target = orders.create_draft(OrderKind.other, staff)
        sid, tid, tversion = source.id, target.id, target.version
        db.session.commit()
    login(client, "staff@x.ru")
    page = client.get(f"/orders/{tid}").get_data(as_text=True)
    assert "Скачать JSON" in page and "Загрузить из JSON" in page
    exported = client.get(f"/orders/{sid}/order.json").data

    def send(body: bytes, version: int):
        return post_form(client, f"/orders/{tid}/json", {"version": version, "file": (io.BytesIO(body), "o.json")},
                         form_url=f"/orders/{tid}", content_type="multipart/form-data")

    resp = send(b"{not json", tversion)
    assert resp.status_code == 302
    assert "Файл не читается как JSON" in client.get(f"/orders/{tid}").get_data(as_text=True)
    bad = json.loads(exported)
    bad["annexes"][0]["rows"][0] = "строка"
    send(json.dumps(bad).encode(), tversion)
    assert "Строка 1: ожидается список ячеек." in client.get(f"/orders/{tid}").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Order, tid).version == tversion
    resp = send(exported, tversion)
    assert resp.status_code == 302
    assert "заменён содержимым файла JSON" in client.get(f"/orders/{tid}").get_data(as_text=True)
    again = json.loads(client.get(f"/orders/{tid}/order.json").data)
    assert again == json.loads(exported)


def test_the_roadmap_order_is_signed_and_its_frozen_documents_show_every_line(ctx):
    staff = _staff()
    rector = roadmap_signatory()
    order = orders.order_from_json(staff, roadmap_order())
    order.status = OrderStatus.approved
    orders.sign(order, rector)
    data = orders.order_to_json(order)
    for text, in_order in ((pdf_text(orders.document_bytes(order, "pdf")), False),
                           (docx_text(orders.document_bytes(order, "docx")), True)):
        assert_shows_every_line(text, data, in_order)
        assert squash(f"от {order.order_date:%d.%m.%Y} № {order.number}") in squash(text)


def test_a_new_roadmap_order_takes_the_authors_table_from_the_grid_field(app, client):
    roadmap = roadmap_order()["annexes"][0]
    grid = {k: roadmap[k] for k in ("columns", "rows", "row_kinds", "widths")}
    with app.app_context():
        _staff()
        org_id = make_org("МКУ ЦРО", "tikhoretsky").id
        db.session.commit()
    login(client, "staff@x.ru")
    bad = post_form(client, "/orders/new", {"kind": "approve_roadmap", "organization_id": org_id,
                                           "roadmap_rows": json.dumps({**grid, "row_kinds": ["шапка"]})})
    assert bad.status_code == 422
    assert "Дорожная карта: Строка 1: неизвестный вид строки «шапка»." in bad.get_data(as_text=True)
    resp = post_form(client, "/orders/new", {"kind": "approve_roadmap", "organization_id": org_id,
                                            "roadmap_title": "КРЦ", "roadmap_rows": json.dumps(grid)})
    assert resp.status_code == 302
    oid = int(resp.headers["Location"].rstrip("/").split("/")[-2])
    with app.app_context():
        annex = orders.order_to_json(db.session.get(Order, oid))["annexes"][0]
    assert {k: annex[k] for k in grid} == grid
    assert annex["heading_lines"][:2] == ["Приложение № 1", "УТВЕРЖДЕНА"]


@pytest.mark.parametrize("action, titles", [
    ("up-1", ["Перечень показателей результативности деятельности КРЦ", "Дорожная карта (план мероприятий)"]),
    ("down-0", ["Перечень показателей результативности деятельности КРЦ", "Дорожная карта (план мероприятий)"]),
    ("remove-0", ["Перечень показателей результативности деятельности КРЦ"]),
    ("add", ["Дорожная карта (план мероприятий)", "Перечень показателей результативности деятельности КРЦ", ""]),
    ("up-0", ["Дорожная карта (план мероприятий)", "Перечень показателей результативности деятельности КРЦ"]),
])
def test_annexes_are_added_removed_and_moved_from_the_edit_page(app, client, action, titles):
    data = roadmap_order()
    with app.app_context():
        staff = _staff()
        rector_id = roadmap_signatory().id
        order = orders.order_from_json(staff, data)
        oid, version = order.id, order.version
        db.session.commit()
    login(client, "staff@x.ru")
    resp = post_form(client, f"/orders/{oid}/edit", {**_edit_form(data, version, rector_id), "annex_action": action})
    assert resp.status_code == 302
    with app.app_context():
        annexes = orders.order_to_json(db.session.get(Order, oid))["annexes"]
    assert [a["title"] for a in annexes] == titles
    if action == "up-1":  # an annex moves whole, its table with it
        assert annexes[1]["rows"] == data["annexes"][0]["rows"]
