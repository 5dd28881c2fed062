"""Every campaign kind starts from its own preset, created through the same page staff use; who may enter
is enforced; teachers enter alone and teams of organisations enter together."""
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from workflow_app import policy
from workflow_app.errors import PermissionDenied, ValidationFailed
from workflow_app.extensions import db
from workflow_app.models import OrgType, Role
from workflow_app.models.base import utcnow
from workflow_app.models.competition import (
    ApplicantKind,
    Campaign,
    CampaignKind,
    CampaignStatus,
    Entry,
    StageKind,
)
from workflow_app.services.competition import campaigns as svc
from workflow_app.services.competition import dossier, dossier_content, teams
from workflow_app.services.competition.presets import builtin_rows, store

from .factories import make_user, org
from .helpers import csrf_token, login, post_form

ROWS = {r["kind"]: r for r in builtin_rows()}


def _create_through_page(client, kind: CampaignKind, year: int = 2027) -> int:
    resp = post_form(client, "/campaigns/new", {"kind": kind.name, "name": f"{kind.value} {year}",
                                                "year": str(year), "dated": "y"})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return int(re.search(r"/campaigns/(\d+)$", resp.headers["Location"]).group(1))


def _open(c: Campaign) -> Campaign:
    """Open for entries with the submission deadline ahead (dates from the preset may be past today)."""
    for i, s in enumerate(c.stages):
        s.deadline = utcnow() + timedelta(days=10 * (i + 1))
    c.status = CampaignStatus.open
    db.session.flush()
    return c


@pytest.mark.parametrize("kind", [k for k in CampaignKind if k != CampaignKind.other], ids=lambda k: k.name)
def test_each_kind_is_created_from_its_own_preset(app, client, kind):
    with app.app_context():
        make_user("staff@x.ru", Role.staff)
        db.session.commit()
    login(client, "staff@x.ru")
    cid = _create_through_page(client, kind)
    row = ROWS[kind.name]
    with app.app_context():
        c = db.session.get(Campaign, cid)
        assert c.kind == kind
        assert [(s["code"], s["title"], s["kind"]) for s in c.dossier_schema] == \
            [(s["code"], s["title"], s["kind"]) for s in row["sections"]]
        assert [(t.code, t.org_types) for t in c.tracks] == [(t["code"], t["org_types"]) for t in row["tracks"]]
        assert [(s.kind.name, s.in_person, s.scored) for s in c.stages] == \
            [(s["kind"], s["in_person"], s["scored"]) for s in row["stages"]]
        for s in c.stages:  # the preset's default dates, in the campaign's year
            spec = next(x for x in row["stages"] if x["kind"] == s.kind.name)
            assert s.starts_on == date(2027, 1, 1) + timedelta(days=spec["offset_days"])
        got = [(cr.stage.kind.name, cr.name, cr.max_points, cr.weight) for cr in c.criteria]
        assert sorted(got) == sorted((k, x["name"], Decimal(x["max_points"]), Decimal(x["weight"]))
                                     for k, rows in row["criteria"].items() for x in rows)
        assert c.applicant_kind.name == row["applicant_kind"]
        assert c.output_documents == row["output_documents"]
        assert c.code_prefix == row["code_prefix"]
        # No kind borrows the КИП form any more, except the КИП itself.
        kip = {s["title"] for s in ROWS["innovation_search"]["sections"]}
        assert (set(s["title"] for s in c.dossier_schema) == kip) == (kind == CampaignKind.innovation_search)


