"""The audit log: append-only in the ORM and in the database; the staff journal page and export."""
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from workflow_app import audit
from workflow_app.extensions import db
from workflow_app.machines.account import user_lifecycle
from workflow_app.machines.base import fire
from workflow_app.models import AuditEvent, Role, User
from workflow_app.models.audit import AuditLogIsAppendOnly

from .factories import make_user
from .helpers import login


def _one_event(app, **kw) -> int:
    with app.app_context():
        row = audit.record(kw.pop("event", "test.event"), **kw)
        db.session.commit()
        return row.id


# --- append-only ------------------------------------------------------------------------------

def test_orm_refuses_to_modify_an_audit_row(app):
    eid = _one_event(app, reason="original")
    with app.app_context():
        row = db.session.get(AuditEvent, eid)
        row.reason = "rewritten"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        assert db.session.get(AuditEvent, eid).reason == "original"


def test_orm_refuses_to_delete_an_audit_row(app):
    eid = _one_event(app)
    with app.app_context():
        db.session.delete(db.session.get(AuditEvent, eid))
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.execute(update(AuditEvent).values(reason="x"))
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.execute(delete(AuditEvent))
        db.session.rollback()
        assert db.session.get(AuditEvent, eid) is not None


def test_orm_guard_leaves_other_changes_alone(app):
    eid = _one_event(app)
    with app.app_context():
        db.session.get(AuditEvent, eid)  # loaded, untouched
        user = make_user("g@x.ru", Role.staff)
        user.full_name = "Другое Имя Отчество"
        db.session.commit()


@pytest.mark.commits  # the refusal is tested on a connection of its own
@pytest.mark.parametrize("sql", [
    "UPDATE audit_event SET reason = 'rewritten'",
    "DELETE FROM audit_event",
])
def test_database_refuses_update_and_delete(app, sql):
    eid = _one_event(app, reason="original")
    with app.app_context():
        with pytest.raises(DBAPIError) as err, db.engine.begin() as conn:
            conn.execute(text(sql))
        assert "append-only" in str(err.value)
        row = db.session.get(AuditEvent, eid)
        assert row.reason == "original"


@pytest.mark.commits  # the refusal is tested on a connection of its own
def test_inserts_still_work_after_a_refusal(app):
    _one_event(app)
    with app.app_context(), pytest.raises(DBAPIError), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event"))
    _one_event(app)
    with app.app_context():
        assert len(db.session.execute(select(AuditEvent)).scalars().all()) == 2


# --- the journal ------------------------------------------------------------------------------

@pytest.fixture
def journal(app):
    """Staff, an applicant, and a few events of several kinds at known times."""
    with app.app_context():
        staff = make_user("staff@x.ru", Role.staff, name="Сидорова Мария Петровна")
        target = make_user("target@x.ru", Role.expert, name="Орлов Пётр Ильич")
        make_user("app@x.ru", Role.applicant, name="Заявитель Тест")
        db.session.commit()
        fire(user_lifecycle, target, "deactivate", actor=staff, reason="Уволен",
             payload={"order": "№ 12"})
        db.session.commit()
        at = datetime(2026, 3, 1, 21, 30, tzinfo=UTC)  # 2 March 00:30 in Moscow
        db.session.add(AuditEvent(at=at, event="auth.login_failed", object_type="auth",
                                  subject="intruder@evil.ru", ip="203.0.113.7", reason="wrong credentials"))
        db.session.add(AuditEvent(at=datetime(2026, 3, 1, 20, 59, tzinfo=UTC), actor_id=staff.id,
                                  event="auth.login", object_type="user_account", object_id=staff.id))
        db.session.commit()
        return {"staff": staff.id, "target": target.id}


def _rows(page: str) -> list[str]:
    return [chunk.split('"')[0] for chunk in page.split('data-audit-id="')[1:]]


