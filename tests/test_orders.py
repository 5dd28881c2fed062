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
from workflow_app.models.status_award import AwardStatus, StatusAward
from workflow_app.services import orders
from workflow_app.services.platform import files, settings
from workflow_app.timeutil import today_local

from .factories import make_campaign, make_entry, make_org, make_user, status_type
from .helpers import docx_text, login, pdf_text, png_bytes, post_form


def _people():
    staff = make_user("staff@x.ru", Role.staff, name="Ковалёва И.П.")
    approver = make_user("prorector@x.ru", Role.staff, name="Проректор Первый")
    rector = make_user("rector@x.ru", Role.signatory, name="Гайдук Татьяна Алексеевна")
    rector.position = "Ректор"
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
    table = order.annexes[0]
    assert table["columns"][:4] == ["№", "Образовательная организация", "Муниципальное образование",
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
        # the term starts on 1 January after the competition: granted, not yet in force
        (e1.organization_id, status_type("KIP"), AwardStatus.scheduled, order.id),
        (e2.organization_id, status_type("KIP"), AwardStatus.scheduled, order.id),
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
    assert client.get(f"/orders/{oid}/edit").status_code == 200
    assert "МБОУ СОШ № 1 полное" in client.get(f"/orders/{oid}").get_data(as_text=True)
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


def _upload_scan(client, oid: int, data: bytes, name: str):
    from workflow_app.models.orders import Order as O

    with client.application.app_context():
        version = db.session.get(O, oid).version
    return post_form(client, f"/orders/{oid}/scan", {"version": version, "scan": (io.BytesIO(data), name)},
                     form_url=f"/orders/{oid}", content_type="multipart/form-data")


def test_scan_of_the_signed_order_is_attached_and_checked_by_content(app, client):
    with app.app_context():
        order, *_ = _signed_results_order()
        db.session.commit()
        oid = order.id
        pdf_bytes = orders.document_bytes(order, "pdf")
    login(client, "staff@x.ru")
    assert _upload_scan(client, oid, b"<html><script>x</script>", "scan.pdf").status_code == 302
    with app.app_context():
        assert db.session.get(Order, oid).scans == []
    assert _upload_scan(client, oid, pdf_bytes, "скан.pdf").status_code == 302
    with app.app_context():
        o = db.session.get(Order, oid)
        assert [(s.version, s.file.original_name) for s in o.scans] == [(1, "скан.pdf")]
        assert o.status == OrderStatus.signed and o.number == "1"
        fid = o.scans[0].file_id
    assert client.get(f"/files/{fid}").data == pdf_bytes


def test_a_second_scan_is_a_new_audited_version_and_the_first_is_kept(app, client):
    with app.app_context():
        order, *_ = _signed_results_order()
        db.session.commit()
        oid = order.id
        first = orders.document_bytes(order, "pdf")
    second = png_bytes()
    login(client, "staff@x.ru")
    assert _upload_scan(client, oid, first, "скан.pdf").status_code == 302
    resp = _upload_scan(client, oid, second, "скан исправленный.png")
    assert resp.status_code == 302
    page = client.get(f"/orders/{oid}").get_data(as_text=True)
    with app.app_context():
        scans = db.session.get(Order, oid).scans
        assert [s.version for s in scans] == [2, 1]  # newest first
        ids = {s.version: s.file_id for s in scans}
        events = db.session.execute(select(AuditEvent).where(
            AuditEvent.event == "order.scan_attached", AuditEvent.object_id == oid)
            .order_by(AuditEvent.id)).scalars().all()
        assert [e.payload["version"] for e in events] == [1, 2]
        assert [e.payload["file_id"] for e in events] == [ids[1], ids[2]]
    # The order page lists both, newest first, each with its uploader, size and a download link.
    listed = page[page.index('data-testid="scans"'):]
    listed = listed[:listed.index("</ul>")]
    assert listed.index("Версия 2") < listed.index("Версия 1")
    assert listed.count("Ковалёва И.П.") == 2 and listed.count("КБ") == 2
    assert f"/files/{ids[1]}" in page and f"/files/{ids[2]}" in page
    assert client.get(f"/files/{ids[1]}").data == first
    assert client.get(f"/files/{ids[2]}").data == second


def test_editing_a_draft_checks_rows_and_versions(ctx):
    staff, _, rector = _people()
    c, *_ = _campaign_with_winners()
    order = orders.create_draft(OrderKind.approve_results, staff, campaign=c)
    db.session.commit()
    v = order.version
    annex = dict(order.annexes[0])
    fields = dict(title="Об утверждении итогов", preamble="", items=orders.parse_items("Утвердить итоги.\n- подпункт"),
                  control_clause="Контроль оставляю за собой.", designated_signatory_id=rector.id)
    too_wide = {**annex, "rows": [["1", "Школа", "Краснодар", "Тема", "2027–2029 гг.", "лишняя"]]}
    with pytest.raises(orders.OrderInvalid, match="Строка 1: 6 ячеек, а столбцов 5") as refused:
        orders.update_content(order, staff, {**fields, "annexes": [too_wide]}, expected_version=v)
    assert refused.value.fields == {"annexes[0].rows[0]": "Строка 1: 6 ячеек, а столбцов 5."}
    db.session.rollback()
    order = db.session.get(Order, order.id)
    assert order.title.startswith("Об утверждении итогов образовательного конкурса")
    rows = [["1", "Школа", "Краснодар", "Тема", "2027–2029 гг."]]
    orders.update_content(order, staff, {**fields, "annexes": [{**annex, "rows": rows, "row_kinds": ["data"]}]},
                          expected_version=v)
    assert order.items == [{"text": "Утвердить итоги.", "subitems": ["подпункт"]}]
    assert order.annexes[0]["rows"] == rows
    assert order.annexes[0]["widths"]  # column widths survive editing
    from workflow_app.errors import ConcurrentChange

    with pytest.raises(ConcurrentChange):
        orders.update_content(order, staff, {**fields, "annexes": []}, expected_version=v)


# --- the designated signatory --------------------------------------------------------------------

def _approved_order(staff, approver, signatory=None) -> Order:
    """An approved order whose designated signatory is `signatory` (else the default one)."""
    from workflow_app.machines import fire
    from workflow_app.machines.order import order_lifecycle

    o = orders.create_draft(OrderKind.other, staff)
    o.title, o.items = "Об утверждении плана", [{"text": "Утвердить план.", "subitems": []}]
    if signatory is not None:
        o.designated_signatory = signatory
    fire(order_lifecycle, o, "send_for_approval", actor=staff)
    orders.decide_visa(o, approver, approve=True)
    return o


def _sign_through_the_web(app, client, oid: int):
    with app.app_context():
        version = db.session.get(Order, oid).version
    return post_form(client, f"/orders/{oid}/fire/sign", {"version": version}, form_url=f"/orders/{oid}")


def test_nobody_signs_in_the_designated_signatorys_name(app, client):
    with app.app_context():
        staff, approver, rector = _people()
        # A staff member who also holds the signatory role, and a plain staff member.
        deputy = make_user("deputy@x.ru", Role.staff, Role.signatory, name="Проректорова Елена Викторовна")
        deputy.position = "Первый проректор"
        make_user("clerk@x.ru", Role.staff, name="Делопроизводитель Анна Сергеевна")
        o = _approved_order(staff, approver, signatory=rector)
        oid, version = o.id, o.version
        db.session.commit()
    for email in ("clerk@x.ru", "deputy@x.ru"):
        client.delete_cookie("session")
        login(client, email)
        assert "Подписать</button>" not in client.get(f"/orders/{oid}").get_data(as_text=True)
        resp = _sign_through_the_web(app, client, oid)
        # Refused: the form posts back to the order page, which says why.
        assert resp.status_code == 302
        page = client.get(resp.headers["Location"]).get_data(as_text=True)
        assert "Подписать этот приказ может только назначенный подписант — Гайдук Татьяна Алексеевна" in page
        assert "Приказ подписан" not in page
    with app.app_context():
        o = db.session.get(Order, oid)
        assert (o.status, o.number, o.signatory_id, o.pdf_file_id, o.version) == (
            OrderStatus.approved, None, None, None, version)
        assert db.session.execute(select(func.count(AuditEvent.id)).where(
            AuditEvent.event == "order.sign")).scalar_one() == 0


def test_the_guard_refuses_any_actor_but_the_designated_signatory(ctx):
    from workflow_app.actors import SystemActor
    from workflow_app.machines import fire
    from workflow_app.machines.order import order_lifecycle

    staff, approver, rector = _people()
    deputy = make_user("deputy@x.ru", Role.signatory, name="Проректорова Елена Викторовна")
    o = _approved_order(staff, approver, signatory=rector)
    with pytest.raises(PermissionDenied, match="только назначенный подписант"):
        orders.sign(o, deputy)
    # The system actor, which the policy lets through, is stopped by the guard.
    with pytest.raises(TransitionNotAllowed, match="только назначенный подписант — Гайдук"):
        fire(order_lifecycle, o, "sign", actor=SystemActor("проверка"))
    assert o.status == OrderStatus.approved and o.number is None


def test_a_draft_names_only_a_signatory_with_a_position(ctx):
    staff, _, rector = _people()
    o = orders.create_draft(OrderKind.other, staff)
    assert o.designated_signatory_id == rector.id  # the only signatory is the default
    fields = dict(title="Об утверждении", preamble="", items=["Утвердить."], control_clause="", annexes=[])
    with pytest.raises(ValidationFailed, match="нет роли «Подписант»"):
        orders.update_content(o, staff, {**fields, "designated_signatory_id": staff.id})
    rector.position = ""
    with pytest.raises(ValidationFailed, match="не указана должность"):
        orders.update_content(o, staff, {**fields, "designated_signatory_id": rector.id})


def test_the_chosen_signatory_signs_and_the_documents_print_him(app, client):
    with app.app_context():
        staff, approver, rector = _people()
        deputy = make_user("deputy@x.ru", Role.signatory, name="Проректорова Елена Викторовна")
        deputy.position = "Первый проректор"
        o = orders.create_draft(OrderKind.other, staff)
        assert o.designated_signatory_id is None  # two signatories, none configured: the author chooses
        settings.update_institution({"signatory_user_id": rector.id}, staff)
        assert orders.create_draft(OrderKind.other, staff).designated_signatory_id == rector.id
        oid, deputy_id = o.id, deputy.id
        db.session.commit()
    login(client, "staff@x.ru")
    form = client.get(f"/orders/{oid}/edit").get_data(as_text=True)
    assert "Проректорова Елена Викторовна (Первый проректор)" in form
    assert "Гайдук Татьяна Алексеевна (Ректор)" in form
    with app.app_context():
        version = db.session.get(Order, oid).version
    resp = post_form(client, f"/orders/{oid}/edit", {
        "version": version, "title": "Об утверждении плана", "items": "Утвердить план.",
        "control": "", "signatory_id": deputy_id}, form_url=f"/orders/{oid}/edit")
    assert resp.status_code == 302, resp.get_data(as_text=True)
    with app.app_context():
        draft = pdf_text(orders.document_bytes(db.session.get(Order, oid), "pdf"))
        assert "Первый проректор" in draft and "Е.В. Проректорова" in draft
    post_form(client, f"/orders/{oid}/fire/send_for_approval",
              {"version": version + 1}, form_url=f"/orders/{oid}")
    client.delete_cookie("session")
    login(client, "prorector@x.ru")
    with app.app_context():
        version = db.session.get(Order, oid).version
    assert post_form(client, f"/orders/{oid}/visa", {"version": version, "decision": "approve"},
                     form_url=f"/orders/{oid}").status_code == 302
    # The rector is a signatory, but not this order's.
    client.delete_cookie("session")
    login(client, "rector@x.ru")
    refused = _sign_through_the_web(app, client, oid)
    assert "только назначенный подписант — Проректорова" in client.get(refused.headers["Location"]).get_data(
        as_text=True)
    client.delete_cookie("session")
    login(client, "deputy@x.ru")
    assert _sign_through_the_web(app, client, oid).status_code == 302
    with app.app_context():
        o = db.session.get(Order, oid)
        assert o.status == OrderStatus.signed and o.signatory_id == deputy_id
    for text in (pdf_text(client.get(f"/orders/{oid}/file.pdf").data),
                 docx_text(client.get(f"/orders/{oid}/file.docx").data)):
        assert "Первый проректор" in text and "Е.В. Проректорова" in text
        assert "Гайдук" not in text and "Ректор" not in text.replace("Первый проректор", "")


def test_dashboards_link_each_order_waiting_for_a_signature_or_a_visa(app, client):
    with app.app_context():
        staff, approver, rector = _people()
        waiting = _approved_order(staff, approver, signatory=rector)
        from workflow_app.machines import fire
        from workflow_app.machines.order import order_lifecycle

        visa = orders.create_draft(OrderKind.other, staff)
        visa.title, visa.items = "О методических днях", [{"text": "Провести.", "subitems": []}]
        fire(order_lifecycle, visa, "send_for_approval", actor=staff)
        signed_id, visa_id = waiting.id, visa.id
        db.session.commit()
    login(client, "rector@x.ru")
    page = client.get("/").get_data(as_text=True)
    assert "На подпись" in page
    assert f'<a href="/orders/{signed_id}">Об утверждении плана</a>' in page
    client.delete_cookie("session")
    login(client, "prorector@x.ru")
    page = client.get("/").get_data(as_text=True)
    assert "На согласование" in page
    assert f'<a href="/orders/{visa_id}">О методических днях</a>' in page
    assert f'<a href="/orders/{signed_id}">' not in page  # its visa is given


@pytest.mark.demo
def test_demo_orders_name_the_demo_signatory(app):
    with app.app_context():
        from workflow_app.models import User

        rector = db.session.execute(select(User).where(User.email == "signatory@iro.local")).scalar_one()
        assert settings.institution()["signatory_user_id"] == rector.id
        demo = db.session.execute(select(Order).order_by(Order.id)).scalars().all()
        issued_here = [o for o in demo if not o.issuer]
        assert issued_here and all(o.designated_signatory_id == rector.id for o in issued_here)
        # The ministry's order registered from outside, and a signed order with a multi-annex roadmap.
        # (the status history registers its own grounding orders of the ministry and municipalities too)
        external = [o for o in demo if o.status == OrderStatus.registered]
        assert all(o.issuer and o.number and o.signed_at is None for o in external)
        assert [(o.number, o.scans[0].version) for o in external if o.scans] == [("3541", 1)]
        # (orders prepared from the КРЦ/ЛСВ cycle's roadmaps, demo/krc.py, carry their roadmap_id)
        roadmap = [o for o in demo if o.kind == OrderKind.approve_roadmap and o.status == OrderStatus.signed
                   and "roadmap_id" not in (o.effects or {})]
        assert len(roadmap) == 1 and len(roadmap[0].annexes) == 2
        assert "group" in roadmap[0].annexes[0]["row_kinds"] and "continuation" in roadmap[0].annexes[0]["row_kinds"]
        signed = [o for o in demo if o.status == OrderStatus.signed]
        assert signed and all((o.signatory_id, o.signatory_position, o.signatory_name) ==
                              (rector.id, "Ректор", "Т.А. Гайдук") for o in signed)
        assert "Т.А. Гайдук" in pdf_text(orders.document_bytes(signed[0], "pdf"))
