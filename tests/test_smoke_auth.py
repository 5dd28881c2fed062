from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Role

from .factories import make_org, make_user
from .helpers import login


def test_login_shows_dashboard_and_audits(app, client):
    with app.app_context():
        org = make_org()
        make_user("a@x.ru", (Role.applicant, org))
        db.session.commit()
    resp = login(client, "a@x.ru")
    assert resp.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Моя организация" in page
    assert "МБОУ СОШ № 1 полное" in page
    with app.app_context():
        events = db.session.execute(select(AuditEvent.event)).scalars().all()
    assert events == ["auth.login"]


def test_wrong_password_is_refused_in_russian_and_audited(app, client):
    with app.app_context():
        make_user("s@x.ru", Role.staff)
        db.session.commit()
    resp = login(client, "s@x.ru", "wrong-password")
    assert resp.status_code == 400
    assert "Неверный адрес электронной почты или пароль" in resp.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out
    with app.app_context():
        rows = db.session.execute(select(AuditEvent)).scalars().all()
    assert [(r.event, r.subject) for r in rows] == [("auth.login_failed", "s@x.ru")]