def test_journal_shows_labels_reason_payload_ip(app, client, journal):
    login(client, "staff@x.ru")
    page = client.get(f"/staff/audit/?object_type=user_account&object_id={journal['target']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert len(_rows(html)) == 1
    assert "Заблокировать" in html and "Активна → Заблокирована" in html
    assert "Уволен" in html and "№ 12" in html and "Сидорова Мария Петровна" in html
    html = client.get("/staff/audit/?event=auth.login_failed").get_data(as_text=True)
    assert "intruder@evil.ru" in html and "203.0.113.7" in html and "Неудачная попытка входа" in html


def test_journal_shows_the_system_and_its_cause_as_the_actor(app, client, journal):
    from workflow_app.actors import SystemActor

    with app.app_context():
        fire(user_lifecycle, db.session.get(User, journal["target"]), "reactivate",
             actor=SystemActor("подписание приказа № 7"))
        db.session.commit()
    login(client, "staff@x.ru")
    html = client.get("/staff/audit/?event=user.reactivate").get_data(as_text=True)
    assert len(_rows(html)) == 1 and "Система: подписание приказа № 7" in html
    assert len(_rows(client.get("/staff/audit/?actor=Система").get_data(as_text=True))) == 1


def test_journal_newest_first_and_paginated(app, client, journal):
    login(client, "staff@x.ru")  # adds a fourth event, the newest
    with app.app_context():
        ids = db.session.execute(
            select(AuditEvent.id).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).scalars().all()
    assert len(ids) == 4
    first = _rows(client.get("/staff/audit/?per_page=3").get_data(as_text=True))
    second_page = client.get("/staff/audit/?per_page=3&page=2").get_data(as_text=True)
    assert [int(i) for i in first + _rows(second_page)] == ids
    assert "Стр. 2 из 2" in second_page


def test_journal_filters_by_actor_name_or_email(app, client, journal):
    login(client, "staff@x.ru")
    by_name = _rows(client.get("/staff/audit/?actor=Сидорова").get_data(as_text=True))
    by_mail = _rows(client.get("/staff/audit/?actor=staff@x").get_data(as_text=True))
    assert by_name == by_mail and len(by_name) == 3  # the transition and two logins
    typed = _rows(client.get("/staff/audit/?actor=intruder").get_data(as_text=True))
    assert len(typed) == 1  # a failed login has no actor: matched by the address typed
    none = client.get("/staff/audit/?actor=100%25").get_data(as_text=True)  # "100%": % taken literally
    assert _rows(none) == [] and "Событий, подходящих под условия, нет" in none


def test_journal_period_is_in_moscow_time(app, client, journal):
    login(client, "staff@x.ru")
    html = client.get("/staff/audit/?date_from=2026-03-02&date_to=2026-03-02").get_data(as_text=True)
    assert len(_rows(html)) == 1 and "intruder@evil.ru" in html  # 21:30 UTC on 1 March
    html = client.get("/staff/audit/?date_from=2026-03-01&date_to=2026-03-01").get_data(as_text=True)
    assert len(_rows(html)) == 1 and "intruder@evil.ru" not in html  # 20:59 UTC = 23:59 MSK
    assert "02.03.2026 00:30:00" in client.get("/staff/audit/?event=auth.login_failed").get_data(as_text=True)


def test_journal_bad_filter_values_are_explained(app, client, journal):
    login(client, "staff@x.ru")
    html = client.get("/staff/audit/?object_id=abc&date_from=31.02.2026").get_data(as_text=True)
    assert "Номер объекта должен быть целым числом" in html
    assert "Дата «с»: укажите дату" in html
    assert len(_rows(html)) == 4  # ignored, not an error page


def test_journal_export_matches_filter(app, client, journal):
    login(client, "staff@x.ru")
    resp = client.get("/staff/audit/export.xlsx?object_type=user_account")
    assert resp.status_code == 200
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(resp.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("Время (МСК)", "Событие", "Код события")
    body = rows[1:]
    assert [r[2] for r in body] == ["auth.login", "user.deactivate", "auth.login"]
    deact = body[1]
    assert deact[3] == "Сидорова Мария Петровна" and deact[7:10] == ("Активна", "Заблокирована", "Уволен")


def test_journal_is_staff_only(app, client, journal):
    login(client, "app@x.ru")
    assert client.get("/staff/audit/").status_code == 403
    assert client.get("/staff/audit/export.xlsx").status_code == 403
    assert "Журнал аудита" not in client.get("/").get_data(as_text=True)
    anon = app.test_client()
    assert anon.get("/staff/audit/").status_code == 302


def test_journal_link_in_staff_navigation(app, client, journal):
    login(client, "staff@x.ru")
    html = client.get("/").get_data(as_text=True)
    assert 'href="/staff/audit/"' in html and "Журнал аудита" in html
    assert 'href="/staff/outbox/"' in html and "Очередь уведомлений" in html
    with app.app_context():
        assert db.session.get(User, journal["target"]).status.name == "deactivated"


def test_journal_page_names_what_rows_refer_to_with_a_constant_number_of_queries(app, client):
    """Payloads name organisations and experts by id: a page loads those names for all its rows at once."""
    from sqlalchemy import event

    from .factories import make_org

    with app.app_context():
        staff = make_user("staff@x.ru", Role.staff)
        for i in range(30):
            org = make_org(f"Школа № {i}")
            expert = make_user(f"x{i}@x.ru", Role.expert, name=f"Эксперт Номер {i}")
            audit.record("expert.conflict_declared", actor=staff, obj=expert,
                         payload={"organization_id": org.id, "user_id": expert.id})
        db.session.commit()
        engine = db.engine
    login(client, "staff@x.ru")

    def statements(per_page: int) -> tuple[int, str]:
        url = f"/staff/audit/?event=expert.conflict_declared&per_page={per_page}"
        client.get(url)
        seen: list[str] = []

        def count(conn, cursor, statement, *args):
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            resp = client.get(url)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert resp.status_code == 200
        return len(seen), resp.get_data(as_text=True)

    few, _ = statements(5)
    many, page = statements(25)
    assert few == many
    assert "Организация: Школа № 29" in page and "Организация: Школа № 5" in page
