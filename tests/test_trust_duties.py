"""Separation of duties: nobody signs in somebody else's name, nobody takes over another account."""
import pytest
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import OutboxMessage, Role, User

from .factories import make_user
from .helpers import login, post_form

ADMIN_ONLY = "только администратор"


def _form(user: User, **over):
    data = dict(email=user.email, full_name=user.full_name, position=user.position or "", phone="",
                organization_id="", version=str(user.version),
                roles=[g.role.name for g in user.grants])
    data.update(over)
    return data


@pytest.fixture
def people(app):
    with app.app_context():
        ids = {
            "staff": make_user("staff@x.ru", Role.staff, name="Сотрудникова Анна").id,
            "admin": make_user("admin@x.ru", Role.staff, Role.admin, name="Админов Пётр").id,
            "rector": make_user("rector@x.ru", Role.signatory, name="Гайдук Татьяна Алексеевна").id,
            "expert": make_user("expert@x.ru", Role.expert, name="Экспертов Иван").id,
        }
        db.session.commit()
    return ids


def _edit(app, client, target_id, **over):
    with app.app_context():
        user = db.session.get(User, target_id)
        form = _form(user, **over)
    return post_form(client, f"/users/{target_id}/edit", form)


def _roles(app, uid):
    with app.app_context():
        return sorted(g.role.name for g in db.session.get(User, uid).grants)


def _email(app, uid):
    with app.app_context():
        return db.session.get(User, uid).email


def test_staff_cannot_give_themselves_the_signatory_role(app, client, people):
    login(client, "staff@x.ru")
    resp = _edit(app, client, people["staff"], roles=["staff", "signatory"])
    assert resp.status_code == 422
    assert ADMIN_ONLY in resp.get_data(as_text=True)
    assert _roles(app, people["staff"]) == ["staff"]


def test_staff_cannot_grant_or_remove_signatory_for_others(app, client, people):
    login(client, "staff@x.ru")
    assert _edit(app, client, people["expert"], roles=["expert", "signatory"]).status_code == 422
    assert _edit(app, client, people["rector"], roles=["staff"]).status_code == 422
    assert _roles(app, people["expert"]) == ["expert"]
    assert _roles(app, people["rector"]) == ["signatory"]


def test_an_admin_grants_signatory_to_someone_else_but_not_to_themselves(app, client, people):
    login(client, "admin@x.ru")
    assert _edit(app, client, people["expert"], roles=["expert", "signatory"]).status_code == 302
    assert _roles(app, people["expert"]) == ["expert", "signatory"]
    resp = _edit(app, client, people["admin"], roles=["staff", "admin", "signatory"])
    assert resp.status_code == 422 and "Свои роли изменить нельзя" in resp.get_data(as_text=True)
    assert _roles(app, people["admin"]) == ["admin", "staff"]


def test_staff_cannot_change_another_users_email(app, client, people):
    login(client, "staff@x.ru")
    resp = _edit(app, client, people["rector"], email="attacker@evil.example")
    assert resp.status_code == 422
    assert ADMIN_ONLY in resp.get_data(as_text=True)
    assert _email(app, people["rector"]) == "rector@x.ru"
    with app.app_context():
        assert db.session.execute(select(OutboxMessage)).first() is None


def test_admin_changes_an_email_and_the_old_address_is_told(app, client, people):
    login(client, "admin@x.ru")
    assert _edit(app, client, people["rector"], email="rector.new@x.ru").status_code == 302
    assert _email(app, people["rector"]) == "rector.new@x.ru"
    with app.app_context():
        [mail] = db.session.execute(select(OutboxMessage)).scalars().all()
        assert mail.recipient_email == "rector@x.ru"
        assert "rector.new@x.ru" in mail.body and "Изменён адрес" in mail.subject


def test_staff_still_edit_ordinary_accounts(app, client, people):
    login(client, "staff@x.ru")
    assert _edit(app, client, people["expert"], roles=["expert", "coordinator"],
                 coordinator_municipality_ids=[]).status_code in (302, 422)
    # Their own e-mail is theirs to change.
    assert _edit(app, client, people["staff"], email="anna@x.ru").status_code == 302
    assert _email(app, people["staff"]) == "anna@x.ru"