def test_methodical_teams_only_tms_enter_and_the_video_link_is_checked(app, client):
    with app.app_context():
        staff = make_user("staff@x.ru", Role.staff)
        c = _open(svc.create_campaign(name="ММК 2027", year=2027, kind=CampaignKind.methodical_teams,
                                      actor=staff))
        school, tms = org(org_type=OrgType.OO), org(org_type=OrgType.TMS)
        school_user = make_user("school@x.ru", (Role.applicant, school), org=school)
        tms_user = make_user("tms@x.ru", (Role.applicant, tms), org=tms)
        track = c.tracks[0]
        assert dossier.open_campaigns_for(school) == []  # not even offered
        with pytest.raises(ValidationFailed, match="Организации типа «ОО» не могут участвовать"):
            dossier.create_entry(school_user, school, c, track)
        e = dossier.create_entry(tms_user, tms, c, track)
        assert e.code.startswith("ММК-2027-") and e.applicant_kind == ApplicantKind.organization
        form = MultiDict({"title": "Команда Тимашевского района", "sec-2": "Наша тема", "lead_name": "Петрова А.А.",
                          "team-name": "Петрова А.А.", "team-position": "методист", "team-role": "капитан",
                          "grid-1": '{"columns": ["ФИО", "Должность", "Роль в команде"], "rows": [["Петрова А.А.", '
                                    '"методист", "капитан"]]}',
                          "sec-3": "видео на ютубе"})
        with pytest.raises(dossier_content.DossierInvalid) as bad:
            dossier.parse_form(c, form)
        assert "укажите ссылку вида https://" in bad.value.fields["3"]
        form["sec-3"] = "https://rutube.ru/video/abc123/?t=5&x=1"
        dossier.save_draft(tms_user, e, dossier.parse_form(c, form))
        assert e.dossier["3"] == "https://rutube.ru/video/abc123/?t=5&x=1"
        assert dossier.missing(e) == []
        eid = e.id
        db.session.commit()
    login(client, "tms@x.ru")
    page = client.get(f"/entries/{eid}").get_data(as_text=True)
    assert '<a href="https://rutube.ru/video/abc123/?t=5&amp;x=1" rel="noopener">' in page
    editor = client.get(f"/entries/{eid}/edit").get_data(as_text=True)
    assert 'type="url"' in editor and 'name="sec-3"' in editor


def test_a_teacher_enters_alone_with_the_school_as_affiliation(app, client):
    with app.app_context():
        staff = make_user("staff@x.ru", Role.staff)
        c = _open(svc.create_campaign(name="Учитель года 2027", year=2027, kind=CampaignKind.teacher_contest,
                                      actor=staff))
        school = org(org_type=OrgType.OO)
        teacher = make_user("teacher@x.ru", (Role.applicant, school), org=school, name="Сидорова Мария Павловна")
        make_user("head@x.ru", (Role.applicant, school), org=school)
        track = next(t for t in c.tracks if "OO" in t.org_types)
        e = dossier.create_entry(teacher, school, c, track)
        assert (e.applicant_kind, e.person_id, e.organization_id) == (ApplicantKind.person, teacher.id, school.id)
        assert e.lead_name == "Сидорова Мария Павловна"
        with pytest.raises(ValidationFailed, match="Вы уже подали"):
            dossier.create_entry(teacher, school, c, track)
        # Staff cannot register a teacher's entry on paper for the school: the teacher applies.
        with pytest.raises(ValidationFailed, match="подаёт сам педагог"):
            from workflow_app.services.competition import paper_entry
            paper_entry.register_paper_entry(staff, c, school, track)
        # The school's applicants hear nothing of the teacher's entry; the teacher does.
        assert [u.email for u in dossier.entry_owners(e)] == ["teacher@x.ru"]
        # A copy for the next year stays a teachers' competition.
        nxt = svc.copy_campaign(c, year=2028, actor=staff)
        assert nxt.applicant_kind == ApplicantKind.person and nxt.preset_id == c.preset_id
        eid, code = e.id, e.code
        db.session.commit()
    login(client, "teacher@x.ru")
    page = client.get(f"/entries/{eid}").get_data(as_text=True)
    assert "Участник: <strong>Сидорова Мария Павловна</strong>, место работы" in page
    assert code in client.get("/entries/").get_data(as_text=True)
    other = app.test_client()
    login(other, "head@x.ru")  # the school's other applicant: neither sees nor edits it
    assert other.get(f"/entries/{eid}").status_code == 403
    assert other.get(f"/entries/{eid}/edit").status_code == 403
    assert code not in other.get("/entries/").get_data(as_text=True)


