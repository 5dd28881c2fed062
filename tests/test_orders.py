"""Orders: drafting from data, visas, signing with registry numbers, frozen files, effects, immutability."""
from __future__ import annotations

import io
import threading
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from workflow_app.errors import DomainError, PermissionDenied, TransitionNotAllowed, ValidationFailed
from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Role
from workflow_app.models.competition import CampaignStatus, Decision, EntryStatus
from workflow_app.models.orders import Order, OrderKind, OrderStatus
from workflow_app.models.status_award import AwardStatus, StatusAward, StatusType
from workflow_app.services import orders
from workflow_app.services.platform import files, settings
from workflow_app.timeutil import today_local

from .factories import make_campaign, make_entry, make_org, make_user
from .helpers import login, post_form


def _people():
    staff = make_user("staff@x.ru", Role.staff, name="Ковалёва И.П.")
    approver = make_user("prorector@x.ru", Role.staff, name="Проректор Первый")
    rector = make_user("rector@x.ru", Role.signatory, name="Гайдук Т.А.")
    settings.update_institution({"approver_ids": [approver.id]}, staff)
    return staff, approver, rector


def _campaign_with_winners():
    c = make_campaign(status=CampaignStatus.decision)
    a = make_org("МБОУ СОШ № 1", "krasnodar")
    b = make_org("МАДОУ д/с № 7", "sochi")
    loser = make_org("МБОУ СОШ № 9", "anapa")
    e1 = make_entry(c, a, "ОО", EntryStatus.winner, title="Школа «Траектория» & <успех>",
                    decision=Decision.winner, final_rank=1)
    e2 = make_entry(c, b, "ДОО", EntryStatus.winner, title="Детский сад будущего",
                    decision=Decision.winner, final_rank=1)
    make_entry(c, loser, "ОО", EntryStatus.not_selected, title="Не прошёл", decision=Decision.not_selected)
    return c, e1, e2


def _signed_results_order():
    staff, approver, rector = _people()
    c, e1, e2 = _campaign_with_winners()
    order = orders.create_draft(OrderKind.approve_results, staff, campaign=c)
    from workflow_app.machines import fire
    from workflow_app.machines.order import order_lifecycle

    fire(order_lifecycle, order, "send_for_approval", actor=staff)
    orders.decide_visa(order, approver, approve=True)
    orders.sign(order, rector)
    return order, c, (e1, e2), (staff, approver, rector)


def test_results_order_prefills_annex_from_the_decision(ctx):
    staff, _, _ = _people()
    c, e1, e2 = _campaign_with_winners()
    order = orders.create_draft(OrderKind.approve_results, staff, campaign=c)
    table = order.annexes[0]["table"]
    assert table["headers"][:4] == ["№", "Образовательная организация", "Муниципальное образование",
                                    "Тема проекта"]
    # Winners only, in track order (ОО before ДОО? no: the preset lists ДОО first).
    assert [r[1] for r in table["rows"]] == ["МАДОУ д/с № 7 полное", "МБОУ СОШ № 1 полное"]
    assert [r[0] for r in table["rows"]] == ["1", "2"]
    assert table["rows"][1][3] == "Школа «Траектория» & <успех>"
    assert table["rows"][0][4] == "2027–2029 гг."
    assert order.status == OrderStatus.draft and order.number is None


def test_results_order_without_winners_is_refused(ctx):
    staff, _, _ = _people()
    c = make_campaign(status=CampaignStatus.decision)
    with pytest.raises(ValidationFailed, match="нет победителей"):
        orders.create_draft(OrderKind.approve_results, staff, campaign=c)


