"""Hostile input gets a Russian answer and changes nothing: NUL bytes, ids beyond the column's range."""
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select

from workflow_app import create_app
from workflow_app.config import ProductionConfig
from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Role, User

from .factories import make_user
from .helpers import csrf_token, login, post_form


@pytest.fixture
def staff(app):
    with app.app_context():
        make_user("staff@x.ru", Role.staff)
        db.session.commit()


def test_nul_in_an_anonymous_query_is_a_russian_400(client):
    resp = client.get("/registry?q=%00")
    assert resp.status_code == 400
    assert "недопустимый символ" in resp.get_data(as_text=True)


@pytest.mark.parametrize("query", ["status=ok&status=%00", "a%00=1"])
def test_nul_in_a_repeated_query_value_or_a_name_is_refused(client, query):
    resp = client.get(f"/registry?{query}")
    assert resp.status_code == 400 and "недопустимый символ" in resp.get_data(as_text=True)


def test_nul_in_a_form_is_refused_and_changes_nothing(app, client, staff):
    with app.app_context():
        before = db.session.execute(select(func.count(AuditEvent.id))).scalar_one()
    resp = client.post("/login", data={"email": "staff@x.ru\x00", "password": "x"})
    assert resp.status_code == 400
    assert "недопустимый символ" in resp.get_data(as_text=True)
    with app.app_context():
        # Not even a failed-login row: the request never reached the login logic.
        assert db.session.execute(select(func.count(AuditEvent.id))).scalar_one() == before


@pytest.mark.parametrize("url", ["/orders/2147483648", "/campaigns/2147483648",
                                 "/orgs/99999999999999999999", "/users/9223372036854775808"])
def test_ids_beyond_the_database_integer_are_404(app, client, staff, url):
    login(client, "staff@x.ru")
    resp = client.get(url)
    assert resp.status_code == 404
    assert "Страница не найдена" in resp.get_data(as_text=True)


def test_largest_database_integer_is_still_an_ordinary_404(app, client, staff):
    login(client, "staff@x.ru")
    assert client.get("/orders/2147483647").status_code == 404


def test_werkzeug_bad_request_page_is_russian(client):
    # A malformed multipart body: Werkzeug refuses it before any view runs.
    resp = client.post("/login", data=b"--x\r\nbroken", content_type="multipart/form-data; boundary=x")
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert "Bad Request" not in body and ("Неверный запрос" in body or "Форма устарела" in body)


