"""Staff write to a filtered group: the preview names exactly who will get it, sending puts one outbox
e-mail per recipient (delivered by a real SMTP server), audited, and listed among the sent group mail."""
import re

from sqlalchemy import func, select

from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Organization, OutboxMessage, Role
from workflow_app.models.competition import AssignmentStatus, EntryStatus
from workflow_app.models.notification import GroupMail
from workflow_app.notifications.dispatch import dispatch_pending

from .factories import accepted, make_campaign, make_entry, make_expert, make_user, make_world, review_stage, track
from .helpers import csrf_token, login


def _setup(app) -> dict:
    with app.app_context():
        w = make_world()
        from workflow_app.models.competition import Campaign, Entry

        c = db.session.get(Campaign, w.campaign_id)
        make_entry(c, db.session.get(Organization, w.org_b), status=EntryStatus.submitted)
        entry = db.session.get(Entry, w.entry_id)
        busy = make_expert("busy@x.ru", name="Эксперт Занятой")
        done = make_expert("done@x.ru", name="Эксперт Готовый")
        accepted(entry, review_stage(c), busy)
        accepted(entry, review_stage(c), done, status=AssignmentStatus.submitted, total=10,
                 submitted_at=entry.created_at)
        other = make_campaign(name="Другой конкурс")
        db.session.commit()
        return {"org_a": w.org_a, "campaign": c.id, "track": track(c, "ОО").id, "foreign_track": track(other, "ОО").id}


def _form(w, **kw):
    data = {"kind": "applicants", "campaign_id": str(w["campaign"]), "track_id": "", "entry_status": "draft",
            "sheets": "not_sent", "subject": "Осталось три дня", "body": "Подайте заявку до пятницы."}
    data.update(kw)
    return data


def _post(client, data, action):
    token = csrf_token(client, "/staff/group-mail/new")
    return client.post("/staff/group-mail/new", data={**data, "csrf_token": token, "action": action})


def _recipients(html):
    return re.findall(r'<li data-user-id="\d+">([^&]+) &lt;([^&]+)&gt;</li>', html)


def test_preview_then_send_to_applicants_whose_dossier_is_a_draft(app, client, smtp_server):
    w = _setup(app)
    login(client, "staff@x.ru")
    page = _post(client, _form(w), "preview").get_data(as_text=True)
    assert "Получатели: 2" in page
    assert sorted(e for _, e in _recipients(page)) == ["appa2@x.ru", "appa@x.ru"]  # not org B: it submitted
    assert "Заявители конкурса" in page and "заявка: черновик" in page
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="([0-9a-f]+)"', page).group(1)
    with app.app_context():
        assert db.session.execute(select(func.count(OutboxMessage.id))).scalar_one() == 0  # preview sends nothing

    resp = _post(client, _form(w, fingerprint=fingerprint), "send")
    assert resp.status_code == 302
    with app.app_context():
        mail = db.session.execute(select(GroupMail)).scalar_one()
        rows = db.session.execute(
            select(OutboxMessage).where(OutboxMessage.object_type == "group_mail")).scalars().all()
        assert mail.recipients == 2 and sorted(r.recipient_email for r in rows) == ["appa2@x.ru", "appa@x.ru"]
        assert all(r.dedup_key.startswith(f"email:group:{mail.id}:") for r in rows)
        ev = db.session.execute(select(AuditEvent).where(AuditEvent.event == "group_mail.send")).scalar_one()
        assert ev.actor.email == "staff@x.ru" and ev.payload["recipients"] == 2 and ev.object_id == mail.id
        assert dispatch_pending()["sent"] == 2
    [got] = smtp_server.to("appa@x.ru")
    assert got["Subject"] == "Осталось три дня"
    text = smtp_server.text(got)
    assert "Здравствуйте, Заявитель А!" in text and "Подайте заявку до пятницы." in text and "Сотрудник Один" in text

    listing = client.get("/staff/group-mail/").get_data(as_text=True)
    assert "Осталось три дня" in listing and "отправлено 2" in listing and "черновик" in listing


def test_experts_whose_sheets_are_not_sent(app, client):
    w = _setup(app)
    login(client, "staff@x.ru")
    page = _post(client, _form(w, kind="experts", track_id=str(w["track"])), "preview").get_data(as_text=True)
    assert [e for _, e in _recipients(page)] == ["busy@x.ru"] and "лист оценки не отправлен" in page
    page = _post(client, _form(w, kind="experts", sheets="all"), "preview").get_data(as_text=True)
    assert sorted(e for _, e in _recipients(page)) == ["busy@x.ru", "done@x.ru"]


def test_group_that_changed_after_the_preview_is_not_sent(app, client):
    w = _setup(app)
    login(client, "staff@x.ru")
    page = _post(client, _form(w), "preview").get_data(as_text=True)
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="([0-9a-f]+)"', page).group(1)
    with app.app_context():
        org = db.session.get(Organization, w["org_a"])
        make_user("appa3@x.ru", (Role.applicant, org), org=org, name="Заявитель А3")
        db.session.commit()
    resp = _post(client, _form(w, fingerprint=fingerprint), "send")
    html = resp.get_data(as_text=True)
    assert "Состав получателей изменился" in html and "Получатели: 3" in html  # the new list, to check again
    with app.app_context():
        assert db.session.execute(select(func.count(GroupMail.id))).scalar_one() == 0
        assert db.session.execute(select(func.count(OutboxMessage.id))).scalar_one() == 0


def test_bad_filters_and_access(app, client):
    w = _setup(app)
    login(client, "staff@x.ru")
    resp = _post(client, _form(w, track_id=str(w["foreign_track"])), "preview")
    assert "Выбранное направление относится к другому конкурсу" in resp.get_data(as_text=True)
    resp = _post(client, _form(w, entry_status="winner"), "preview")
    assert "Получатели: 0" in resp.get_data(as_text=True) and "ни один получатель" in resp.get_data(as_text=True)
    assert client.post("/staff/group-mail/new", data={**_form(w), "action": "send"}).status_code == 400  # CSRF
    other = app.test_client()
    login(other, "appa@x.ru")
    assert other.get("/staff/group-mail/").status_code == 403
    assert other.get("/staff/group-mail/new").status_code == 403
    with app.app_context():
        assert db.session.execute(select(func.count(GroupMail.id))).scalar_one() == 0
