"""The staff mail queue page with «Повторить», and a user's in-app notices with read/unread."""
import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import event, select

from workflow_app.extensions import db
from workflow_app.models import AuditEvent, OutboxMessage, Role, User
from workflow_app.models.base import utcnow
from workflow_app.notifications.dispatch import dispatch_pending
from workflow_app.services.platform import outbox

from .factories import make_user
from .helpers import csrf_token, login, post_form


def _queue_three(app):
    """One sent, one pending, one given up."""
    with app.app_context():
        make_user("staff@x.ru", Role.staff)
        make_user("app@x.ru", Role.applicant)
        ids = {}
        for state in ("sent", "pending", "failed"):
            row = outbox.queue_email(state, email=f"{state}@x.ru", subject=f"Письмо {state}", body="…")
            db.session.flush()
            ids[state] = row.id
        sent = db.session.get(OutboxMessage, ids["sent"])
        sent.sent_at, sent.attempts = utcnow(), 1
        failed = db.session.get(OutboxMessage, ids["failed"])
        failed.failed, failed.attempts, failed.last_error = True, 8, "SMTPRecipientsRefused: 550"
        db.session.commit()
        return ids


def _ids(html):
    return sorted(int(i) for i in re.findall(r'data-outbox-id="(\d+)"', html))


def test_queue_page_filters_by_state(app, client):
    ids = _queue_three(app)
    login(client, "staff@x.ru")
    assert _ids(client.get("/staff/outbox/").get_data(as_text=True)) == sorted(ids.values())
    for state, rid in ids.items():
        html = client.get(f"/staff/outbox/?state={state}").get_data(as_text=True)
        assert _ids(html) == [rid], state
    html = client.get("/staff/outbox/?state=failed").get_data(as_text=True)
    assert "Не доставлено" in html and "SMTPRecipientsRefused: 550" in html
    assert html.count(">Отправить повторно</button>") == 1
    assert _ids(client.get("/staff/outbox/?q=pending@").get_data(as_text=True)) == [ids["pending"]]


def test_queue_export(app, client):
    _queue_three(app)
    login(client, "staff@x.ru")
    resp = client.get("/staff/outbox/export.xlsx?state=failed")
    rows = list(load_workbook(io.BytesIO(resp.data)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1:4] == ("failed@x.ru", "Письмо failed", "Не доставлено")


def test_retry_puts_a_failed_message_back_and_is_audited(app, client, smtp_server):
    ids = _queue_three(app)
    login(client, "staff@x.ru")
    resp = post_form(client, f"/staff/outbox/{ids['failed']}/retry", {}, form_url="/staff/outbox/?state=failed",
                     follow_redirects=True)
    assert resp.status_code == 200
    assert "снова поставлено в очередь" in resp.get_data(as_text=True)
    with app.app_context():
        row = db.session.get(OutboxMessage, ids["failed"])
        assert not row.failed and row.attempts == 0 and row.next_attempt_at <= utcnow()
        ev = db.session.execute(select(AuditEvent).where(AuditEvent.event == "outbox.retry")).scalar_one()
        assert ev.object_type == "outbox" and ev.object_id == row.id and ev.actor.email == "staff@x.ru"
        assert ev.payload["attempts"] == 8 and "550" in ev.payload["last_error"]
        assert dispatch_pending()["sent"] == 2  # it goes out with the pending one
    assert sorted(m["To"] for m in smtp_server.messages) == ["failed@x.ru", "pending@x.ru"]


def test_retry_refused_for_a_message_not_given_up(app, client):
    ids = _queue_three(app)
    login(client, "staff@x.ru")
    token = csrf_token(client, "/staff/outbox/")
    resp = client.post(f"/staff/outbox/{ids['sent']}/retry", data={"csrf_token": token},
                       headers={"Referer": "http://localhost/staff/outbox/"}, follow_redirects=True)
    assert "Отправить повторно можно только недоставленное письмо" in resp.get_data(as_text=True)
    assert client.post("/staff/outbox/99999/retry", data={"csrf_token": token}).status_code == 404
    with app.app_context():
        assert db.session.execute(select(AuditEvent).where(AuditEvent.event == "outbox.retry")).first() is None


def test_retry_needs_staff_and_csrf(app, client):
    ids = _queue_three(app)
    login(client, "app@x.ru")
    assert client.get("/staff/outbox/").status_code == 403
    token = csrf_token(client, "/")
    assert client.post(f"/staff/outbox/{ids['failed']}/retry", data={"csrf_token": token}).status_code == 403
    staff = app.test_client()
    login(staff, "staff@x.ru")
    assert staff.post(f"/staff/outbox/{ids['failed']}/retry").status_code == 400  # no token
    with app.app_context():
        assert db.session.get(OutboxMessage, ids["failed"]).failed


# --- in-app notices ---------------------------------------------------------------------------

def _notices(app, email, n):
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == email)).scalar_one()
        base = utcnow()
        for i in range(n):
            row = outbox.queue_notice(f"n-{email}-{i}", user=user, subject=f"Уведомление {i}", body="Текст")
            row.created_at = base + timedelta(seconds=i)
        db.session.commit()


def _badge(html):
    m = re.search(r'data-testid="unread-count">(\d+)<', html)
    return int(m.group(1)) if m else 0


def test_notices_unread_badge_mark_read_and_pagination(app, client):
    with app.app_context():
        make_user("a@x.ru", Role.expert)
        make_user("b@x.ru", Role.expert)
        db.session.commit()
    _notices(app, "a@x.ru", 30)
    _notices(app, "b@x.ru", 2)  # someone else's: never shown or counted
    login(client, "a@x.ru")
    assert _badge(client.get("/").get_data(as_text=True)) == 30

    first = client.get("/notices").get_data(as_text=True)
    assert first.count('data-testid="notice-new"') == 25  # PAGE_SIZE: shown = read
    assert "Уведомление 29" in first and "Уведомление 4" not in first  # newest first
    assert _badge(first) == 5
    assert "Стр. 1 из 2" in first

    second = client.get("/notices?page=2").get_data(as_text=True)
    assert second.count('data-testid="notice-new"') == 5 and "Уведомление 0" in second
    assert _badge(second) == 0
    again = client.get("/notices").get_data(as_text=True)
    assert 'data-testid="notice-new"' not in again and "Уведомление 29" in again

    other = app.test_client()
    login(other, "b@x.ru")
    html = other.get("/notices").get_data(as_text=True)
    assert html.count("data-notice-id") == 2


def test_notices_empty_state(app, client):
    with app.app_context():
        make_user("a@x.ru", Role.expert)
        db.session.commit()
    login(client, "a@x.ru")
    html = client.get("/notices").get_data(as_text=True)
    assert "Уведомлений нет" in html and 'data-testid="unread-count"' not in html


def _statements(app, client, url):
    seen = []

    def count(conn, cursor, statement, params, context, executemany):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen


def test_unread_badge_costs_one_query(app, client):
    with app.app_context():
        make_user("a@x.ru", Role.expert)
        db.session.commit()
    login(client, "a@x.ru")
    quiet = _statements(app, client, "/")
    _notices(app, "a@x.ru", 40)
    busy = _statements(app, client, "/")
    assert len(busy) == len(quiet)  # as many notices as you like, the same queries
    assert len([s for s in busy if "FROM outbox" in s]) == 1
    assert _badge(client.get("/").get_data(as_text=True)) == 40