def test_signing_numbers_freezes_files_and_grants_statuses(ctx):
    order, c, (e1, e2), _ = _signed_results_order()
    assert order.status == OrderStatus.signed
    assert order.number == "1" and order.year == order.order_date.year
    pdf = files.read_stored(order.pdf_file)
    import hashlib

    assert hashlib.sha256(pdf).hexdigest() == order.pdf_file.sha256
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "№ 1" in text and "ПРОЕКТ" not in text
    awards = db.session.execute(select(StatusAward).order_by(StatusAward.id)).scalars().all()
    assert {(a.organization_id, a.status_type, a.status, a.granted_by_order_id) for a in awards} == {
        (e1.organization_id, StatusType.KIP, AwardStatus.active, order.id),
        (e2.organization_id, StatusType.KIP, AwardStatus.active, order.id),
    }
    assert awards[0].term_from == date(2027, 1, 1) and awards[0].term_to == date(2029, 12, 31)
    assert c.status == CampaignStatus.closed
    events = db.session.execute(select(AuditEvent.event).where(AuditEvent.object_type == "order_doc")
                                .order_by(AuditEvent.id)).scalars().all()
    assert events == ["order.created", "order.send_for_approval", "order.visa_approved", "order.approve",
                      "order.sign"]


def test_numbers_are_sequential_per_year_in_the_configured_format(ctx):
    staff, approver, rector = _people()
    settings.update_institution({"order_number_format": "{n}-ОД"}, staff)
    from workflow_app.machines import fire
    from workflow_app.machines.order import order_lifecycle

    numbers = []
    for i in range(3):
        o = orders.create_draft(OrderKind.other, staff)
        o.title, o.items = f"Об утверждении плана {i}", [{"text": "Утвердить план.", "subitems": []}]
        fire(order_lifecycle, o, "send_for_approval", actor=staff)
        orders.decide_visa(o, approver, approve=True)
        orders.sign(o, rector)
        numbers.append(o.number)
    assert numbers == ["1-ОД", "2-ОД", "3-ОД"]


def test_visa_return_needs_a_remark_and_sends_the_draft_back(ctx):
    staff, approver, _ = _people()
    from workflow_app.machines import fire
    from workflow_app.machines.order import order_lifecycle

    o = orders.create_draft(OrderKind.other, staff)
    o.title, o.items = "Об утверждении положения", [{"text": "Утвердить положение.", "subitems": []}]
    fire(order_lifecycle, o, "send_for_approval", actor=staff)
    with pytest.raises(ValidationFailed, match="замечание"):
        orders.decide_visa(o, approver, approve=False, remark=" ")
    orders.decide_visa(o, approver, approve=False, remark="Уточнить пункт 1")
    assert o.status == OrderStatus.draft
    fire(order_lifecycle, o, "send_for_approval", actor=staff)
    assert [a.round for a in o.approvals] == [1, 2]
    assert orders.pending_visa(o, approver).round == 2


def test_sending_without_configured_approvers_is_refused(ctx):
    staff = make_user("staff@x.ru", Role.staff)
    o = orders.create_draft(OrderKind.other, staff)
    o.title, o.items = "Об утверждении", [{"text": "Утвердить.", "subitems": []}]
    from workflow_app.machines import fire
    from workflow_app.machines.order import order_lifecycle

    with pytest.raises(TransitionNotAllowed, match="Не настроен список согласующих"):
        fire(order_lifecycle, o, "send_for_approval", actor=staff)
    assert o.status == OrderStatus.draft


def test_only_a_signatory_signs(ctx):
    staff, approver, _ = _people()
    from workflow_app.machines import fire
    from workflow_app.machines.order import order_lifecycle

    o = orders.create_draft(OrderKind.other, staff)
    o.title, o.items = "Об утверждении", [{"text": "Утвердить.", "subitems": []}]
    fire(order_lifecycle, o, "send_for_approval", actor=staff)
    orders.decide_visa(o, approver, approve=True)
    with pytest.raises(PermissionDenied):
        orders.sign(o, staff)
    assert o.number is None


def test_signed_order_is_immutable_and_keeps_its_bytes(ctx, monkeypatch):
    order, *_ = _signed_results_order()
    db.session.commit()
    frozen = orders.document_bytes(order, "pdf")
    # A later template change must not alter the signed order's files.
    import workflow_app.documents.orders as builders

    monkeypatch.setattr(builders, "build_order_pdf", lambda doc: b"%PDF-changed template")
    assert orders.document_bytes(order, "pdf") == frozen
    order.title = "Другой заголовок"
    with pytest.raises(DomainError, match="Подписанный приказ изменить нельзя"):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Order, order.id).title.startswith("Об утверждении итогов")


