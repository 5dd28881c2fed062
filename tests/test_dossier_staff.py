"""Staff's technical check: return/reject with notices, stale versions, bulk all-or-nothing, lists and
export; the demo seeder."""
import io
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from workflow_app.actors import SystemActor
from workflow_app.extensions import db
from workflow_app.machines.base import fire
from workflow_app.machines.entry import entry_lifecycle
from workflow_app.models import AuditEvent, Channel, OrgType, OutboxMessage, User
from workflow_app.models.base import utcnow
from workflow_app.models.competition import Campaign, Entry, EntryStatus
from workflow_app.services.competition import dossier as svc
from workflow_app.services.competition import entry_check
from workflow_app.timeutil import end_of_day

from .factories import TITLE, fill, make_entry, make_org, make_world
from .helpers import login, post_form


def _user(email):
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def _submitted(w, n: int) -> list[int]:
    """n more submitted entries of new organisations in the world's campaign."""
    c = db.session.get(Campaign, w.campaign_id)
    ids = []
    for i in range(n):
        org = make_org(f"МБОУ СОШ № {100 + i}", "anapa" if i % 2 else "krasnodar", OrgType.OO)
        e = fill(make_entry(c, org, "ОО"), title=f"Проект номер {i}")
        fire(entry_lifecycle, e, "submit", actor=SystemActor("тест: подача без заявителя"))
        ids.append(e.id)
    return ids


def test_return_notifies_every_applicant_of_the_org_and_shows_the_remark(app, client):
    with app.app_context():
        w = make_world()
        svc.submit(_user("appa@x.ru"), db.session.get(Entry, w.entry_id))
        db.session.commit()
        version = db.session.get(Entry, w.entry_id).version
    login(client, "staff@x.ru")
    due = date.today() + timedelta(days=10)
    resp = post_form(client, f"/entries/{w.entry_id}/return",
                     {"reason": "Не приложены договоры о сетевом взаимодействии", "due": due.isoformat(),
                      "expected_version": version},
                     form_url=f"/entries/{w.entry_id}", follow_redirects=True)
    assert "возвращена на доработку" in resp.get_data(as_text=True)
    with app.app_context():
        e = db.session.get(Entry, w.entry_id)
        assert e.status == EntryStatus.returned and e.correction_due == end_of_day(due)
        rows = db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
        got = {(r.channel, r.recipient_email) for r in rows}
        assert got == {(ch, m) for ch in (Channel.inapp, Channel.email) for m in ("appa@x.ru", "appa2@x.ru")}
        assert all("договоры о сетевом" in r.body and f"{due:%d.%m.%Y}" in r.body for r in rows)
        assert db.session.execute(select(func.count(AuditEvent.id)).where(
            AuditEvent.event == "entry.return_for_correction")).scalar_one() == 1

    applicant = app.test_client()
    login(applicant, "appa@x.ru")
    page = applicant.get(f"/entries/{w.entry_id}").get_data(as_text=True)
    assert "Не приложены договоры о сетевом взаимодействии" in page and f"{due:%d.%m.%Y}" in page
    assert "возвращена на доработку" in applicant.get("/notices").get_data(as_text=True)


def test_reject_needs_a_reason_and_notifies(app, client):
    with app.app_context():
        w = make_world()
        svc.submit(_user("appa@x.ru"), db.session.get(Entry, w.entry_id))
        db.session.commit()
    login(client, "staff@x.ru")
    resp = post_form(client, f"/entries/{w.entry_id}/reject", {"reason": ""},
                     form_url=f"/entries/{w.entry_id}", follow_redirects=True)
    assert "Заполните это поле" in resp.get_data(as_text=True)
    post_form(client, f"/entries/{w.entry_id}/reject", {"reason": "Организация не относится к ОО"},
              form_url=f"/entries/{w.entry_id}")
    with app.app_context():
        e = db.session.get(Entry, w.entry_id)
        assert e.status == EntryStatus.rejected and e.staff_remark == "Организация не относится к ОО"
        subjects = db.session.execute(select(OutboxMessage.subject)).scalars().all()
        assert subjects and all("отклонена" in s for s in subjects)


def test_two_staff_on_one_entry_the_stale_one_changes_nothing(app):
    with app.app_context():
        w = make_world()
        svc.submit(_user("appa@x.ru"), db.session.get(Entry, w.entry_id))
        db.session.commit()
    first, second = app.test_client(), app.test_client()
    login(first, "staff@x.ru")
    login(second, "staff2@x.ru")
    page_url = f"/entries/{w.entry_id}"
    import re

    def seen(c):
        html = c.get(page_url).get_data(as_text=True)
        return (re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1),
                re.search(r'name="expected_version" type="hidden" value="(\d+)"', html).group(1))

    tok1, v1 = seen(first)
    tok2, v2 = seen(second)
    assert v1 == v2
    assert first.post(f"{page_url}/admit", data={"csrf_token": tok1, "expected_version": v1}).status_code == 302
    resp = second.post(f"{page_url}/return", data={"csrf_token": tok2, "expected_version": v2,
                                                  "reason": "Исправить",
                                                  "due": (date.today() + timedelta(days=3)).isoformat()},
                       follow_redirects=True)
    assert "изменена другим пользователем" in resp.get_data(as_text=True)
    with app.app_context():
        e = db.session.get(Entry, w.entry_id)
        assert e.status == EntryStatus.admitted and e.staff_remark == ""
        events = db.session.execute(select(AuditEvent.event).where(AuditEvent.object_type == "entry")).scalars().all()
        assert sorted(events) == ["entry.admit", "entry.submit"]
        assert db.session.execute(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.subject.like("%доработку%"))).scalar_one() == 0


