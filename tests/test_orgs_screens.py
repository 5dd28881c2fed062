"""Staff screens for organisations: list, export, form, lifecycle, scoping, query count."""
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, func, select

from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Organization, OrgStatus, OrgType, Role

from .factories import make_org, make_user, municipality
from .helpers import login, post_form


def _names(html: str) -> list[str]:
    """Short names in the order the list table shows them."""
    return re.findall(r'<tr data-org-id="\d+">\s*<td><a href="[^"]+">([^<]+)</a>', html)


@pytest.fixture
def staff_client(app, client):
    with app.app_context():
        make_user("staff@x.ru", Role.staff, name="Сотрудник Иро")
        db.session.commit()
    login(client, "staff@x.ru")
    return client


def _seed_three(app):
    with app.app_context():
        make_org("МБОУ СОШ № 1", "krasnodar", OrgType.OO, inn="2310000001")
        make_org("МАДОУ д/с № 7", "sochi", OrgType.DOO)
        org = make_org("Гимназия № 3", "anapa", OrgType.OO)
        org.status = OrgStatus.deactivated
        db.session.commit()


def test_list_search_filter_sort(app, staff_client):
    _seed_three(app)
    c = staff_client
    assert _names(c.get("/orgs/").get_data(as_text=True)) == ["Гимназия № 3", "МАДОУ д/с № 7", "МБОУ СОШ № 1"]
    # Case-insensitive Cyrillic search on both backends, and by INN.
    assert _names(c.get("/orgs/?q=сош").get_data(as_text=True)) == ["МБОУ СОШ № 1"]
    assert _names(c.get("/orgs/?q=ГИМНАЗИЯ").get_data(as_text=True)) == ["Гимназия № 3"]
    assert _names(c.get("/orgs/?q=2310000001").get_data(as_text=True)) == ["МБОУ СОШ № 1"]
    assert _names(c.get("/orgs/?type=DOO").get_data(as_text=True)) == ["МАДОУ д/с № 7"]
    assert _names(c.get("/orgs/?status=deactivated").get_data(as_text=True)) == ["Гимназия № 3"]
    with app.app_context():
        sochi = municipality("sochi").id
    assert _names(c.get(f"/orgs/?municipality={sochi}").get_data(as_text=True)) == ["МАДОУ д/с № 7"]
    # Sort by municipality name, both directions: «город Краснодар» < «город-курорт Анапа» < «город-курорт Сочи».
    asc = _names(c.get("/orgs/?sort=municipality").get_data(as_text=True))
    desc = _names(c.get("/orgs/?sort=municipality&dir=desc").get_data(as_text=True))
    assert asc == ["МБОУ СОШ № 1", "Гимназия № 3", "МАДОУ д/с № 7"] and desc == asc[::-1]
    empty = c.get("/orgs/?q=несуществующая").get_data(as_text=True)
    assert _names(empty) == [] and "Ничего не найдено" in empty


def test_pagination(app, staff_client):
    with app.app_context():
        for i in range(7):
            make_org(f"Школа {i:02d}")
        db.session.commit()
    p1 = staff_client.get("/orgs/?per_page=3").get_data(as_text=True)
    p3 = staff_client.get("/orgs/?per_page=3&page=3").get_data(as_text=True)
    assert _names(p1) == ["Школа 00", "Школа 01", "Школа 02"]
    assert _names(p3) == ["Школа 06"]
    assert "Стр. 1 из 3 (всего 7)" in p1


def test_export_has_the_filtered_rows(app, staff_client):
    _seed_three(app)
    resp = staff_client.get("/orgs/export.xlsx?type=OO&sort=name")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("Тип", "Полное наименование", "Краткое наименование")
    assert [(r[0], r[2], r[3], r[9]) for r in rows[1:]] == [
        ("ОО", "Гимназия № 3", "город-курорт Анапа", "Деактивирована"),
        ("ОО", "МБОУ СОШ № 1", "город Краснодар", "Действует"),
    ]


def _org_form(app, **over):
    with app.app_context():
        mid = municipality("krasnodar").id
    data = dict(org_type="OO", full_name="Муниципальное бюджетное общеобразовательное учреждение № 5",
                short_name="МБОУ № 5", municipality_id=str(mid), address="ул. Красная, 1",
                head_name="Петров П. П.", email="school5@edu.ru", phone="+7 861 000-00-00", inn="")
    data.update(over)
    return data


def _count(model):
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_create_validation_errors_change_nothing(app, staff_client):
    resp = post_form(staff_client, "/orgs/new", _org_form(app, full_name="", inn="12345", email="bad@"))
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "Заполните это поле." in page
    assert "ИНН должен состоять из 10 или 12 цифр." in page
    assert "Введите корректный адрес электронной почты." in page
    with app.app_context():
        assert _count(Organization) == 0 and _count(AuditEvent) == 1  # only the login


def test_create_then_duplicate_name_in_same_municipality(app, staff_client):
    resp = post_form(staff_client, "/orgs/new", _org_form(app, inn="231000000012"))
    assert resp.status_code == 302
    with app.app_context():
        org = db.session.execute(select(Organization)).scalar_one()
        assert (org.short_name, org.inn, org.org_type) == ("МБОУ № 5", "231000000012", OrgType.OO)
        ev = db.session.execute(select(AuditEvent).where(AuditEvent.event == "organization.created")).scalar_one()
        assert ev.object_id == org.id
    # Same full name, other letter case and spacing: refused next to the field.
    dup = _org_form(app, full_name="муниципальное  бюджетное общеобразовательное учреждение № 5",
                    short_name="Другая")
    resp = post_form(staff_client, "/orgs/new", dup)
    assert resp.status_code == 422
    assert re.search(r'id="full_name-err">Организация с таким полным наименованием уже есть в этом '
                     r'муниципалитете\.<', resp.get_data(as_text=True))
    # In another municipality the same name is fine.
    with app.app_context():
        sochi = municipality("sochi").id
    assert post_form(staff_client, "/orgs/new", dict(dup, municipality_id=str(sochi))).status_code == 302
    with app.app_context():
        assert _count(Organization) == 2


