"""A real order's title runs past 230 characters: generating and signing such an order works, its PDF and
DOCX print the title whole, and only the documents' metadata is shortened (255 characters at most)."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import Role
from workflow_app.models.orders import Order, OrderKind, OrderStatus
from workflow_app.services import orders
from workflow_app.services.platform import settings

from .factories import make_user
from .helpers import docx_open, docx_text, login, norm, pdf_text, post_form

# 236 characters, as in the real order that could not be signed.
TITLE_236 = ("Об утверждении дорожной карты по реализации проекта краевого ресурсного центра «Коллективное "
             "наставничество как ресурс профессионального развития педагогов» на базе МКУ «Центр развития "
             "образования» г. Тихорецка на период 2022–2024 годов")
TITLE_600 = (TITLE_236 + ", а также о внесении изменений в состав рабочей группы, в перечень организаций-участников "
             "сетевого взаимодействия, в план-график методических мероприятий ресурсного центра и о признании "
             "утратившими силу отдельных положений приказов ГБОУ ИРО Краснодарского края от 26.01.2022 № 56 и "
             "от 14.03.2022 № 201 в связи с изменением муниципальной сети ТМС и передачей функций ")[:600]


def _people():
    staff = make_user("staff@x.ru", Role.staff, name="Ковалёва Ирина Петровна")
    approver = make_user("prorector@x.ru", Role.staff, name="Захарченко Елена Викторовна")
    rector = make_user("rector@x.ru", Role.signatory, name="Гайдук Татьяна Алексеевна")
    rector.position = "Ректор"
    settings.update_institution({"approver_ids": [approver.id]}, staff)
    return staff, approver, rector


def _approved(staff, approver, title: str) -> Order:
    from workflow_app.machines import fire
    from workflow_app.machines.order import order_lifecycle

    order = orders.create_draft(OrderKind.other, staff)
    order.title = title
    order.items = [{"text": "Утвердить дорожную карту (приложение 1).", "subitems": []}]
    fire(order_lifecycle, order, "send_for_approval", actor=staff)
    orders.decide_visa(order, approver, approve=True)
    return order


def test_titles_are_long_and_cyrillic():
    assert len(TITLE_236) == 236 and len(TITLE_600) == 600
    # The metadata title the builder used to write: «Приказ _____ от ____________. » + the title.
    assert len(f"Приказ _____ от ____________. {TITLE_236}") > 255


@pytest.mark.parametrize("title", [TITLE_236, TITLE_600], ids=["236", "600"])
def test_an_order_with_a_long_title_is_signed_through_the_web(app, client, title):
    with app.app_context():
        staff, approver, _ = _people()
        order = _approved(staff, approver, title)
        oid, version = order.id, order.version
        db.session.commit()
        # The draft's documents are generated too (the defect broke them before signing).
        assert orders.document_bytes(order, "docx")[:2] == b"PK"
    login(client, "rector@x.ru")
    resp = post_form(client, f"/orders/{oid}/fire/sign", {"version": version}, form_url=f"/orders/{oid}")
    assert resp.status_code == 302
    with app.app_context():
        order = db.session.get(Order, oid)
        assert order.status == OrderStatus.signed and order.number == "1"
        assert order.title == title
    pdf = client.get(f"/orders/{oid}/file.pdf").data
    docx = client.get(f"/orders/{oid}/file.docx").data
    # The document prints the whole title …
    assert norm(title) in pdf_text(pdf)
    assert norm(title) in docx_text(docx)
    # … and the metadata carry as much as fits, marked as shortened.
    core = docx_open(docx).core_properties
    meta = PdfReader(io.BytesIO(pdf)).metadata
    for value in (core.title, core.subject, meta.title, meta.subject):
        assert 0 < len(value) <= 255
    assert core.title.startswith("Приказ № 1 от ") and core.title.endswith("…")
    assert meta.title == core.title
    assert core.subject == (title if len(title) <= 255 else title[:254].rstrip() + "…")


def test_a_title_beyond_the_limit_is_refused_in_russian_and_nothing_changes(ctx):
    staff, _, _ = _people()
    order = orders.create_draft(OrderKind.other, staff)
    before = order.title
    with pytest.raises(orders.OrderInvalid) as refused:
        orders.update_content(order, staff, {"title": "О" * 2001})
    assert refused.value.fields == {"title": "Заголовок приказа: 2001 символов, допускается не более 2000."}
    assert order.title == before
    orders.update_content(order, staff, {"title": TITLE_600})
    db.session.flush()
    assert db.session.execute(select(Order.title).where(Order.id == order.id)).scalar_one() == TITLE_600


def test_the_edit_form_takes_a_600_character_title(app, client):
    with app.app_context():
        staff, _, rector = _people()
        order = orders.create_draft(OrderKind.other, staff)
        oid, version, rector_id = order.id, order.version, rector.id
        db.session.commit()
    login(client, "staff@x.ru")
    resp = post_form(client, f"/orders/{oid}/edit", {
        "version": version, "title": TITLE_600, "items": "Утвердить план.", "control": "",
        "signatory_id": rector_id}, form_url=f"/orders/{oid}/edit")
    assert resp.status_code == 302, resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Order, oid).title == TITLE_600
    assert TITLE_600 in client.get(f"/orders/{oid}").get_data(as_text=True)