def test_production_sends_hsts_and_development_does_not(tmp_path):
    cfg = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}", "UPLOAD_DIR": str(tmp_path / "u"),
           "SECRET_KEY": "k" * 40, "GC_FREEZE": False, "BASE_URL": "https://iro.example.ru"}
    prod = create_app(dict({k: getattr(ProductionConfig, k) for k in dir(ProductionConfig) if k.isupper()}, **cfg),
                      instance_path=str(tmp_path / "i1"))
    hsts = prod.test_client().get("/login", base_url="https://x.example").headers.get("Strict-Transport-Security")
    assert hsts and "max-age=31536000" in hsts
    dev = create_app(cfg, instance_path=str(tmp_path / "i2"))
    assert "Strict-Transport-Security" not in dev.test_client().get("/login").headers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_does_not_announce_itself(tmp_path):
    root = Path(__file__).resolve().parent.parent
    port = _free_port()
    env = dict(os.environ, INSTANCE_DIR=str(tmp_path), GC_FREEZE="0",
               DATABASE_URL=f"sqlite:///{tmp_path / 'g.sqlite3'}")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen([str(gunicorn), "-w", "1", "-b", f"127.0.0.1:{port}", "workflow_app:create_app()"],
                            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/app.css", timeout=2) as resp:
                    server = resp.headers.get("Server", "")
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert "gunicorn" not in server.lower()


def test_wtforms_own_messages_are_russian(app, client, staff):
    login(client, "staff@x.ru")
    resp = post_form(client, "/orgs/new", {"org_type": "NO_SUCH_TYPE", "full_name": "Школа", "short_name": "Ш",
                                           "municipality_id": "", "email": "x" * 250 + "@x.ru"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Неверный вариант" in body  # WTForms: «Not a valid choice»
    assert "Not a valid" not in body and "Field must be" not in body and "Invalid" not in body


def test_reset_mail_links_come_from_base_url_not_the_host_header(app, client):
    from workflow_app.models import OutboxMessage

    with app.app_context():
        make_user("r@x.ru", Role.staff)
        db.session.commit()
    evil = "http://evil.example"  # the request's Host header, chosen by whoever sends it
    page = client.get("/password/reset", base_url=evil).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*? value="([^"]+)"', page).group(1)
    resp = client.post("/password/reset", data={"csrf_token": token, "email": "r@x.ru"}, base_url=evil)
    assert resp.status_code == 302
    with app.app_context():
        [row] = db.session.execute(select(OutboxMessage)).scalars().all()
    base = app.config["BASE_URL"].rstrip("/")
    assert "evil.example" not in row.body
    assert f"{base}/password/reset/" in row.body


def test_production_refuses_to_start_without_base_url(tmp_path, monkeypatch):
    monkeypatch.delenv("BASE_URL", raising=False)
    cfg = dict({k: getattr(ProductionConfig, k) for k in dir(ProductionConfig) if k.isupper()},
               SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.sqlite3'}", UPLOAD_DIR=str(tmp_path / "u"),
               SECRET_KEY="k" * 40, GC_FREEZE=False, BASE_URL="")
    with pytest.raises(RuntimeError, match="BASE_URL"):
        create_app(cfg, instance_path=str(tmp_path / "i"))


@pytest.mark.parametrize("remember", [False, True])
def test_logout_ends_the_session_on_the_server(app, staff, remember):
    client = app.test_client()
    login(client, "staff@x.ru", remember=remember)
    assert client.get("/").status_code == 200
    saved = {c.key: c.value for c in client._cookies.values()}
    token = csrf_token(client, "/")
    client.post("/logout", data={"csrf_token": token})
    # Whoever copied the cookies before the logout (a shared computer, a stolen cookie) gets nothing.
    thief = app.test_client()
    for key, value in saved.items():
        thief.set_cookie(key, value)
    resp = thief.get("/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def _submitted_world(app):
    from workflow_app.models.competition import Entry
    from workflow_app.services.competition import dossier as dossier_svc

    from .factories import make_world

    with app.app_context():
        w = make_world()
        applicant = db.session.execute(select(User).where(User.email == "appa@x.ru")).scalar_one()
        dossier_svc.submit(applicant, db.session.get(Entry, w.entry_id))
        db.session.commit()
        return w.entry_id, db.session.get(Entry, w.entry_id).version


@pytest.mark.parametrize("due", ["9999-12-31", "2001-01-01"])
def test_a_correction_due_date_out_of_bounds_is_a_form_error(app, client, due):
    from workflow_app.models.competition import Entry, EntryStatus

    entry_id, version = _submitted_world(app)
    login(client, "staff@x.ru")
    resp = post_form(client, f"/entries/{entry_id}/return",
                     {"reason": "Исправить", "due": due, "expected_version": version},
                     form_url=f"/entries/{entry_id}", follow_redirects=True)
    assert "Укажите дату с" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Entry, entry_id).status == EntryStatus.submitted


def test_a_non_numeric_version_is_a_russian_400(app, client):
    from workflow_app.models.orders import Order, OrderKind
    from workflow_app.services import orders as orders_svc

    with app.app_context():
        staff = make_user("st@x.ru", Role.staff)
        order = orders_svc.create_draft(OrderKind.other, staff)
        db.session.commit()
        oid, status = order.id, order.status
    login(client, "st@x.ru")
    resp = post_form(client, f"/orders/{oid}/fire/send_for_approval", {"version": "abc"}, form_url=f"/orders/{oid}")
    assert resp.status_code == 400
    assert "Форма повреждена" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Order, oid).status == status
