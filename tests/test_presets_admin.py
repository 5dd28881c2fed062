"""Admins copy and edit presets on their page; bad input is refused in Russian with nothing changed; the
default preset of a kind is what a new campaign of that kind starts from. The expert pool of «Лучшая
методическая практика» is filled from current КРЦ/ЛСВ holders."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from workflow_app.errors import ValidationFailed
from workflow_app.extensions import db
from workflow_app.models import AuditEvent, OrgType, Role, User
from workflow_app.models.competition import CampaignKind, ExpertProfile
from workflow_app.models.preset import CompetitionPreset
from workflow_app.models.status_award import AwardStatus, StatusAward
from workflow_app.services.competition import campaigns as svc
from workflow_app.services.competition import holder_experts
from workflow_app.services.competition.presets import builtin_rows, store, text

from .factories import make_user, org, status_type
from .helpers import csrf_token, login, post_form


def _preset(name: str) -> CompetitionPreset:
    return db.session.execute(select(CompetitionPreset).where(CompetitionPreset.name == name)).scalar_one()


def _edit_data(client, url: str) -> dict:
    """Every field of the edit page as it shows them (what a browser would post back)."""
    page = client.get(url).get_data(as_text=True)
    data = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', page))
    for name, value in re.findall(r'<textarea[^>]*name="(\w+)"[^>]*>([^<]*)</textarea>', page):
        data[name] = value.replace("&#34;", '"').replace("&amp;", "&").lstrip("\n")
    for name in ("kind", "applicant_kind"):
        select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
        data[name] = re.search(r'<option[^>]*selected[^>]*value="(\w+)"|<option[^>]*value="(\w+)"[^>]*selected',
                               select_html).group(1, 2)
        data[name] = next(v for v in data[name] if v)
    data.pop("csrf_token", None)
    data["output_documents"] = [m for a, b in re.findall(
        r'<input(?=[^>]*checked)(?=[^>]*name="output_documents")[^>]*value="(\w+)"|'
        r'<input(?=[^>]*name="output_documents")(?=[^>]*checked)[^>]*value="(\w+)"', page) for m in (a, b) if m]
    return data


def test_admin_copies_edits_and_makes_a_preset_the_default(app, client):
    with app.app_context():
        make_user("admin@x.ru", Role.admin)
        make_user("staff@x.ru", Role.staff)
        db.session.commit()
        source_id = store.default_for(CampaignKind.methodical_teams).id
        db.session.commit()
    login(client, "admin@x.ru")
    listing = client.get("/presets").get_data(as_text=True)
    for kind in CampaignKind:
        assert kind.value in listing
    resp = post_form(client, f"/presets/{source_id}/copy", {"name": "ММК — два видео"}, form_url="/presets")
    assert resp.status_code == 302
    url = resp.headers["Location"]
    data = _edit_data(client, url)
    assert "3 | 3. Ссылка на видеоролик команды (заочный этап). | link" in data["sections"]
    assert "ММК | Муниципальные методические команды | ТМС" in data["tracks"]

    # Bad input: every problem listed in Russian, nothing saved.
    bad = dict(data, tracks=data["tracks"] + "\nШКОЛЫ | Школы | Гимназия",
               stages=data["stages"].replace("defence | очный: да | оценивается: да",
                                             "defence | очный: да | оценивается: нет"),
               code_prefix="ММК 2")
    resp = post_form(client, url, bad, form_url=url)
    text = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "неизвестный тип организации «Гимназия»" in text
    assert "Префикс кода заявки" in text
    assert "Критерии этапа «Очный этап (защита)»: этап не оценивается" in text
    with app.app_context():
        copy = _preset("ММК — два видео")
        assert [t["code"] for t in copy.tracks] == ["ММК"] and copy.code_prefix == "ММК"

    # Good input: a second link section, the default of its kind from now on.
    good = dict(data, sections=data["sections"] + "\n4 | 4. Ссылка на второй видеоролик. | link |  | нет",
                is_default="y")
    resp = post_form(client, url, good, form_url=url)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    with app.app_context():
        copy = _preset("ММК — два видео")
        assert copy.is_default and not db.session.get(CompetitionPreset, source_id).is_default
        assert copy.output_documents == ["protocol", "rating", "order", "certificates"]
        assert copy.criteria == db.session.get(CompetitionPreset, source_id).criteria
        assert copy.sections[-1] == {"key": "4", "code": "4", "title": "4. Ссылка на второй видеоролик.",
                                     "kind": "link", "required": False}
        assert db.session.execute(select(AuditEvent).where(AuditEvent.event == "preset.edited")).first()
        staff = db.session.execute(select(User).where(User.email == "staff@x.ru")).scalar_one()
        c = svc.create_campaign(name="ММК 2027", year=2027, kind=CampaignKind.methodical_teams, actor=staff)
        assert c.preset_id == copy.id and c.dossier_schema[-1]["key"] == "4"
        db.session.rollback()

    # Staff may look but not change presets.
    other = app.test_client()
    login(other, "staff@x.ru")
    assert other.get(url).status_code == 200
    assert other.post(url, data={"csrf_token": csrf_token(other, url), **good}).status_code == 403
    assert other.post(f"/presets/{source_id}/copy", data={"csrf_token": csrf_token(other, "/presets")}
                      ).status_code == 403


def test_the_default_mark_cannot_be_dropped_leaving_a_kind_without_one(app):
    with app.app_context():
        admin = make_user("admin@x.ru", Role.admin)
        p = store.default_for(CampaignKind.poster_session)
        with pytest.raises(ValidationFailed, match="шаблон по умолчанию"):
            store.update_preset(p, dict(store.as_config(p), is_default=False), actor=admin,
                                expected_version=p.version)
        with pytest.raises(ValidationFailed, match="Это шаблон по умолчанию"):
            store.update_preset(p, dict(store.as_config(p), kind="other"), actor=admin, expected_version=p.version)
        assert p.kind == CampaignKind.poster_session and p.is_default


def test_best_practice_experts_are_drawn_from_current_krc_and_lsv_holders(app):
    with app.app_context():
        admin = make_user("admin@x.ru", Role.admin)
        c = svc.create_campaign(name="ЛМП 2027", year=2027, kind=CampaignKind.best_practice, actor=admin)
        krc, lsv, former, school = (org(org_type=t) for t in (OrgType.TMS, OrgType.TMS, OrgType.TMS, OrgType.OO))
        for o, code, term in ((krc, "KRC", (2025, 2028)), (lsv, "LSV", (2026, 2029)), (former, "KRC", (2020, 2023)),
                              (school, "KIP", (2025, 2028))):
            db.session.add(StatusAward(organization_id=o.id, status_type_id=status_type(code).id, theme="Тема",
                                       term_from=date(term[0], 1, 1), term_to=date(term[1], 12, 31),
                                       status=AwardStatus.active))
        a = make_user("krc@x.ru", (Role.applicant, krc), org=krc)
        b = make_user("lsv@x.ru", org=lsv)
        make_user("former@x.ru", (Role.applicant, former), org=former)
        make_user("kip@x.ru", (Role.applicant, school), org=school)
        db.session.flush()
        users = holder_experts.fill_pool_from_holders(c, actor=admin, day=date(2026, 11, 30))
        assert {u.email for u in users} == {"krc@x.ru", "lsv@x.ru"}
        for u in (a, b):
            assert u.has_role(Role.expert)
            profile = db.session.execute(select(ExpertProfile).where(ExpertProfile.user_id == u.id)).scalar_one()
            assert profile.competences == [t.code for t in c.tracks] and profile.active
        again = holder_experts.fill_pool_from_holders(c, actor=admin, day=date(2026, 11, 30))
        assert len(again) == 2  # idempotent: no second role grant
        assert sum(1 for g in a.grants if g.role == Role.expert) == 1
        kip = svc.create_campaign(name="ИП 2027", year=2027, kind=CampaignKind.innovation_search, actor=admin)
        with pytest.raises(ValidationFailed, match="не указано, держатели каких статусов"):
            holder_experts.fill_pool_from_holders(kip, actor=admin)


def test_staff_fill_the_pool_from_holders_on_the_campaign_page(app, client):
    with app.app_context():
        staff = make_user("staff@x.ru", Role.staff)
        c = svc.create_campaign(name="ЛМП 2027", year=2027, kind=CampaignKind.best_practice, actor=staff)
        lsv = org(org_type=OrgType.TMS)
        db.session.add(StatusAward(organization_id=lsv.id, status_type_id=status_type("LSV").id, theme="Тема",
                                   term_from=date(2020, 1, 1), term_to=date(2099, 12, 31),
                                   status=AwardStatus.active))
        member = make_user("lsv@x.ru", (Role.applicant, lsv), org=lsv)
        cid, uid = c.id, member.id
        db.session.commit()
    login(client, "staff@x.ru")
    page = client.get(f"/campaigns/{cid}").get_data(as_text=True)
    assert "Пополнить пул экспертов держателями статусов KRC, LSV" in page
    assert "Протокол заседания комиссии" in page  # the preset's output documents
    resp = post_form(client, f"/campaigns/{cid}/holder-experts", {}, form_url=f"/campaigns/{cid}",
                     follow_redirects=True)
    text = resp.get_data(as_text=True)
    assert "Экспертами конкурса стали 1 сотрудник организаций с действующим статусом KRC, LSV" in text
    with app.app_context():
        assert db.session.get(User, uid).has_role(Role.expert)


@pytest.mark.parametrize("row", builtin_rows(), ids=lambda r: r["kind"])
def test_saving_a_preset_page_unchanged_changes_nothing(app, row):
    """The page's text lists read back to the very same configuration (headings, defaults, weights)."""
    with app.app_context():
        shown = {"sections": text.sections_to_text(row["sections"]), "tracks": text.tracks_to_text(row["tracks"]),
                 "stages": text.stages_to_text(row["stages"]), "criteria": text.criteria_to_text(row["criteria"])}
        posted = dict(row, sections=text.text_to_sections(shown["sections"]),
                      tracks=text.text_to_tracks(shown["tracks"]), stages=text.text_to_stages(shown["stages"]),
                      criteria=text.text_to_criteria(shown["criteria"]))
        clean = store.clean(posted)
        assert clean["sections"] == store.clean(dict(row))["sections"]
        for key in ("tracks", "stages", "criteria", "output_documents", "expert_status_types", "code_prefix"):
            assert clean[key] == row[key], key
