"""In-app notices link to their object, and a notice asking for an action (accept an assignment, give a
visa, sign an order) stops asking once the task is done: it leaves the unread and «to do» counts and
shows as done."""
from __future__ import annotations

import re

from workflow_app.extensions import db
from workflow_app.machines import fire
from workflow_app.machines.order import order_lifecycle
from workflow_app.models import Role, User
from workflow_app.models.orders import Order, OrderKind
from workflow_app.services import orders
from workflow_app.services.competition import assignment as assignment_service
from workflow_app.services.platform import notices, settings

from .factories import admitted_entry, make_campaign, make_expert, make_user, review_stage
from .helpers import login, post_form


def _counts(email: str) -> tuple[int, int]:
    user = db.session.query(User).filter_by(email=email).one()
    return notices.unread_count(user), notices.todo_count(user)


def _links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" data-testid="notice-link">', html)


def test_offered_assignment_notice_links_to_it_and_closes_when_accepted(app, client):
    with app.app_context():
        c = make_campaign()
        e = admitted_entry(c)
        make_expert("x@x.ru")
        staff = make_user("staff@x.ru", Role.staff)
        x = db.session.query(User).filter_by(email="x@x.ru").one()
        a = assignment_service.manual_assign(e, review_stage(c), x.id, staff, reason="профиль совпадает")
        aid = a.id
        db.session.commit()
        assert _counts("x@x.ru") == (1, 1)
    login(client, "x@x.ru")
    page = client.get("/notices").get_data(as_text=True)
    assert _links(page) == [f"/expert/assignments/{aid}"]
    assert "Ждёт действия" in page
    resp = post_form(client, f"/expert/assignments/{aid}/respond/accept", {}, form_url=f"/expert/assignments/{aid}")
    assert resp.status_code == 302
    with app.app_context():
        assert _counts("x@x.ru") == (0, 0)
    page = client.get("/notices").get_data(as_text=True)
    assert "Выполнено" in page and "Ждёт действия" not in page


def test_declined_assignment_notice_is_no_longer_counted_even_unread(app):
    with app.app_context():
        c = make_campaign()
        e = admitted_entry(c)
        make_expert("x@x.ru")
        staff = make_user("staff@x.ru", Role.staff)
        x = db.session.query(User).filter_by(email="x@x.ru").one()
        a = assignment_service.manual_assign(e, review_stage(c), x.id, staff, reason="профиль совпадает")
        assert _counts("x@x.ru") == (1, 1)
        assignment_service.respond(a, "decline", x, "нет времени")
        assert _counts("x@x.ru") == (0, 0)


def _order_in_approval():
    staff = make_user("staff@x.ru", Role.staff)
    approver = make_user("prorector@x.ru", Role.staff)
    second = make_user("second@x.ru", Role.staff)
    make_user("rector@x.ru", Role.signatory).position = "Ректор"
    settings.update_institution({"approver_ids": [approver.id, second.id]}, staff)
    order = orders.create_draft(OrderKind.other, staff)
    order.title = "О проведении семинара"
    order.items = [{"text": "Провести семинар.", "subitems": []}]
    fire(order_lifecycle, order, "send_for_approval", actor=staff)
    return order, approver, second


def test_visa_notice_links_to_the_order_and_closes_when_the_visa_is_given(app, client):
    with app.app_context():
        order, approver, second = _order_in_approval()
        oid = order.id
        db.session.commit()
        assert _counts("prorector@x.ru") == (1, 1) and _counts("second@x.ru") == (1, 1)
        orders.decide_visa(order, approver, approve=True)
        db.session.commit()
        assert _counts("prorector@x.ru") == (0, 0)
        assert _counts("second@x.ru") == (1, 1)  # still asked: their visa is not given yet
        assert _counts("rector@x.ru") == (0, 0)  # nothing to sign until every visa is in
    login(client, "second@x.ru")
    assert _links(client.get("/notices").get_data(as_text=True)) == [f"/orders/{oid}"]


def test_order_waiting_for_signature_asks_the_signatory_until_signed(app, client):
    with app.app_context():
        order, approver, second = _order_in_approval()
        orders.decide_visa(order, approver, approve=True)
        orders.decide_visa(order, second, approve=True)
        oid = order.id
        db.session.commit()
        assert _counts("rector@x.ru") == (1, 1)
    login(client, "rector@x.ru")
    page = client.get("/notices").get_data(as_text=True)
    assert "ожидает подписи" in page.lower() and _links(page) == [f"/orders/{oid}"]
    with app.app_context():
        version = db.session.get(Order, oid).version
    resp = post_form(client, f"/orders/{oid}/fire/sign", {"version": version}, form_url=f"/orders/{oid}")
    assert resp.status_code == 302
    with app.app_context():
        assert _counts("rector@x.ru") == (0, 0)
    page = client.get("/notices").get_data(as_text=True)
    assert "Выполнено" in page and "Ждёт действия" not in page


def test_returned_draft_no_longer_asks_the_other_approvers(app):
    with app.app_context():
        order, approver, second = _order_in_approval()
        orders.decide_visa(order, approver, approve=False, remark="Уточнить дату")
        assert _counts("second@x.ru") == (0, 0)  # the visa is no longer asked for