def test_team_entry_the_lead_edits_and_co_applicants_read(app, client):
    with app.app_context():
        admin = make_user("admin@x.ru", Role.admin)
        base = store.default_for(CampaignKind.best_practice)
        team_preset = store.copy_preset(base, actor=admin, name="Сетевая практика (команды ТМС)")
        store.update_preset(team_preset, dict(store.as_config(team_preset), applicant_kind="team"),
                            actor=admin, expected_version=team_preset.version)
        c = _open(svc.create_campaign(name="Сетевая практика 2027", year=2027, kind=CampaignKind.best_practice,
                                      actor=admin, preset=team_preset))
        assert c.applicant_kind == ApplicantKind.team and c.preset_id == team_preset.id
        lead, partner, outsider = (org(org_type=OrgType.TMS) for _ in range(3))
        lead_user = make_user("lead@x.ru", (Role.applicant, lead), org=lead)
        partner_user = make_user("partner@x.ru", (Role.applicant, partner), org=partner)
        e = dossier.create_entry(lead_user, lead, c, c.tracks[0])
        with pytest.raises(ValidationFailed, match="уже ведёт"):
            teams.add_coapplicant(e, lead, actor=lead_user)
        teams.add_coapplicant(e, partner, actor=lead_user)
        with pytest.raises(ValidationFailed, match="Организации типа «ОО» не участвуют"):
            teams.add_coapplicant(e, org(org_type=OrgType.OO), actor=lead_user)
        with pytest.raises(PermissionDenied):  # a co-applicant does not change the team
            teams.add_coapplicant(e, outsider, actor=partner_user)
        assert policy.can(partner_user, "entry.view", e) and not policy.can(partner_user, "entry.edit", e)
        assert policy.can(lead_user, "entry.edit", e)
        assert [x.id for x in dossier.org_entries({partner.id}, partner_user.id)] == [e.id]
        eid, outsider_id, outsider_name = e.id, outsider.id, outsider.short_name
        db.session.commit()
    login(client, "partner@x.ru")
    page = client.get(f"/entries/{eid}").get_data(as_text=True)
    assert "Командная заявка" in page
    assert client.get(f"/entries/{eid}/edit").status_code == 403
    team_url = f"/entries/{eid}/team"
    refused = client.post(f"{team_url}/add", data={"csrf_token": csrf_token(client, f"/entries/{eid}"),
                                                   "organization_id": outsider_id})
    assert refused.status_code == 403
    lead = app.test_client()
    login(lead, "lead@x.ru")
    assert outsider_name in lead.get(team_url).get_data(as_text=True)  # offered in the list
    resp = post_form(lead, f"{team_url}/add", {"organization_id": outsider_id}, form_url=team_url,
                     follow_redirects=True)
    assert "добавлена в команду" in resp.get_data(as_text=True)
    with app.app_context():
        e = db.session.get(Entry, eid)
        assert outsider_id in {c.organization_id for c in e.coapplicants} and len(e.coapplicants) == 2


def test_organisation_entries_work_as_before(app):
    with app.app_context():
        staff = make_user("staff@x.ru", Role.staff)
        c = _open(svc.create_campaign(name="ИП 2027", year=2027, kind=CampaignKind.innovation_search, actor=staff))
        school = org(org_type=OrgType.OO)
        u1 = make_user("a1@x.ru", (Role.applicant, school), org=school)
        u2 = make_user("a2@x.ru", (Role.applicant, school), org=school)
        e = dossier.create_entry(u1, school, c, next(t for t in c.tracks if t.code == "ОО"))
        assert e.applicant_kind == ApplicantKind.organization and e.person_id is None
        assert policy.can(u2, "entry.edit", e)  # any applicant of the organisation, as before
        assert c.stages and all(s.deadline for s in c.stages)
        assert db.session.execute(select(Campaign.applicant_kind).where(Campaign.id == c.id)).scalar_one() == \
            ApplicantKind.organization
        assert StageKind.defence in {s.kind for s in c.stages}


def test_results_offer_only_the_documents_the_preset_names(app, client):
    with app.app_context():
        staff = make_user("staff@x.ru", Role.staff)
        poster = svc.create_campaign(name="Постер-сессия 2027", year=2027, kind=CampaignKind.poster_session,
                                     actor=staff)
        kip = svc.create_campaign(name="ИП 2027", year=2027, kind=CampaignKind.innovation_search, actor=staff)
        ids = poster.id, kip.id
        db.session.commit()
    login(client, "staff@x.ru")
    poster_page = client.get(f"/results/campaigns/{ids[0]}").get_data(as_text=True)
    kip_page = client.get(f"/results/campaigns/{ids[1]}").get_data(as_text=True)
    assert "Протокол" in poster_page and "Приказ об итогах" not in poster_page
    assert "Протокол" in kip_page and "Приказ об итогах" in kip_page