def test_edit_audits_changes_and_refuses_stale_form(app, staff_client):
    with app.app_context():
        org = make_org("Школа", inn=None)
        db.session.commit()
        oid, version = org.id, org.version
    url = f"/orgs/{oid}/edit"
    form = _org_form(app, full_name="Школа полное", short_name="Школа № 1", version=str(version))
    assert post_form(staff_client, url, form).status_code == 302
    with app.app_context():
        org = db.session.get(Organization, oid)
        assert org.short_name == "Школа № 1" and org.version == version + 1
        ev = db.session.execute(select(AuditEvent).where(AuditEvent.event == "organization.updated")).scalar_one()
        assert ev.payload["changes"]["short_name"] == ["Школа", "Школа № 1"]
        assert "full_name" not in ev.payload["changes"]
    # The same (now stale) form again, with another change: refused, nothing changed.
    resp = post_form(staff_client, url, dict(form, short_name="Чужая правка"))
    assert resp.status_code == 409
    assert "изменена другим пользователем" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Organization, oid).short_name == "Школа № 1"
    page = staff_client.get(f"/orgs/{oid}").get_data(as_text=True)
    assert "«Школа» → «Школа № 1»" in page  # history on the organisation page


def test_deactivate_needs_reason_and_fresh_version(app, staff_client):
    with app.app_context():
        org = make_org("Школа")
        db.session.commit()
        oid, version = org.id, org.version
    url = f"/orgs/{oid}/deactivate"
    resp = post_form(staff_client, url, {"reason": " ", "version": version}, form_url=f"/orgs/{oid}",
                     follow_redirects=True)
    assert "укажите причину" in resp.get_data(as_text=True)
    resp = post_form(staff_client, url, {"reason": "Закрыта", "version": version - 1},
                     form_url=f"/orgs/{oid}", follow_redirects=True)
    assert "изменена другим пользователем" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Organization, oid).status == OrgStatus.active
    resp = post_form(staff_client, url, {"reason": "Закрыта", "version": version}, form_url=f"/orgs/{oid}")
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(Organization, oid).status == OrgStatus.deactivated
    page = staff_client.get(f"/orgs/{oid}").get_data(as_text=True)
    assert "Причина: Закрыта" in page and "Восстановить" in page


def test_coordinator_sees_own_municipality_read_only(app, client):
    with app.app_context():
        mine = make_org("Своя школа", "sochi")
        other = make_org("Чужая школа", "krasnodar")
        make_user("c@x.ru", (Role.coordinator, municipality("sochi")))
        db.session.commit()
        mine_id, other_id = mine.id, other.id
    login(client, "c@x.ru")
    page = client.get("/orgs/").get_data(as_text=True)
    assert _names(page) == ["Своя школа"] and "Чужая школа" not in page
    assert "Добавить" not in page
    # Even asking for the other municipality by filter shows nothing of it.
    with app.app_context():
        kr = municipality("krasnodar").id
    assert "Чужая школа" not in client.get(f"/orgs/?municipality={kr}").get_data(as_text=True)
    wb = load_workbook(io.BytesIO(client.get("/orgs/export.xlsx").data)).active
    assert [r[2] for r in wb.iter_rows(min_row=2, values_only=True)] == ["Своя школа"]
    own = client.get(f"/orgs/{mine_id}")
    assert own.status_code == 200 and "Изменить" not in own.get_data(as_text=True)
    other_page = client.get(f"/orgs/{other_id}")
    assert other_page.status_code == 403 and "Чужая школа" not in other_page.get_data(as_text=True)
    assert client.get(f"/orgs/{mine_id}/edit").status_code == 403
    assert client.get("/orgs/new").status_code == 403


def test_applicant_sees_only_own_organisation_page(app, client):
    with app.app_context():
        mine = make_org("Моя школа", "sochi")
        other = make_org("Соседняя школа", "sochi")
        make_user("a@x.ru", (Role.applicant, mine), org=mine)
        db.session.commit()
        mine_id, other_id = mine.id, other.id
    login(client, "a@x.ru")
    assert client.get("/orgs/").status_code == 403
    assert "Организации" not in client.get("/").get_data(as_text=True)  # no nav item
    assert client.get(f"/orgs/{mine_id}").status_code == 200
    resp = client.get(f"/orgs/{other_id}")
    assert resp.status_code == 403 and "Соседняя школа" not in resp.get_data(as_text=True)
    assert client.get("/orgs/999999").status_code == 404
    resp = post_form(client, f"/orgs/{mine_id}/deactivate", {"reason": "x", "version": 1},
                     form_url="/password")
    assert resp.status_code == 403


def test_list_query_count_does_not_grow_with_page_size(app, staff_client):
    with app.app_context():
        for i in range(60):
            make_org(f"Школа {i:02d}", ("krasnodar", "sochi", "anapa")[i % 3])
        db.session.commit()
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    staff_client.get("/orgs/?per_page=5")  # warm-up (first request loads lazily-built things)
    event.listen(engine, "before_cursor_execute", count)
    try:
        statements.clear()
        small = staff_client.get("/orgs/?per_page=5")
        n_small = len(statements)
        statements.clear()
        big = staff_client.get("/orgs/?per_page=50")
        n_big = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(_names(small.get_data(as_text=True))) == 5
    assert len(_names(big.get_data(as_text=True))) == 50
    assert n_small == n_big <= 12
