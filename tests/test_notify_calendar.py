"""Calendar feeds, read back with the icalendar library: a user's deadlines on a token URL (no sign-in;
revoked or regenerated token → 404), Moscow times, all-day stage dates, stable UIDs; a published
campaign's public calendar."""
import re
from datetime import UTC, date, datetime

from icalendar import Calendar
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Role, User
from workflow_app.models.competition import AssignmentStatus, CampaignStatus, EntryStatus, StageKind
from workflow_app.models.notification import CalendarToken

from .factories import accepted, make_campaign, make_entry, make_expert, make_org, make_user, review_stage, stage
from .helpers import login, post_form

REVIEW_DUE = datetime(2026, 12, 10, 20, 59, tzinfo=UTC)   # 23:59 in Moscow
SUBMIT_DUE = datetime(2026, 12, 1, 20, 59, tzinfo=UTC)


def _world(app) -> dict:
    with app.app_context():
        c = make_campaign(name="Инновационный поиск 2026")
        sub = stage(c, StageKind.submission)
        sub.starts_on, sub.deadline = date(2026, 11, 1), SUBMIT_DUE
        org = make_org("МБОУ СОШ № 1", "krasnodar")
        make_user("app@x.ru", (Role.applicant, org), org=org)
        entry = make_entry(c, org)
        other = make_entry(c, make_org("МОБУ СОШ № 8", "sochi"))
        expert = make_expert("exp@x.ru")
        a = accepted(other, review_stage(c), expert)
        a.due_at = REVIEW_DUE
        done = accepted(entry, review_stage(c), expert, status=AssignmentStatus.declined)
        draft = make_campaign(name="Черновик конкурса", status=CampaignStatus.draft)
        db.session.commit()
        return {"campaign": c.id, "entry": entry.id, "entry_code": entry.code, "other_code": other.code,
                "assignment": a.id, "declined": done.id, "draft": draft.id, "submission": sub.id}


def _token(client, email=None) -> str:
    if email:
        login(client, email)
    resp = post_form(client, "/profile/notifications/calendar/new", {},
                     form_url="/profile/notifications/", follow_redirects=True)
    m = re.search(r"/calendar/feed/([A-Za-z0-9_\-]+)\.ics", resp.get_data(as_text=True))
    assert m, "the new address is shown once"
    return m.group(1)


def _events(data: bytes) -> dict:
    cal = Calendar.from_ical(data)
    return {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}


def test_expert_feed_has_review_due_dates_in_moscow_time_and_stable_uids(app, client):
    w = _world(app)
    token = _token(client, "exp@x.ru")
    anonymous = app.test_client()  # the feed needs the token only
    resp = anonymous.get(f"/calendar/feed/{token}.ics")
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    events = _events(resp.data)
    due = events[f"assignment-{w['assignment']}-due@workflow-app"]
    assert str(due["SUMMARY"]) == f"Срок экспертизы: заявка {w['other_code']}"
    start = due.decoded("DTSTART")
    assert start == REVIEW_DUE and str(start.tzinfo) == "Europe/Moscow" and (start.hour, start.minute) == (23, 59)
    assert f"assignment-{w['declined']}-due@workflow-app" not in events  # declined: not a deadline of theirs
    # The campaign's stages they take part in: the start is an all-day date, the deadline a moment.
    begin = events[f"stage-{w['submission']}-start@workflow-app"]
    assert begin.decoded("DTSTART") == date(2026, 11, 1) and begin.decoded("DTEND") == date(2026, 11, 2)
    assert Calendar.from_ical(resp.data).walk("VTIMEZONE")[0]["TZID"] == "Europe/Moscow"
    assert set(_events(anonymous.get(f"/calendar/feed/{token}.ics").data)) == set(events)  # UIDs stable


def test_applicant_feed_has_the_submission_then_the_correction_deadline(app, client):
    w = _world(app)
    token = _token(client, "app@x.ru")
    events = _events(app.test_client().get(f"/calendar/feed/{token}.ics").data)
    sub = events[f"entry-{w['entry']}-submission@workflow-app"]
    assert str(sub["SUMMARY"]) == f"Срок подачи заявки {w['entry_code']}" and sub.decoded("DTSTART") == SUBMIT_DUE
    assert not any(uid.startswith("assignment-") for uid in events)
    with app.app_context():
        from workflow_app.models.competition import Entry

        e = db.session.get(Entry, w["entry"])
        e.status, e.correction_due = EntryStatus.returned, datetime(2026, 12, 20, 9, 0, tzinfo=UTC)
        db.session.commit()
    events = _events(app.test_client().get(f"/calendar/feed/{token}.ics").data)
    corr = events[f"entry-{w['entry']}-correction@workflow-app"]
    assert corr.decoded("DTSTART").hour == 12  # 09:00 UTC is noon in Moscow


