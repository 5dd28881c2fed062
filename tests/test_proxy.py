"""Behind a trusted proxy the client's address is the forwarded one; without one, the header is ignored."""
from sqlalchemy import select

from workflow_app import create_app
from workflow_app.extensions import db
from workflow_app.models import AuditEvent

from .helpers import csrf_token

FORWARDED = {"X-Forwarded-For": "203.0.113.7"}


def _failed_login_ip(app) -> str:
    client = app.test_client()
    token = csrf_token(client, "/login")
    resp = client.post("/login", data={"csrf_token": token, "email": "nobody@x.ru", "password": "wrong-pass-1"},
                       headers=FORWARDED)
    assert resp.status_code == 400
    with app.app_context():
        return db.session.execute(select(AuditEvent.ip).where(AuditEvent.event == "auth.login_failed")
                                  .order_by(AuditEvent.id.desc()).limit(1)).scalar_one()


def test_forwarded_address_only_from_a_trusted_proxy(app):
    assert _failed_login_ip(app) == "127.0.0.1"  # by default a client cannot choose its own address
    proxied = create_app(dict(app.config, TRUSTED_PROXIES=1), instance_path=app.instance_path)
    assert _failed_login_ip(proxied) == "203.0.113.7"
