"""The ФИП pages as a user meets them: a КИП holder opens a case, sees readiness gaps, drafts the items
(tables posted as the grid JSON, the infographic uploaded and checked by content), one review round with
remarks and a word diff, staff record the council and the ministry's order, and the ФИП status appears in
the public registry. Refusals change nothing."""
from __future__ import annotations

import json

from workflow_app.extensions import db
from workflow_app.models.fip_case import FipCase, FipStatus
from workflow_app.models.status_award import StatusAward

from .fip_helpers import full_form, kip_holder
from .helpers import csrf_token, docx_text, login, pdf_bytes, png_bytes


def _post(client, url, data, form_url, files=None):
    data = {"csrf_token": csrf_token(client, form_url), **data}
    if files:
        data.update(files)
    return client.post(url, data=data, content_type="multipart/form-data" if files else None,
                       follow_redirects=False)


def _as(app, email):
    client = app.test_client()
    login(client, email)
    return client


def _version(app, case_id):
    with app.app_context():
        return db.session.get(FipCase, case_id).version


def _fire(app, client, case_id, name, **data):
    """Press a transition's button on the case page (with the record version the page showed)."""
    return _post(client, f"/fip/{case_id}/transitions/{name}", {"version": _version(app, case_id), **data},
                 f"/fip/{case_id}")


def test_a_kip_holder_goes_all_the_way_to_the_registry(app, client):
    with app.app_context():
        org, staff, applicant, award = kip_holder("МБОУ СОШ № 9")
        db.session.commit()
        org_id, award_id, staff_email, app_email = org.id, award.id, staff.email, applicant.email
    login(client, app_email)
    r = _post(client, "/fip/new", {"organization_id": org_id, "kip_award_id": award_id,
                                   "project": "Наставничество", "year": "2027"}, "/fip/new")
    assert r.status_code == 302
    case_id = int(r.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/fip/{case_id}").get_data(as_text=True)
    assert "Не хватает:" in page and "По принятым отчётам: 0." in page and "Инфографика модели" in page

    r = _fire(app, client, case_id, "start_drafting")
    assert r.status_code == 302
    items = full_form()
    form = {f"item_{k}": (json.dumps(v) if isinstance(v, dict) else v) for k, v in items.items()}
    # A bad table is refused whole: nothing of the other items is kept.
    bad = {**form, "item_11": json.dumps({"columns": ["Дата"], "rows": [["1"]]}), "version": _version(app, case_id)}
    r = _post(client, f"/fip/{case_id}/form", bad, f"/fip/{case_id}/form")
    assert r.status_code == 422 and "«Мероприятие»" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(FipCase, case_id).form.get("3") in (None, "")
    r = _post(client, f"/fip/{case_id}/form", {**form, "version": _version(app, case_id)}, f"/fip/{case_id}/form")
    assert r.status_code == 302
    # The infographic is checked by content: a PDF named .png is refused.
    r = _post(client, f"/fip/{case_id}/infographic", {}, f"/fip/{case_id}/form",
              files={"file": (__import__("io").BytesIO(pdf_bytes()), "model.png")})
    with app.app_context():
        assert db.session.get(FipCase, case_id).infographic_file_id is None
    r = _post(client, f"/fip/{case_id}/infographic", {}, f"/fip/{case_id}/form",
              files={"file": (__import__("io").BytesIO(png_bytes()), "model.png")})
    with app.app_context():
        assert db.session.get(FipCase, case_id).infographic_file_id is not None
    r = _fire(app, client, case_id, "send_for_review")
    assert r.status_code == 302

    client = _as(app, staff_email)
    r = _post(client, f"/fip/{case_id}/remarks", {"remark_8": "Назовите наставников."}, f"/fip/{case_id}")
    assert r.status_code == 302
    r = _fire(app, client, case_id, "return_for_revision")
    assert r.status_code == 302

    client = _as(app, app_email)
    page = client.get(f"/fip/{case_id}/form").get_data(as_text=True)
    assert "Замечание методиста: Назовите наставников." in page
    form["item_8"] = items["8"] + " Наставники — методисты ТМС."
    r = _post(client, f"/fip/{case_id}/form", {**form, "version": _version(app, case_id)}, f"/fip/{case_id}/form")
    assert r.status_code == 302
    assert _fire(app, client, case_id, "send_for_review").status_code == 302
    diff = client.get(f"/fip/{case_id}/rounds/2").get_data(as_text=True)
    assert '<ins class="text-success">Наставники — методисты ТМС.</ins>' in diff

    client = _as(app, staff_email)
    # A council without its date is refused with the field named, nothing changes.
    r = _fire(app, client, case_id, "recommend", council_protocol="7", council_decision="Рекомендовать")
    assert r.status_code == 422 and "Дата заседания совета: укажите дату." in r.get_data(as_text=True)
    for name, data in (("recommend", {"council_date": "2026-06-20", "council_protocol": "7",
                                      "council_decision": "Рекомендовать к подаче"}),
                       ("submit", {"submitted_on": "2026-09-25"}),
                       ("recognise", {"issuer": "Минпросвещения России", "number": "Р-77",
                                      "order_date": "2026-11-20", "term_from": "2027-01-01"})):
        r = _fire(app, client, case_id, name, **data)
        assert r.status_code == 302, (name, r.get_data(as_text=True)[:2000])
    with app.app_context():
        case = db.session.get(FipCase, case_id)
        assert case.status == FipStatus.recognised
        fip = db.session.get(StatusAward, case.fip_award_id)
        assert fip.status_type.short_name == "ФИП"
    page = client.get(f"/fip/{case_id}").get_data(as_text=True)
    history = page.split('data-testid="fip-history"')[1]
    assert history.count("Отправить методисту") == 2 and "Вернуть на доработку" in history
    assert "Признана ФИП" in history
    docx = client.get(f"/fip/{case_id}/export.docx")
    assert docx.status_code == 200 and "Назовите" not in docx_text(docx.data)
    assert "Наставники — методисты ТМС." in docx_text(docx.data)
    registry = app.test_client().get("/registry?on=2028-06-01").get_data(as_text=True)
    assert "МБОУ СОШ № 9" in registry and "ФИП" in registry


def test_other_organisations_see_nothing(app, client):
    with app.app_context():
        org, staff, applicant, award = kip_holder("МБОУ СОШ № 5")
        from workflow_app.models import Role
        from workflow_app.services.fip import cases

        from .factories import make_org, make_user

        other = make_user("other@x.ru", (Role.applicant, make_org("Чужая школа", "sochi")))
        case = cases.open_case(applicant, org, "Проект", 2027, kip_award_id=award.id)
        db.session.commit()
        case_id, other_email = case.id, other.email
    login(client, other_email)
    assert client.get(f"/fip/{case_id}").status_code == 403
    assert client.get(f"/fip/{case_id}/export.pdf").status_code == 403
    assert "Проект" not in client.get("/fip").get_data(as_text=True).split("<table")[-1] or \
        "Подготовок заявок не найдено" in client.get("/fip").get_data(as_text=True)
