"""Orders issued outside the system (the ministry, a municipality, the institute's paper orders of past
years): registered with issuer, own date, number and scan; (issuer, year, number) unique; frozen; listed
with their issuer; offered as grounds for statuses."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from workflow_app.errors import DomainError, PermissionDenied
from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Role
from workflow_app.models.orders import Order, OrderKind, OrderStatus
from workflow_app.services import orders
from workflow_app.services.orders import queries
from workflow_app.services.platform import files

from .factories import make_user
from .helpers import login, pdf_bytes, png_bytes, post_form, upload

MINISTRY = "Министерство образования, науки и молодёжной политики Краснодарского края"
TITLE = "О присвоении статуса краевой инновационной площадки образовательным организациям в 2023 году"


def _scan(staff, data: bytes | None = None, name: str = "приказ.pdf"):
    return files.store_upload(upload(data or pdf_bytes("Prikaz 3541"), name), allowed=files.DOCUMENTS_SCAN,
                              max_bytes=20 * files.MB, user=staff)


def _fields(**kw) -> dict:
    return {"issuer": MINISTRY, "date": date(2023, 12, 12), "number": "3541", "title": TITLE,
            "kind": OrderKind.assign_status, **kw}


def test_a_ministry_order_is_registered_frozen_and_offered_as_grounds(ctx):
    staff = make_user("staff@x.ru", Role.staff)
    order = orders.register_external(staff, _fields(), _scan(staff))
    assert order.status == OrderStatus.registered and order.issuer == MINISTRY
    assert (order.order_date, order.year, order.number, order.seq, order.signed_at) == (
        date(2023, 12, 12), 2023, "3541", None, None)
    assert [s.version for s in order.scans] == [1]
    events = [e for e, in db.session.execute(
        db.select(AuditEvent.event).where(AuditEvent.object_id == order.id, AuditEvent.object_type == "order_doc")
        .order_by(AuditEvent.id))]
    assert events == ["order.created", "order.register", "order.scan_attached"]
    # Frozen like a signed order.
    with pytest.raises(DomainError, match="только проект"):
        orders.update_content(order, staff, {"title": "Иной"})
    # The registry and the grounds for statuses list it; a draft is not grounds.
    orders.create_draft(OrderKind.other, staff)
    assert queries.external_or_signed_orders() == [order]
    from workflow_app.listing import ListArgs

    found = db.session.execute(queries.order_list(ListArgs(q="молодёжной", filters={"source": "external"})))
    assert list(found.scalars()) == [order]
    # Its PDF is its scan.
    assert orders.document_bytes(order, "pdf").startswith(b"%PDF")
    with pytest.raises(orders.NoDocument):
        orders.document_bytes(order, "docx")
    with pytest.raises(DomainError, match="Подписанный приказ изменить нельзя"), db.session.begin_nested():
        order.title = "Другой заголовок"
        db.session.flush()
    assert order.title == TITLE


def test_a_duplicate_is_refused_with_a_clear_message_and_the_database_holds_it_too(ctx):
    staff = make_user("staff@x.ru", Role.staff)
    first = orders.register_external(staff, _fields(), _scan(staff))
    with pytest.raises(orders.OrderInvalid) as refused:
        orders.register_external(staff, _fields(date=date(2023, 3, 1), title="Иной приказ"), None)
    assert refused.value.fields["number"].startswith(f"Приказ № 3541 ({MINISTRY}, 2023 год) уже есть в реестре")
    # Another year, another issuer: a different order.
    orders.register_external(staff, _fields(date=date(2022, 12, 12)), None)
    orders.register_external(staff, _fields(issuer="Управление образованием администрации МО г. Сочи"), None)
    orders.register_external(staff, _fields(issuer="ГБОУ ИРО Краснодарского края", number="56",
                                            date=date(2022, 1, 26), kind=OrderKind.approve_roadmap), None)
    # The unique key stands behind the service check (two requests at once).
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(text(
            "INSERT INTO order_doc (kind, status, title, preamble, items, control_clause, annexes, issuer, ministry, "
            "institute_full, institute_short, doc_kind, city, signatory_position, signatory_name, effects, year, "
            "number, order_date, version, created_at, updated_at) VALUES ('other', 'registered', 'x', '', '[]', '', "
            "'[]', :issuer, '', '', '', 'ПРИКАЗ', '', '', '', '{}', 2023, '3541', '2023-05-05', 1, "
            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"issuer": first.issuer})
    db.session.rollback()


@pytest.mark.parametrize("fields, key, message", [
    ({"issuer": "  "}, "issuer", "Укажите, кем издан приказ."),
    ({"number": "№ "}, "number", "Укажите номер приказа."),
    ({"date": "12.12.2023"}, "date", "Укажите дату приказа (ГГГГ-ММ-ДД)."),
    ({"date": date(2999, 1, 1)}, "date", "Дата приказа не может быть позже сегодняшнего дня."),
    ({"title": ""}, "title", "Укажите заголовок приказа."),
    ({"kind": "nonsense"}, "kind", "Выберите вид приказа."),
])
def test_bad_input_is_refused_in_russian_and_nothing_is_registered(ctx, fields, key, message):
    staff = make_user("staff@x.ru", Role.staff)
    with pytest.raises(orders.OrderInvalid) as refused:
        orders.register_external(staff, _fields(**fields), None)
    assert refused.value.fields[key] == message
    assert db.session.execute(db.select(db.func.count(Order.id))).scalar_one() == 0


def test_only_staff_register(ctx):
    signatory = make_user("rector@x.ru", Role.signatory)
    with pytest.raises(PermissionDenied):
        orders.register_external(signatory, _fields(), None)


def test_a_draft_entered_from_outside_is_registered_with_its_date_and_number(ctx):
    """The JSON way: a draft with its issuer, then {"date", "number"}."""
    from .order_data import roadmap_order, roadmap_signatory

    staff = make_user("staff@x.ru", Role.staff)
    roadmap_signatory()
    data = {**roadmap_order(), "issuer": "ГБОУ ИРО Краснодарского края"}
    draft = orders.order_from_json(staff, data)
    from workflow_app.machines import fire
    from workflow_app.machines.order import order_lifecycle

    with pytest.raises(DomainError, match="регистрируют с датой, номером и сканом"):
        fire(order_lifecycle, draft, "send_for_approval", actor=staff)
    orders.register(draft, staff, date="2022-01-26", number="56")
    assert draft.status == OrderStatus.registered and draft.number == "56"
    assert orders.order_to_json(draft)["date"] == "2022-01-26"
    assert orders.order_to_json(draft)["annexes"] == data["annexes"]


def test_staff_register_an_order_through_the_web_with_its_scan_checked_by_content(app, client):
    with app.app_context():
        make_user("staff@x.ru", Role.staff)
        db.session.commit()
    login(client, "staff@x.ru")
    assert "Зарегистрировать внешний приказ" in client.get("/orders").get_data(as_text=True)
    form = {"issuer": MINISTRY, "kind": "assign_status", "date": "2023-12-12", "number": "3541", "title": TITLE}
    # An HTML page named .pdf is not a scan.
    resp = post_form(client, "/orders/external", {
        **form, "scan": (io.BytesIO(b"<html><script>alert(1)</script></html>"), "scan.pdf")},
        content_type="multipart/form-data")
    assert resp.status_code == 422
    resp = post_form(client, "/orders/external", form, content_type="multipart/form-data")
    assert resp.status_code == 422 and "Приложите скан приказа." in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Order.id))).scalar_one() == 0
    resp = post_form(client, "/orders/external", {**form, "scan": (io.BytesIO(png_bytes()), "скан.png")},
                     content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)
    oid = int(resp.headers["Location"].rstrip("/").split("/")[-1])
    page = client.get(f"/orders/{oid}").get_data(as_text=True)
    assert MINISTRY in page and "Зарегистрирован (внешний)" in page and "№ 3541 от 12.12.2023" in page
    registry = client.get("/orders?q=3541").get_data(as_text=True)
    assert MINISTRY in registry and TITLE in registry
    # The same issuer, year and number again: a clear message, nothing registered.
    resp = post_form(client, "/orders/external", {**form, "date": "2023-01-10",
                                                  "scan": (io.BytesIO(png_bytes()), "скан.png")},
                     content_type="multipart/form-data")
    assert resp.status_code == 422
    assert "уже есть в реестре" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Order.id))).scalar_one() == 1


def test_a_draft_loaded_with_its_issuer_is_registered_from_its_page(app, client):
    from .order_data import roadmap_order, roadmap_signatory

    with app.app_context():
        staff = make_user("staff@x.ru", Role.staff)
        roadmap_signatory()
        first = orders.register_external(staff, _fields(issuer="ГБОУ ИРО Краснодарского края", number="56",
                                                        date=date(2022, 1, 26)), None)
        draft = orders.order_from_json(staff, {**roadmap_order(), "issuer": "ГБОУ ИРО Краснодарского края"})
        oid, version, first_id = draft.id, draft.version, first.id
        db.session.commit()
    login(client, "staff@x.ru")
    page = client.get(f"/orders/{oid}").get_data(as_text=True)
    assert "Зарегистрировать приказ «ГБОУ ИРО Краснодарского края»" in page
    assert "Направить на согласование" not in page
    resp = post_form(client, f"/orders/{oid}/register", {"version": version, "date": "2022-01-26", "number": "56"},
                     form_url=f"/orders/{oid}")
    assert resp.status_code == 302
    assert "уже есть в реестре" in client.get(f"/orders/{oid}").get_data(as_text=True)
    resp = post_form(client, f"/orders/{oid}/register",
                     {"version": version, "date": "2022-01-26", "number": "57",
                      "scan": (io.BytesIO(pdf_bytes("Prikaz 57")), "57.pdf")},
                     form_url=f"/orders/{oid}", content_type="multipart/form-data")
    assert resp.status_code == 302
    with app.app_context():
        order = db.session.get(Order, oid)
        assert (order.status, order.number, len(order.scans)) == (OrderStatus.registered, "57", 1)
        assert db.session.get(Order, first_id).number == "56"
    assert client.get(f"/orders/{oid}/file.pdf").data.startswith(b"%PDF")


def test_the_database_refuses_a_registered_order_without_its_number_date_or_issuer(ctx):
    staff = make_user("staff@x.ru", Role.staff)
    order = orders.create_draft(OrderKind.other, staff)
    db.session.commit()

    def refused(sql: str) -> None:
        with pytest.raises(IntegrityError) as exc:
            db.session.execute(text(sql), {"id": order.id})
            db.session.flush()
        assert "number_iff_signed" in str(exc.value)
        db.session.rollback()

    refused("UPDATE order_doc SET status = 'registered' WHERE id = :id")
    refused("UPDATE order_doc SET status = 'registered', number = '3541', order_date = '2023-12-12' WHERE id = :id")
    refused("UPDATE order_doc SET status = 'registered', number = '3541', issuer = 'МОНиМП КК' WHERE id = :id")
    # Registered, it was never signed here.
    refused("UPDATE order_doc SET status = 'registered', number = '3541', order_date = '2023-12-12', "
            "issuer = 'МОНиМП КК', signed_at = CURRENT_TIMESTAMP WHERE id = :id")
    assert db.session.execute(text(
        "UPDATE order_doc SET status = 'registered', number = '3541', order_date = '2023-12-12', year = 2023, "
        "issuer = 'МОНиМП КК' WHERE id = :id"), {"id": order.id}).rowcount == 1
    db.session.commit()
