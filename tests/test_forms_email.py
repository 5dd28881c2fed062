"""Institutional addresses on ".local" (the demo accounts among them) can sign in and ask for a reset."""
from workflow_app.extensions import db
from workflow_app.models import Role

from .factories import make_user
from .helpers import login, post_form


def test_local_domain_address_signs_in(app, client):
    with app.app_context():
        make_user("staff@iro.local", Role.staff)
        db.session.commit()
    resp = login(client, "staff@iro.local")
    assert resp.status_code == 302
    assert client.get("/").status_code == 200


def test_local_domain_address_passes_reset_form_but_garbage_does_not(app, client):
    ok = post_form(client, "/password/reset", {"email": "nobody@iro.local"})
    assert ok.status_code == 302
    bad = post_form(client, "/password/reset", {"email": "not-an-address"})
    assert bad.status_code == 200
    assert "Введите корректный адрес электронной почты." in bad.get_data(as_text=True)
