"""Staff screens for users: list, export, create with invitation, roles, blocking."""
import io
import re

from openpyxl import load_workbook
from sqlalchemy import func, select

from workflow_app.extensions import db
from workflow_app.models import (
    AuditEvent,
    Channel,
    OutboxMessage,
    PasswordResetToken,
    Role,
    RoleGrant,
    User,
    UserStatus,
)

from .factories import PASSWORD, make_org, make_user, municipality
from .helpers import login, post_form


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-user-id="\d+">\s*<td><a href="[^"]+">([^<]+)</a>', html)


def _setup(app, staff_roles=(Role.staff,)):
    with app.app_context():
        org = make_org("МБОУ СОШ № 1", "sochi")
        make_user("boss@x.ru", *staff_roles, name="Борисова Анна")
        db.session.commit()
        return org.id, municipality("sochi").id


def _form(**over):
    data = dict(email="New.User@Example.ru", full_name="Новиков Пётр Ильич", position="Учитель",
                phone="", organization_id="", version="")
    data.update(over)
    return data


def test_list_search_filter_sort_and_export(app, client):
    with app.app_context():
        org = make_org("Школа", "sochi")
        make_user("staff@x.ru", Role.staff, name="Яковлева Мария")
        make_user("ivanov@x.ru", (Role.applicant, org), org=org, name="Иванов Иван")
        make_user("petrov@x.ru", Role.expert, name="Петров Пётр")
        db.session.commit()
        org_id = org.id
    login(client, "staff@x.ru")
    assert _rows(client.get("/users/").get_data(as_text=True)) == ["Иванов Иван", "Петров Пётр", "Яковлева Мария"]
    assert _rows(client.get("/users/?q=иванов").get_data(as_text=True)) == ["Иванов Иван"]
    assert _rows(client.get("/users/?q=PETROV@").get_data(as_text=True)) == ["Петров Пётр"]
    assert _rows(client.get("/users/?role=expert").get_data(as_text=True)) == ["Петров Пётр"]
    assert _rows(client.get(f"/users/?organization={org_id}").get_data(as_text=True)) == ["Иванов Иван"]
    assert _rows(client.get("/users/?sort=email&dir=desc").get_data(as_text=True)) == [
        "Яковлева Мария", "Петров Пётр", "Иванов Иван"]
    assert "Никого не найдено" in client.get("/users/?q=zzz").get_data(as_text=True)
    ws = load_workbook(io.BytesIO(client.get("/users/export.xlsx?role=applicant").data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:2] == ("E-mail", "ФИО")
    assert [(r[0], r[4], r[6]) for r in rows[1:]] == [("ivanov@x.ru", "Школа", "Заявитель: Школа")]


def test_non_staff_has_no_access(app, client):
    with app.app_context():
        make_user("e@x.ru", Role.expert)
        db.session.commit()
    login(client, "e@x.ru")
    for url in ("/users/", "/users/new", "/users/export.xlsx", "/import/users"):
        assert client.get(url).status_code == 403, url
    assert "Пользователи" not in client.get("/").get_data(as_text=True)


def test_create_user_sends_invitation_link_that_sets_password(app, client):
    org_id, _ = _setup(app)
    login(client, "boss@x.ru")
    resp = post_form(client, "/users/new", _form(organization_id=str(org_id), roles=["applicant"]))
    assert resp.status_code == 302
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == "new.user@example.ru")).scalar_one()
        assert [(g.role, g.organization_id) for g in user.grants] == [(Role.applicant, org_id)]
        assert user.password_hash is None
        mail = db.session.execute(select(OutboxMessage).where(OutboxMessage.channel == Channel.email)).scalar_one()
        token = db.session.execute(select(PasswordResetToken)).scalar_one()
        assert mail.recipient_email == "new.user@example.ru"
        assert 6 <= (token.expires_at - token.created_at).days <= 7
        ev = db.session.execute(select(AuditEvent).where(AuditEvent.event == "user.created")).scalar_one()
        assert ev.object_id == user.id and ev.payload["roles"] == ["Заявитель: МБОУ СОШ № 1"]
    path = re.search(r"http://[^/\s]+(/password/reset/\S+)", mail.body).group(1)
    invited = app.test_client()  # the new user, in their own browser
    resp = post_form(invited, path, {"password": "brand-new-pass-7", "repeat": "brand-new-pass-7"})
    assert resp.status_code == 302
    assert login(invited, "new.user@example.ru", "brand-new-pass-7").status_code == 302