def test_bulk_is_all_or_nothing_and_confirms_the_list_first(app, client):
    with app.app_context():
        w = make_world()
        ids = _submitted(w, 3)
        draft_code = db.session.get(Entry, w.entry_id).code  # the world's entry stays a draft
        codes = [db.session.get(Entry, i).code for i in ids]
        versions = {i: db.session.get(Entry, i).version for i in ids + [w.entry_id]}
        db.session.commit()
    login(client, "staff@x.ru")
    list_url = f"/entries/campaign/{w.campaign_id}"
    sel = {"action": "admit", "ids": [str(i) for i in ids + [w.entry_id]],
           **{f"v-{i}": str(v) for i, v in versions.items()}}
    confirm = post_form(client, f"{list_url}/bulk", sel, form_url=list_url)
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Допустить к экспертизе: 4 заявки" in page
    assert all(f'data-entry="{c}"' in page for c in codes + [draft_code])
    with app.app_context():
        assert db.session.execute(select(func.count(Entry.id)).where(
            Entry.status == EntryStatus.admitted)).scalar_one() == 0  # nothing happens before confirming

    resp = post_form(client, f"{list_url}/bulk/apply", sel, form_url=list_url, follow_redirects=True)
    body = resp.get_data(as_text=True)
    assert f"Заявка {draft_code}" in body and "Ни одна заявка не изменена" in body
    with app.app_context():
        statuses = db.session.execute(select(Entry.status)).scalars().all()
        assert EntryStatus.admitted not in statuses
        assert db.session.execute(select(func.count(AuditEvent.id)).where(
            AuditEvent.event == "entry.admit")).scalar_one() == 0

    # a return needs one reason and one due date for all
    sel = {"action": "return", "ids": [str(i) for i in ids], **{f"v-{i}": str(versions[i]) for i in ids}}
    resp = post_form(client, f"{list_url}/bulk/apply", dict(sel, reason="", due=""), form_url=list_url,
                     follow_redirects=True)
    assert "Укажите причину возврата" in resp.get_data(as_text=True)
    due = date.today() + timedelta(days=7)
    resp = post_form(client, f"{list_url}/bulk/apply", dict(sel, reason="Оформите титульный лист", due=due.isoformat()),
                     form_url=list_url, follow_redirects=True)
    assert "Вернуть на доработку: 3 заявок" in resp.get_data(as_text=True)
    with app.app_context():
        rows = db.session.execute(select(Entry).where(Entry.id.in_(ids))).scalars().all()
        assert {(e.status, e.staff_remark) for e in rows} == {(EntryStatus.returned, "Оформите титульный лист")}
        assert db.session.execute(select(func.count(AuditEvent.id)).where(
            AuditEvent.event == "entry.return_for_correction")).scalar_one() == 3


def test_staff_list_filters_search_overdue_and_export(app, client):
    with app.app_context():
        w = make_world()
        ids = _submitted(w, 3)
        staff = _user("staff@x.ru")
        late = db.session.get(Entry, ids[0])
        entry_check.return_for_correction(staff, late, "Исправить", date.today() + timedelta(days=2))
        late.correction_due = utcnow() - timedelta(days=1)
        db.session.commit()
        late_code = late.code
        anapa_codes = {db.session.get(Entry, i).code for i in ids[1::2]}
        anapa_id = db.session.get(Entry, ids[1]).organization.municipality_id
    login(client, "staff@x.ru")
    url = f"/entries/campaign/{w.campaign_id}"
    page = client.get(url).get_data(as_text=True)
    assert page.count('data-entry="') == 4
    page = client.get(f"{url}?overdue=1").get_data(as_text=True)
    assert page.count('data-entry="') == 1 and late_code in page and "просрочена" in page
    page = client.get(f"{url}?municipality={anapa_id}").get_data(as_text=True)
    assert {c for c in anapa_codes if c in page} == anapa_codes and page.count('data-entry="') == len(anapa_codes)
    page = client.get(f"{url}?q=школа функциональной").get_data(as_text=True)  # lower-case Cyrillic
    assert page.count('data-entry="') == 1 and TITLE in page
    page = client.get(f"{url}?status=draft").get_data(as_text=True)
    assert page.count('data-entry="') == 1
    page = client.get(f"{url}?q=нет такого").get_data(as_text=True)
    assert "Ничего не найдено" in page
    page = client.get(f"{url}?sort=title&dir=desc&per_page=2").get_data(as_text=True)
    assert page.count('data-entry="') == 2 and "Стр. 1 из 2" in page
    resp = client.get(f"{url}?export=xlsx&status=submitted")
    assert resp.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("Номер", "Тема проекта", "Организация") and len(rows) == 1 + 2


@pytest.mark.demo
def test_demo_seeder_is_idempotent_and_covers_several_states(app):
    from workflow_app.demo import seed_demo

    with app.app_context():
        first = app.demo_counts  # what the session's one seeding created
        again = seed_demo()
        db.session.commit()
        assert first["dossier_entries"] == 12 and again["dossier_entries"] == 0
        campaign = db.session.execute(select(Campaign).where(Campaign.name == "Инновационный поиск 2026")
                                      ).scalar_one()
        statuses = db.session.execute(select(Entry.status).where(Entry.campaign_id == campaign.id)
                                      ).scalars().all()
        assert len(statuses) == 12
        # The review seeder (which runs after) sends admitted entries to the experts.
        assert {EntryStatus.draft, EntryStatus.submitted, EntryStatus.returned} <= set(statuses)
        assert set(statuses) & {EntryStatus.admitted, EntryStatus.under_review}
        demo = db.session.execute(select(Entry).join(Entry.organization).where(
            Entry.organization.has(short_name="МБОУ СОШ № 1"))).scalar_one()
        assert demo.status == EntryStatus.draft
        assert demo.campaign_id == campaign.id and campaign.status.name == "open"
