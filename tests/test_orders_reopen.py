"""Nothing gets stuck: an order under approval or approved goes back to the draft with a reason (visas reset,
audited, only staff or its signatory), and a failure while generating the documents at signing changes
nothing, so the order can be signed once the cause is gone."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from workflow_app.errors import PermissionDenied, TransitionNotAllowed
from workflow_app.extensions import db
from workflow_app.machines import fire
from workflow_app.machines.order import order_lifecycle
from workflow_app.models import AuditEvent, Role, User
from workflow_app.models.files import StoredFile
from workflow_app.models.notification import OutboxMessage
from workflow_app.models.orders import Order, OrderApproval, OrderCounter, OrderKind, OrderStatus, VisaStatus
from workflow_app.services import orders
from workflow_app.services.orders import queries
from workflow_app.services.platform import settings

from .factories import make_user
from .helpers import login, post_form


def _people(two_approvers: bool = False):
    staff = make_user("staff@x.ru", Role.staff, name="Ковалёва Ирина Петровна")
    approver = make_user("prorector@x.ru", Role.staff, name="Захарченко Елена Викторовна")
    ids = [approver.id]
    if two_approvers:
        ids.append(make_user("lawyer@x.ru", Role.staff, name="Юристова Анна Павловна").id)
    rector = make_user("rector@x.ru", Role.signatory, name="Гайдук Татьяна Алексеевна")
    rector.position = "Ректор"
    settings.update_institution({"approver_ids": ids}, staff)
    return staff, approver, rector


def _draft(staff) -> Order:
    order = orders.create_draft(OrderKind.other, staff)
    order.title = "Об утверждении плана методических дней"
    order.items = [{"text": "Утвердить план.", "subitems": []}]
    return order


def _open_requests(order_id: int) -> int:
    return db.session.execute(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.object_type == "order_doc", OutboxMessage.object_id == order_id,
        OutboxMessage.needs_action.is_(True), OutboxMessage.resolved_at.is_(None))).scalar_one()


def test_an_approved_order_goes_back_to_the_draft_with_its_visas_reset(ctx):
    staff, approver, rector = _people()
    order = _draft(staff)
    fire(order_lifecycle, order, "send_for_approval", actor=staff)
    orders.decide_visa(order, approver, approve=True)
    assert order.status == OrderStatus.approved and _open_requests(order.id) == 1  # the rector's
    with pytest.raises(TransitionNotAllowed, match="укажите причину"):
        fire(order_lifecycle, order, "reopen", actor=staff, reason="  ")
    fire(order_lifecycle, order, "reopen", actor=rector, reason="В пункте 1 не та дата")
    assert order.status == OrderStatus.draft
    assert _open_requests(order.id) == 0  # the rector is no longer asked to sign
    row = db.session.execute(select(AuditEvent).where(AuditEvent.event == "order.reopen")).scalar_one()
    assert (row.from_state, row.to_state, row.reason) == ("approved", "draft", "В пункте 1 не та дата")
    assert row.payload["visas_reset"] == {"round": 1, "given": [approver.id], "withdrawn": []}
    # The draft is edited and sent again: a new round; the old visa does not count.
    orders.update_content(order, staff, {"title": "Об утверждении плана методических дней на 2027 год"})
    fire(order_lifecycle, order, "send_for_approval", actor=staff)
    assert order.status == OrderStatus.approval
    assert [(a.round, a.status) for a in order.approvals] == [(1, VisaStatus.approved), (2, VisaStatus.pending)]
    orders.decide_visa(order, approver, approve=True)
    orders.sign(order, rector)
    assert order.status == OrderStatus.signed


def test_an_order_stuck_under_approval_is_taken_back_and_no_visa_is_left_waiting(ctx):
    staff, approver, rector = _people(two_approvers=True)
    order = _draft(staff)
    fire(order_lifecycle, order, "send_for_approval", actor=staff)
    orders.decide_visa(order, approver, approve=True)
    fire(order_lifecycle, order, "reopen", actor=staff, reason="Юрист в отпуске, согласующие меняются")
    assert order.status == OrderStatus.draft
    pending = db.session.execute(select(func.count(OrderApproval.id)).where(
        OrderApproval.order_id == order.id, OrderApproval.status == VisaStatus.pending)).scalar_one()
    assert pending == 0 and _open_requests(order.id) == 0


def test_only_staff_or_the_designated_signatory_may_reopen(ctx):
    staff, approver, rector = _people()
    order = _draft(staff)  # the rector, the only signatory yet, is its designated signatory
    other_signatory = make_user("deputy@x.ru", Role.signatory, name="Проректорова Елена Викторовна")
    expert = make_user("expert@x.ru", Role.expert)
    fire(order_lifecycle, order, "send_for_approval", actor=staff)
    orders.decide_visa(order, approver, approve=True)
    for who in (other_signatory, expert):
        with pytest.raises(PermissionDenied):
            fire(order_lifecycle, order, "reopen", actor=who, reason="Хочу вернуть")
    assert order.status == OrderStatus.approved
    orders.sign(order, rector)
    with pytest.raises(TransitionNotAllowed):  # a signed order never goes back
        fire(order_lifecycle, order, "reopen", actor=staff, reason="Ошибка")


def test_reopen_through_the_web_needs_a_reason(app, client):
    with app.app_context():
        staff, approver, _ = _people()
        order = _draft(staff)
        fire(order_lifecycle, order, "send_for_approval", actor=staff)
        orders.decide_visa(order, approver, approve=True)
        oid, version = order.id, order.version
        db.session.commit()
    login(client, "staff@x.ru")
    page = client.get(f"/orders/{oid}").get_data(as_text=True)
    assert "Вернуть в проект" in page
    resp = post_form(client, f"/orders/{oid}/reopen", {"version": version, "reason": ""}, form_url=f"/orders/{oid}")
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(Order, oid).status == OrderStatus.approved
    resp = post_form(client, f"/orders/{oid}/reopen", {"version": version, "reason": "Исправить преамбулу"},
                     form_url=f"/orders/{oid}")
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(Order, oid).status == OrderStatus.draft
    assert "Исправить преамбулу" in client.get("/staff/audit/").get_data(as_text=True)


def test_a_failure_while_generating_the_documents_signs_nothing_and_can_be_retried(app, client, monkeypatch):
    with app.app_context():
        staff, approver, _ = _people()
        order = _draft(staff)
        fire(order_lifecycle, order, "send_for_approval", actor=staff)
        orders.decide_visa(order, approver, approve=True)
        oid, version = order.id, order.version
        db.session.commit()
        files_before = db.session.execute(select(func.count(StoredFile.id))).scalar_one()
    import workflow_app.documents.orders as builders

    real = builders.build_order_docx

    def broken(doc):  # the PDF is already stored when the DOCX fails
        raise ValueError("the DOCX writer refused a value")

    monkeypatch.setattr(builders, "build_order_docx", broken)
    login(client, "rector@x.ru")
    resp = post_form(client, f"/orders/{oid}/fire/sign", {"version": version}, form_url=f"/orders/{oid}")
    assert resp.status_code == 302  # back to the page with the Russian message, not a server error
    page = client.get(f"/orders/{oid}").get_data(as_text=True)
    assert "Не удалось сформировать PDF и DOCX приказа" in page
    with app.app_context():
        order = db.session.get(Order, oid)
        assert (order.status, order.number, order.signed_at, order.pdf_file_id) == (
            OrderStatus.approved, None, None, None)
        assert db.session.execute(select(func.count(StoredFile.id))).scalar_one() == files_before
        assert db.session.execute(select(OrderCounter.last)).scalar_one_or_none() in (None, 0)
        assert db.session.execute(select(func.count(AuditEvent.id)).where(
            AuditEvent.event == "order.sign")).scalar_one() == 0
    monkeypatch.setattr(builders, "build_order_docx", real)
    resp = post_form(client, f"/orders/{oid}/fire/sign", {"version": version}, form_url=f"/orders/{oid}")
    assert resp.status_code == 302
    with app.app_context():
        order = db.session.get(Order, oid)
        assert order.status == OrderStatus.signed and order.number == "1"  # the number was not spent


def test_a_visa_returned_by_one_approver_leaves_no_stale_visa_for_the_other(ctx):
    staff, approver, _ = _people(two_approvers=True)
    lawyer = db.session.execute(select(User).where(User.email == "lawyer@x.ru")).scalar_one()
    order = _draft(staff)
    fire(order_lifecycle, order, "send_for_approval", actor=staff)
    orders.decide_visa(order, approver, approve=False, remark="Нет ссылки на основание")
    assert order.status == OrderStatus.draft
    fire(order_lifecycle, order, "send_for_approval", actor=staff)
    # The lawyer has one visa to give (the new round's), not two.
    assert queries.pending_visas(lawyer) == 1 and len(queries.to_approve(lawyer)) == 1