def test_cancel_order_cancels_target_and_terminates_its_statuses(ctx):
    order, c, _, (staff, approver, rector) = _signed_results_order()
    cancel = orders.create_draft(OrderKind.cancel, staff, target=order)
    from workflow_app.machines import fire
    from workflow_app.machines.order import order_lifecycle

    fire(order_lifecycle, cancel, "send_for_approval", actor=staff)
    orders.decide_visa(cancel, approver, approve=True)
    orders.sign(cancel, rector)
    assert cancel.number == "2"
    assert order.status == OrderStatus.cancelled
    statuses = db.session.execute(select(StatusAward.status)).scalars().all()
    assert statuses == [AwardStatus.terminated, AwardStatus.terminated]


def test_staff_drafts_approver_visas_rector_signs_through_the_web(app, client):
    with app.app_context():
        _people()
        c, *_ = _campaign_with_winners()
        cid = c.id
        db.session.commit()
    login(client, "staff@x.ru")
    resp = post_form(client, "/orders/new", {"kind": "approve_results", "campaign_id": cid})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    oid = int(resp.headers["Location"].rstrip("/").split("/")[-2])
    page = client.get(f"/orders/{oid}/edit").get_data(as_text=True)
    assert "МБОУ СОШ № 1 полное" in page
    with app.app_context():
        version = db.session.get(Order, oid).version
    resp = post_form(client, f"/orders/{oid}/fire/send_for_approval", {"version": version},
                     form_url=f"/orders/{oid}")
    assert resp.status_code == 302
    client.post("/logout", data={"csrf_token": ""})
    client.delete_cookie("session")
    login(client, "prorector@x.ru")
    with app.app_context():
        version = db.session.get(Order, oid).version
    resp = post_form(client, f"/orders/{oid}/visa", {"version": version, "decision": "approve"},
                     form_url=f"/orders/{oid}")
    assert resp.status_code == 302
    client.delete_cookie("session")
    login(client, "rector@x.ru")
    with app.app_context():
        version = db.session.get(Order, oid).version
    resp = post_form(client, f"/orders/{oid}/fire/sign", {"version": version}, form_url=f"/orders/{oid}")
    assert resp.status_code == 302
    page = client.get(f"/orders/{oid}").get_data(as_text=True)
    assert "Подписан" in page and "№ 1 от" in page
    pdf = client.get(f"/orders/{oid}/file.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    docx = client.get(f"/orders/{oid}/file.docx")
    assert docx.data[:2] == b"PK"
    with app.app_context():
        starts = db.session.execute(select(func.min(StatusAward.term_from))).scalar_one()
    # The statuses start on 1 January after the competition: in the registry from that day, not before.
    registry = client.get(f"/registry?on={starts.isoformat()}").get_data(as_text=True)
    assert "МАДОУ д/с № 7" in registry and "Детский сад будущего" in registry
    if starts > today_local():
        assert "Детский сад будущего" not in client.get("/registry").get_data(as_text=True)


def test_applicant_and_coordinator_cannot_see_orders(app, client):
    with app.app_context():
        staff, *_ = _people()
        o = orders.create_draft(OrderKind.other, staff)
        o.title = "Секретный проект приказа"
        org = make_org()
        make_user("a@x.ru", (Role.applicant, org))
        oid = o.id
        db.session.commit()
    login(client, "a@x.ru")
    for url in (f"/orders/{oid}", f"/orders/{oid}/file.pdf", "/orders", "/orders/new"):
        resp = client.get(url)
        assert resp.status_code == 403
        assert "Секретный" not in resp.get_data(as_text=True)


@pytest.mark.postgres_only
@pytest.mark.commits
def test_two_concurrent_signings_get_distinct_consecutive_numbers(app):
    with app.app_context():
        staff, approver, rector = _people()
        from workflow_app.machines import fire
        from workflow_app.machines.order import order_lifecycle

        ids = []
        for i in range(2):
            o = orders.create_draft(OrderKind.other, staff)
            o.title, o.items = f"Об утверждении {i}", [{"text": "Утвердить.", "subitems": []}]
            fire(order_lifecycle, o, "send_for_approval", actor=staff)
            orders.decide_visa(o, approver, approve=True)
            ids.append(o.id)
        rector_id = rector.id
        db.session.commit()
    barrier = threading.Barrier(2)
    errors = []

    def sign(order_id):
        try:
            with app.app_context():
                from workflow_app.models import User

                o = db.session.get(Order, order_id)
                user = db.session.get(User, rector_id)
                barrier.wait()
                orders.sign(o, user)
                db.session.commit()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=sign, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    with app.app_context():
        seqs = sorted(db.session.execute(select(Order.seq).where(Order.id.in_(ids))).scalars())
        assert seqs == [1, 2]
        assert db.session.execute(select(func.count(Order.id)).where(Order.status == OrderStatus.signed)
                                  ).scalar_one() == 2


def test_scan_of_the_signed_order_is_attached_and_checked_by_content(app, client):
    with app.app_context():
        order, *_ = _signed_results_order()
        db.session.commit()
        oid, version = order.id, order.version
        pdf_bytes = orders.document_bytes(order, "pdf")
    login(client, "staff@x.ru")
    fake = post_form(client, f"/orders/{oid}/scan",
                     {"version": version, "scan": (io.BytesIO(b"<html><script>x</script>"), "scan.pdf")},
                     form_url=f"/orders/{oid}", content_type="multipart/form-data")
    assert fake.status_code == 302
    with app.app_context():
        assert db.session.get(Order, oid).scan_file_id is None
    ok = post_form(client, f"/orders/{oid}/scan",
                   {"version": version, "scan": (io.BytesIO(pdf_bytes), "скан.pdf")},
                   form_url=f"/orders/{oid}", content_type="multipart/form-data")
    assert ok.status_code == 302
    with app.app_context():
        o = db.session.get(Order, oid)
        assert o.scan_file is not None and o.scan_file.original_name == "скан.pdf"
        assert o.status == OrderStatus.signed and o.number == "1"
        fid = o.scan_file_id
    assert client.get(f"/files/{fid}").data == pdf_bytes


def test_editing_a_draft_checks_rows_and_versions(ctx):
    staff, _, _ = _people()
    c, *_ = _campaign_with_winners()
    order = orders.create_draft(OrderKind.approve_results, staff, campaign=c)
    db.session.commit()
    v = order.version
    fields = dict(title="Об утверждении итогов", preamble="", items="Утвердить итоги.\n- подпункт",
                  control="Контроль оставляю за собой.", signatory_position="Ректор",
                  signatory_name="Т.А. Гайдук")
    with pytest.raises(ValidationFailed, match="Строка 1 таблицы приложения: ожидается 4 столбцов"):
        orders.update_draft(order, staff, expected_version=v, annexes=[
            {"title": "Список", "text": "", "rows_text": "только | два"}], **fields)
    db.session.rollback()
    order = db.session.get(Order, order.id)
    assert order.title.startswith("Об утверждении итогов образовательного конкурса")
    orders.update_draft(order, staff, expected_version=v, annexes=[
        {"title": "Список", "text": "", "rows_text": "Школа | Краснодар | Тема | 2027–2029 гг."}], **fields)
    assert order.items == [{"text": "Утвердить итоги.", "subitems": ["подпункт"]}]
    assert order.annexes[0]["table"]["rows"] == [["1", "Школа", "Краснодар", "Тема", "2027–2029 гг."]]
    assert order.annexes[0]["table"]["widths"]  # column widths survive editing
    from workflow_app.errors import ConcurrentChange

    with pytest.raises(ConcurrentChange):
        orders.update_draft(order, staff, expected_version=v, annexes=[], **fields)
