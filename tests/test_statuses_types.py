"""Status types and termination grounds are data administrators edit: checked, audited, used at once."""
from __future__ import annotations

import json

from workflow_app.extensions import db
from workflow_app.models import AuditEvent, OrgType, Role
from workflow_app.models.status_type import StatusType

from .factories import make_user, status_type
from .helpers import login, post_form


def _form(st: StatusType, **over) -> dict:
    data = {"version": st.version, "name": st.name, "short_name": st.short_name,
            "default_term_years": st.default_term_years, "holder_org_types": st.holder_org_types,
            "report_due_day": st.report_due_day, "report_due_month": st.report_due_month,
            "final_report": "y", "granting_body": st.granting_body.name, "suspension_allowed": "y",
            "requirements": json.dumps(st.requirements, ensure_ascii=False)}
    data.update(over)
    return data


def test_seeded_types_carry_the_krc_minimum_requirements(ctx):
    krc = status_type("KRC")
    assert (krc.short_name, krc.default_term_years, krc.report_due_day, krc.report_due_month) == ("КРЦ", 3, 1, 12)
    assert {(r["code"], r["min"], r["unit"]) for r in krc.requirements} == {
        ("products", 3, "шт."), ("events", 3, "в год"), ("network", 5, "орг."), ("teachers_trained", 41, "%")}
    assert set(krc.holder_types) == {OrgType.MOUO, OrgType.TMS}
    assert status_type("FIP").granting_body.name == "federal" and not status_type("FIP").suspension_allowed
    assert status_type("MIP").granting_body.name == "municipality"


def test_admin_edits_a_type_with_russian_errors_and_an_audit_row(app, client):
    with app.app_context():
        make_user("a@x.ru", Role.admin)
        make_user("s@x.ru", Role.staff)
        db.session.commit()
        st = status_type("LSV")
        type_id, form = st.id, _form(st)
    staff = app.test_client()
    login(staff, "s@x.ru")
    assert staff.get("/statuses/types").status_code == 403
    login(client, "a@x.ru")
    url = f"/statuses/types/{type_id}"
    bad = post_form(client, url, {**form, "requirements": '[{"code": "x", "name": "Сеть", "min": -1}]',
                                  "short_name": "КИП", "report_due_day": 31, "report_due_month": 2})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422
    for message in ("min — неотрицательное число", "уже есть у другого типа", "Такой даты нет"):
        assert message in text, message
    reqs = [{"code": "network", "name": "Участники сети", "min": 7, "unit": "орг."}]
    ok = post_form(client, url, {**form, "default_term_years": 4, "report_due_day": 15, "report_due_month": 11,
                                 "requirements": json.dumps(reqs, ensure_ascii=False), "holder_org_types": ["TMS"]})
    assert ok.status_code == 302
    with app.app_context():
        st = db.session.get(StatusType, type_id)
        assert (st.default_term_years, st.report_due_day, st.report_due_month) == (4, 15, 11)
        assert st.requirements == reqs and st.holder_org_types == ["TMS"]
        assert db.session.execute(db.select(AuditEvent.payload).where(
            AuditEvent.event == "status_type.updated", AuditEvent.object_id == type_id)).scalar_one()["before"][
            "default_term_years"] == 3
    assert "≥ 7 орг." in client.get("/statuses/types").get_data(as_text=True)


def test_grounds_are_edited_and_retired_not_deleted(app, client):
    from workflow_app.services.statuses import types

    with app.app_context():
        make_user("a@x.ru", Role.admin)
        db.session.commit()
    login(client, "a@x.ru")
    resp = post_form(client, "/statuses/grounds", {"grounds": "Не представлены отчёты дважды\nИное основание"},
                     form_url="/statuses/types")
    assert resp.status_code == 302
    with app.app_context():
        assert [g.name for g in types.grounds()] == ["Не представлены отчёты дважды", "Иное основание"]
        retired = [g.name for g in types.grounds(active_only=False) if not g.is_active]
        assert "По заявлению организации" in retired
    empty = post_form(client, "/statuses/grounds", {"grounds": "  "}, form_url="/statuses/types")
    assert empty.status_code == 422 and "Укажите хотя бы одно основание" in empty.get_data(as_text=True)


def test_admin_adds_a_type_that_the_import_and_registry_know_at_once(app, client):
    from workflow_app.services.statuses import types

    with app.app_context():
        make_user("a@x.ru", Role.admin)
        db.session.commit()
    login(client, "a@x.ru")
    form = {"name": "Опорная школа", "short_name": "ОШ", "default_term_years": 2, "holder_org_types": ["OO"],
            "report_due_day": 1, "report_due_month": 12, "final_report": "y", "granting_body": "institute",
            "requirements": "[]"}
    bad = post_form(client, "/statuses/types/new", {**form, "code": "кип"})
    assert bad.status_code == 422 and "латинских заглавных" in bad.get_data(as_text=True)
    taken = post_form(client, "/statuses/types/new", {**form, "code": "KIP"})
    assert taken.status_code == 422 and "Такой код уже есть" in taken.get_data(as_text=True)
    assert post_form(client, "/statuses/types/new", {**form, "code": "SUPPORT"}).status_code == 302
    with app.app_context():
        st = types.by_short("ош")
        assert st.code == "SUPPORT" and st.holder_org_types == ["OO"] and not st.suspension_allowed
        assert types.all_types()[-1].code == "SUPPORT"
    assert "Опорная школа (ОШ)" in client.get("/registry").get_data(as_text=True)