def test_create_validation_in_russian_changes_nothing(app, client):
    org_id, muni_id = _setup(app)
    with app.app_context():
        make_user("taken@x.ru", Role.expert)
        db.session.commit()
    login(client, "boss@x.ru")
    resp = post_form(client, "/users/new", _form(email="TAKEN@x.ru", roles=["applicant", "coordinator"]))
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "Пользователь с таким адресом электронной почты уже есть." in page
    assert "Для роли «Заявитель» выберите организацию." in page
    assert "Для роли «Муниципальный координатор» выберите муниципалитет." in page
    resp = post_form(client, "/users/new", _form(email="not-an-email", full_name=""))
    assert resp.status_code == 422
    assert "Введите корректный адрес электронной почты." in resp.get_data(as_text=True)
    # Plain staff cannot grant the admin role.
    resp = post_form(client, "/users/new", _form(roles=["admin"]))
    assert resp.status_code == 422
    assert ("Назначать и снимать роли «Администратор» и «Подписант» может только администратор."
            in resp.get_data(as_text=True))
    with app.app_context():
        assert db.session.execute(select(func.count(User.id))).scalar_one() == 2
        assert db.session.execute(select(func.count(OutboxMessage.id))).scalar_one() == 0


def test_admin_grants_admin_and_coordinator_with_municipality(app, client):
    _, muni_id = _setup(app, staff_roles=(Role.admin,))
    login(client, "boss@x.ru")
    resp = post_form(client, "/users/new", _form(roles=["admin", "coordinator"],
                                                 coordinator_municipality_ids=[str(muni_id)]))
    assert resp.status_code == 302
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == "new.user@example.ru")).scalar_one()
        assert sorted((g.role.name, g.municipality_id) for g in user.grants) == [
            ("admin", None), ("coordinator", muni_id)]


def test_edit_roles_audited_and_stale_form_refused(app, client):
    org_id, muni_id = _setup(app)
    with app.app_context():
        target = make_user("t@x.ru", Role.expert, name="Тестов Тест")
        db.session.commit()
        tid, version = target.id, target.version
    login(client, "boss@x.ru")
    url = f"/users/{tid}/edit"
    form = _form(email="t@x.ru", full_name="Тестов Тест", roles=["expert", "coordinator"],
                 coordinator_municipality_ids=[str(muni_id)], version=str(version))
    assert post_form(client, url, form).status_code == 302
    with app.app_context():
        user = db.session.get(User, tid)
        assert sorted(g.role.name for g in user.grants) == ["coordinator", "expert"]
        assert user.version > version  # a role-only change still bumps the version
        ev = db.session.execute(select(AuditEvent).where(AuditEvent.event == "user.roles_changed")).scalar_one()
        assert ev.payload == {"added": ["Муниципальный координатор: город-курорт Сочи"], "removed": []}
        upd = db.session.execute(select(AuditEvent).where(AuditEvent.event == "user.updated")).scalar_one()
        assert upd.payload["changes"]["position"] == ["", "Учитель"]
    resp = post_form(client, url, dict(form, roles=["expert"]))
    assert resp.status_code == 409 and "изменена другим пользователем" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count(RoleGrant.id)).where(RoleGrant.user_id == tid)).scalar_one() == 2


def test_staff_cannot_edit_or_block_an_admin(app, client):
    _setup(app)
    with app.app_context():
        admin = make_user("root@x.ru", Role.admin)
        db.session.commit()
        aid = admin.id
    login(client, "boss@x.ru")
    assert client.get(f"/users/{aid}/edit").status_code == 403
    resp = post_form(client, f"/users/{aid}/deactivate", {"reason": "x", "version": 1}, form_url="/password")
    assert resp.status_code == 403


def test_deactivated_user_cannot_log_in_and_staff_cannot_block_self(app, client):
    _setup(app)
    with app.app_context():
        target = make_user("t@x.ru", Role.expert)
        me = db.session.execute(select(User).where(User.email == "boss@x.ru")).scalar_one()
        db.session.commit()
        tid, version, me_id = target.id, target.version, me.id
    login(client, "boss@x.ru")
    resp = post_form(client, f"/users/{tid}/deactivate", {"reason": "", "version": version},
                     form_url=f"/users/{tid}/edit", follow_redirects=True)
    assert "укажите причину" in resp.get_data(as_text=True)
    resp = post_form(client, f"/users/{tid}/deactivate", {"reason": "Уволен", "version": version},
                     form_url=f"/users/{tid}/edit")
    assert resp.status_code == 302
    resp = post_form(client, f"/users/{me_id}/deactivate", {"reason": "Хочу", "version": 1},
                     form_url=f"/users/{tid}/edit", follow_redirects=True)
    assert "Нельзя заблокировать собственную учётную запись." in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, tid).status == UserStatus.deactivated
        assert db.session.get(User, me_id).status == UserStatus.active
        ev = db.session.execute(select(AuditEvent).where(AuditEvent.event == "user.deactivate")).scalar_one()
        assert (ev.object_id, ev.reason) == (tid, "Уволен")
    other = app.test_client()
    resp = login(other, "t@x.ru", PASSWORD)
    assert resp.status_code == 400 and "Учётная запись заблокирована" in resp.get_data(as_text=True)
    assert other.get("/").status_code == 302