def test_regenerating_and_revoking_the_token(app, client):
    _world(app)
    first = _token(client, "exp@x.ru")
    with app.app_context():
        stored = db.session.execute(select(CalendarToken.token_hash)).scalars().all()
        assert stored and first not in stored  # only the hash is kept
    second = _token(client)
    anon = app.test_client()
    assert anon.get(f"/calendar/feed/{first}.ics").status_code == 404
    assert anon.get(f"/calendar/feed/{second}.ics").status_code == 200
    page = client.get("/profile/notifications/").get_data(as_text=True)
    assert second not in page  # shown once only
    post_form(client, "/profile/notifications/calendar/revoke", {}, form_url="/profile/notifications/")
    assert anon.get(f"/calendar/feed/{second}.ics").status_code == 404
    assert anon.get("/calendar/feed/nonsense.ics").status_code == 404
    with app.app_context():
        events = db.session.execute(select(AuditEvent.event).order_by(AuditEvent.id)).scalars().all()
        assert events.count("calendar.token_issued") == 2 and events.count("calendar.token_revoked") == 1


def test_feed_of_a_deactivated_user_is_gone(app, client):
    _world(app)
    token = _token(client, "exp@x.ru")
    with app.app_context():
        from workflow_app.models import UserStatus

        db.session.execute(select(User).where(User.email == "exp@x.ru")).scalar_one().status = \
            UserStatus.deactivated
        db.session.commit()
    assert app.test_client().get(f"/calendar/feed/{token}.ics").status_code == 404


def test_public_campaign_calendar(app):
    w = _world(app)
    anon = app.test_client()
    resp = anon.get(f"/calendar/campaign/{w['campaign']}.ics")
    assert resp.status_code == 200
    cal = Calendar.from_ical(resp.data)
    assert "Инновационный поиск 2026" in str(cal["X-WR-CALNAME"])
    events = _events(resp.data)
    assert events[f"stage-{w['submission']}-deadline@workflow-app"].decoded("DTSTART") == SUBMIT_DUE
    assert not any(uid.startswith(("assignment-", "entry-")) for uid in events)  # nothing personal
    assert anon.get(f"/calendar/campaign/{w['draft']}.ics").status_code == 404
    assert anon.get("/calendar/campaign/99999.ics").status_code == 404


def test_approver_and_signatory_see_orders_waiting_for_them_on_their_date(app, client):
    from workflow_app.models.orders import Order, OrderApproval, OrderKind, OrderStatus

    with app.app_context():
        approver = make_user("visa@x.ru", Role.staff)
        make_user("sign@x.ru", Role.signatory)
        dated = Order(kind=OrderKind.other, title="О жюри", year=2026, status=OrderStatus.approval,
                      order_date=date(2026, 12, 15))
        undated = Order(kind=OrderKind.other, title="Без даты", year=2026, status=OrderStatus.approval)
        to_sign = Order(kind=OrderKind.other, title="На подпись", year=2026, status=OrderStatus.approved,
                        order_date=date(2026, 12, 16))
        db.session.add_all([dated, undated, to_sign])
        db.session.flush()
        for o in (dated, undated):
            db.session.add(OrderApproval(order_id=o.id, approver_id=approver.id, position=0, round=1))
        db.session.commit()
        ids = (dated.id, undated.id, to_sign.id)
    events = _events(app.test_client().get(f"/calendar/feed/{_token(client, 'visa@x.ru')}.ics").data)
    visa = events[f"order-{ids[0]}-approval@workflow-app"]
    assert str(visa["SUMMARY"]) == "Приказ ожидает визы: О жюри" and visa.decoded("DTSTART") == date(2026, 12, 15)
    assert not any(uid.startswith(f"order-{ids[1]}-") for uid in events)  # no date, no event
    assert not any(uid.startswith(f"order-{ids[2]}-") for uid in events)  # not theirs to sign
    signer = app.test_client()
    events = _events(signer.get(f"/calendar/feed/{_token(signer, 'sign@x.ru')}.ics").data)
    assert str(events[f"order-{ids[2]}-approved@workflow-app"]["SUMMARY"]) == "Приказ ожидает подписи: На подпись"


def test_feed_costs_the_same_queries_for_one_or_many_deadlines(app, client):
    from sqlalchemy import event

    w = _world(app)
    token = _token(client, "exp@x.ru")
    anon = app.test_client()

    def statements():
        seen = []
        with app.app_context():
            engine = db.engine

        def count(*args):
            seen.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert anon.get(f"/calendar/feed/{token}.ics").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    few = statements()
    with app.app_context():
        from workflow_app.models.competition import Campaign

        c = db.session.get(Campaign, w["campaign"])
        expert = db.session.execute(select(User).where(User.email == "exp@x.ru")).scalar_one()
        for i in range(6):
            e = make_entry(c, make_org(f"Школа {i}", "sochi"))
            accepted(e, review_stage(c), expert).due_at = REVIEW_DUE
        db.session.commit()
    assert statements() == few
