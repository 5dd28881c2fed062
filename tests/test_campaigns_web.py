"""Campaign screens through the web layer: staff configuration, lifecycle buttons, public page, demo data."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from workflow_app.actors import SystemActor
from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Role
from workflow_app.models.base import utcnow
from workflow_app.models.competition import Campaign, CampaignKind, CampaignStatus, StageKind
from workflow_app.services.competition import campaigns as svc

from .factories import make_campaign, make_org, make_user, stage
from .helpers import login, post_form


def _staff_client(app, client):
    with app.app_context():
        make_user("staff@x.ru", Role.staff)
        db.session.commit()
    login(client, "staff@x.ru")
    return client


def test_staff_creates_configures_and_opens_a_campaign(app, client):
    _staff_client(app, client)
    resp = post_form(client, "/campaigns/new", {"kind": "innovation_search", "name": "Инновационный поиск 2027",
                                                "year": "2027", "description": "Ежегодный конкурс"})
    assert resp.status_code == 302
    url = resp.headers["Location"]
    cid = int(re.search(r"/campaigns/(\d+)$", url).group(1))
    page = client.get(url).get_data(as_text=True)
    assert "Общеобразовательные организации" in page
    assert re.search(r'<img[^>]*data-testid="lifecycle-diagram"[^>]*src="/static/lifecycles/campaign.svg', page)
    assert "не указан срок приёма заявок" in page  # the missing list is shown before opening
    assert "Объявить приём заявок" in page and 'data-confirm="' in page

    # Opening now is refused with the exact reasons, nothing changes.
    with app.app_context():
        c = svc.get_campaign(cid)
        version = c.version
        sub_id, rev_id, dec_id = (stage(c, k).id for k in
                                  (StageKind.submission, StageKind.expert_review, StageKind.decision))
    resp = post_form(client, f"/campaigns/{cid}/transition/open", {"version": version}, form_url=url,
                     follow_redirects=True)
    text = resp.get_data(as_text=True)
    assert "Нельзя объявить приём заявок" in text and "не указан срок экспертизы" in text

    # Stage dates: review before submission is refused on the form (422) and not saved.
    year = utcnow().year + 1
    for sid, day in ((sub_id, f"{year}-03-01"), (rev_id, f"{year}-02-01")):
        resp = post_form(client, f"/campaigns/{cid}/stages/{sid}",
                         {"version": _version(app, cid), "deadline_date": day, "scored": "y" if sid == rev_id else "",
                          "score_weight": "1"})
    assert resp.status_code == 422
    assert "должен быть позже срока этапа «Приём заявок (заочный этап)»" in resp.get_data(as_text=True)
    with app.app_context():
        assert svc.get_campaign(cid).stages[3].deadline is None
    for sid, day in ((rev_id, f"{year}-04-01"), (dec_id, f"{year}-05-01")):
        resp = post_form(client, f"/campaigns/{cid}/stages/{sid}",
                         {"version": _version(app, cid), "deadline_date": day, "scored": "y" if sid == rev_id else "",
                          "score_weight": "1,5"})
        assert resp.status_code == 302
    resp = post_form(client, f"/campaigns/{cid}/transition/open", {"version": _version(app, cid)}, form_url=url,
                     follow_redirects=True)
    assert "Состояние конкурса — «Приём заявок»" in resp.get_data(as_text=True)
    with app.app_context():
        c = svc.get_campaign(cid)
        assert c.status == CampaignStatus.open
        assert stage(c, StageKind.expert_review).score_weight == 1.5
        events = db.session.execute(select(AuditEvent.event).where(
            AuditEvent.object_id == cid, AuditEvent.object_type == "campaign")).scalars().all()
    assert events[0] == "campaign.created" and events[-1] == "campaign.open"
    assert events.count("campaign.stage_updated") == 3


def _version(app, cid: int) -> int:
    with app.app_context():
        return svc.get_campaign(cid).version


def test_settings_form_validation_and_stale_form(app, client):
    _staff_client(app, client)
    with app.app_context():
        c = make_campaign(status=CampaignStatus.draft)
        cid, version = c.id, c.version
        db.session.commit()
    form = {"version": version, "name": "ИП", "year": "2026", "kind": "innovation_search", "description": "",
            "experts_per_entry": "11", "expert_load_cap": "15", "divergence_pct": "30", "shortlist_pct": "160",
            "entries_per_org": "1", "final_score_mode": "last_stage", "code_prefix": "ИП"}
    resp = post_form(client, f"/campaigns/{cid}/settings", form)
    assert resp.status_code == 422
    text = resp.get_data(as_text=True)
    assert "Экспертов на заявку — от 1 до 10." in text and "Процент — от 0 до 100." in text
    with app.app_context():
        assert svc.get_campaign(cid).experts_per_entry == 3 and svc.get_campaign(cid).version == version

    ok = dict(form, experts_per_entry="5", shortlist_pct="62,5")
    resp = post_form(client, f"/campaigns/{cid}/settings", ok, follow_redirects=True)
    assert "Настройки сохранены: Название, Экспертов на заявку, Порог прохода на очный этап, %." \
        in resp.get_data(as_text=True)
    # The same (now stale) form again: refused, nothing overwritten.
    resp = post_form(client, f"/campaigns/{cid}/settings", dict(ok, experts_per_entry="7"))
    assert resp.status_code == 409
    assert "изменены другим пользователем" in resp.get_data(as_text=True)
    with app.app_context():
        assert svc.get_campaign(cid).experts_per_entry == 5
    # A broken version is a broken form, never a pass around the stale-form check.
    for broken in ("abc", "", "１"):
        resp = post_form(client, f"/campaigns/{cid}/settings", dict(ok, experts_per_entry="7", version=broken))
        assert resp.status_code == 400 and "Форма повреждена" in resp.get_data(as_text=True)
    with app.app_context():
        assert svc.get_campaign(cid).experts_per_entry == 5


def test_campaign_list_filters_and_access(app, client):
    with app.app_context():
        make_user("staff@x.ru", Role.staff)
        make_user("app@x.ru", (Role.applicant, make_org()))
        make_campaign(name="Инновационный поиск 2025", year=2025, status=CampaignStatus.closed)
        make_campaign(name="Инновационный поиск 2026", year=2026, status=CampaignStatus.open)
        make_campaign(name="Методические команды 2026", year=2026, status=CampaignStatus.draft)
        db.session.commit()
    assert client.get("/campaigns").status_code == 302  # anonymous → login
    login(client, "app@x.ru")
    assert client.get("/campaigns").status_code == 403
    assert client.get("/campaigns/new").status_code == 403

    staff = client.application.test_client()
    login(staff, "staff@x.ru")

    def names(qs: str) -> list[str]:
        html = staff.get(f"/campaigns?{qs}").get_data(as_text=True)
        return re.findall(r'href="/campaigns/\d+">([^<]+)</a>', html)

    assert names("sort=name") == ["Инновационный поиск 2025", "Инновационный поиск 2026", "Методические команды 2026"]
    assert names("year=2026&sort=name&dir=desc") == ["Методические команды 2026", "Инновационный поиск 2026"]
    assert names("status=closed") == ["Инновационный поиск 2025"]
    assert names("q=команды") == ["Методические команды 2026"]
    assert names("q=100%25") == []
    assert "Сбросить фильтры" in staff.get("/campaigns?q=нет такого").get_data(as_text=True)
    # Newest year first by default, ties newest created first: 2026 (later), 2026 (earlier), 2025.
    assert names("per_page=1&page=2") == ["Инновационный поиск 2026"]
    assert names("per_page=1&page=3") == ["Инновационный поиск 2025"]
    xlsx = staff.get("/campaigns/export.xlsx?status=open")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    dash = staff.get("/").get_data(as_text=True)
    assert "Конкурсы" in dash and "Приём заявок" in dash and "Черновик" in dash


def test_public_page_shows_announced_campaigns_without_login(app, client):
    with app.app_context():
        make_campaign(name="Инновационный поиск 2026", status=CampaignStatus.open)
        make_campaign(name="Секретный черновик", status=CampaignStatus.draft)
        make_campaign(name="Прошлый конкурс", year=2025, status=CampaignStatus.closed)
        db.session.commit()
    resp = client.get("/campaigns/public")
    assert resp.status_code == 200
    text = resp.get_data(as_text=True)
    assert "Инновационный поиск 2026" in text and "Дошкольные образовательные организации" in text
    assert "ДОО" in text and "СОО, ПОО" in text
    assert "Секретный черновик" not in text and "Прошлый конкурс" not in text
    assert "Приём заявок (заочный этап)" in text and "до " in text


def test_public_page_offers_to_apply_only_while_applications_are_open(app, client):
    with app.app_context():
        make_campaign(name="Идёт приём", status=CampaignStatus.open)
        later = make_campaign(name="Приём впереди", status=CampaignStatus.open)
        stage(later, StageKind.submission).starts_on = date.today() + timedelta(days=20)
        late = make_campaign(name="Срок истёк", status=CampaignStatus.open)
        stage(late, StageKind.submission).deadline = utcnow() - timedelta(hours=1)
        make_campaign(name="Идёт экспертиза", status=CampaignStatus.review)
        db.session.commit()
        opens = (date.today() + timedelta(days=20)).strftime("%d.%m.%Y")
    text = client.get("/campaigns/public").get_data(as_text=True)
    cards = {re.search(r'<h2 class="h5 card-title">([^<]+?) <', card).group(1): card
             for card in text.split('data-testid="public-campaign"')[1:]}
    assert "Войти, чтобы подать заявку" in cards["Идёт приём"] and "Идёт приём заявок до" in cards["Идёт приём"]
    assert f"Приём заявок начнётся {opens}" in cards["Приём впереди"]
    for name in ("Приём впереди", "Срок истёк", "Идёт экспертиза"):
        assert "подать заявку" not in cards[name].lower(), name
    for name in ("Срок истёк", "Идёт экспертиза"):
        assert "Приём заявок завершён" in cards[name], name


def test_criteria_change_after_lock_through_the_web_needs_a_reason(app, client):
    _staff_client(app, client)
    with app.app_context():
        c = make_campaign(status=CampaignStatus.open)
        svc.transition(c, "start_review", actor=SystemActor("тест: начало экспертизы"))
        cr = c.criteria[0]
        cid, crid, sid = c.id, cr.id, cr.stage_id
        db.session.commit()
    url = f"/campaigns/{cid}/criteria/{crid}"
    assert "Критерии зафиксированы" in client.get(url).get_data(as_text=True)
    data = {"version": _version(app, cid), "stage_id": sid, "track_id": "0", "name": "Актуальность (уточн.)",
            "description": "", "max_points": "12", "weight": "1"}
    resp = post_form(client, url, data)
    assert resp.status_code == 422 and "укажите причину изменения" in resp.get_data(as_text=True)
    resp = post_form(client, url, dict(data, reason="Опечатка в положении"))
    assert resp.status_code == 302
    with app.app_context():
        ev = db.session.execute(select(AuditEvent).where(AuditEvent.event == "campaign.criteria_changed")
                                ).scalar_one()
        assert ev.reason == "Опечатка в положении"
        assert ev.payload["before"]["max_points"] == "10" and ev.payload["after"]["max_points"] == "12"


def test_copy_through_the_web(app, client):
    _staff_client(app, client)
    with app.app_context():
        c = make_campaign(name="Инновационный поиск 2026", year=2026, status=CampaignStatus.closed)
        cid = c.id
        db.session.commit()
    resp = post_form(client, f"/campaigns/{cid}/copy", {"year": "2027", "name": ""}, follow_redirects=True)
    text = resp.get_data(as_text=True)
    assert "Создан черновик «Инновационный поиск 2027»" in text and "копия конкурса" in text
    with app.app_context():
        new = db.session.execute(select(Campaign).where(Campaign.copied_from_id == cid)).scalar_one()
        assert new.year == 2027 and new.status == CampaignStatus.draft and len(new.criteria) == 13


@pytest.mark.demo
def test_demo_campaigns_are_seeded_once(app):
    from workflow_app.demo import seed_demo

    with app.app_context():
        seed_demo()
        db.session.commit()
        rows = db.session.execute(select(Campaign).where(Campaign.kind == CampaignKind.innovation_search,
                                                         Campaign.name.like("Инновационный поиск%"))
                                  .order_by(Campaign.year)).scalars().all()
        assert [(c.name, c.status) for c in rows] == [
            ("Инновационный поиск 2025", CampaignStatus.closed), ("Инновационный поиск 2026", CampaignStatus.open)]
        old, new = rows
        assert new.copied_from_id == old.id
        sub = stage(new, StageKind.submission)
        assert sub.deadline > utcnow() and sub.deadline.year == 2026
        assert stage(new, StageKind.expert_review).deadline.date() > date(2026, 12, 15)
        assert new.regulation_file.original_name == "Положение Инновационный поиск 2026.docx"
        from workflow_app.services.platform.files import read_stored, sniff

        assert sniff(read_stored(new.regulation_file)) == "docx"
        opened = db.session.execute(select(AuditEvent).where(AuditEvent.event == "campaign.open")).scalars().all()
        # + the decided demo campaign, the appeals demo campaign and the closed methodical teams competition
        assert new.id in [e.object_id for e in opened] and len(opened) == 4
