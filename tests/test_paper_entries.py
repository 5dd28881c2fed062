"""Entries received on paper: staff register one for an organisation without an applicant account, audited as
such with who did it, then fill the dossier and submit it for the organisation; the rules of an ordinary
entry (campaign open, track fits the organisation, one entry per organisation) hold; `intake.open_entry` is
the one door for both ways in."""
import pytest
from sqlalchemy import func, select

from workflow_app import policy
from workflow_app.errors import PermissionDenied, ValidationFailed
from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Organization, OrgStatus, OrgType, Role, User
from workflow_app.models.competition import Campaign, CampaignStatus, Entry, EntryStatus
from workflow_app.services.competition import dossier as dossier_svc
from workflow_app.services.competition import intake, paper_entry

from .factories import fill, make_campaign, make_entry, make_org, make_user, track
from .helpers import login, post_form


def _user(email: str) -> User:
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def _audit(event: str) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.event == event)).scalars())


def _entries() -> int:
    return db.session.execute(select(func.count(Entry.id))).scalar_one()


@pytest.fixture
def paper_world(app):
    """An open campaign; a kindergarten without any account; a staff member."""
    with app.app_context():
        c = make_campaign(status=CampaignStatus.open)
        org = make_org("МБДОУ Д/С № 17 «Солнышко»", "anapa", OrgType.DOO, full_name="Детский сад № 17 «Солнышко»")
        make_user("staff@x.ru", Role.staff, name="Сотрудник Петрова")
        db.session.commit()
        yield {"campaign": c.id, "org": org.id, "doo": track(c, "ДОО").id, "oo": track(c, "ОО").id}


def test_staff_register_a_paper_entry_fill_it_and_submit_it_for_the_organisation(app, client, paper_world):
    w = paper_world
    login(client, "staff@x.ru")
    entries_page = client.get(f"/entries/campaign/{w['campaign']}").get_data(as_text=True)
    assert 'data-testid="register-paper-entry"' in entries_page

    url = f"/campaigns/{w['campaign']}/paper-entries/new"
    found = client.get(url, query_string={"q": "солнышко"}).get_data(as_text=True)
    assert "МБДОУ Д/С № 17 «Солнышко» — город-курорт Анапа" in found
    resp = post_form(client, url, {"org_id": w["org"], "track_id": w["doo"], "q": "солнышко"}, form_url=url)
    assert resp.status_code == 302 and "/edit" in resp.headers["Location"]

    with app.app_context():
        e = db.session.execute(select(Entry).where(Entry.organization_id == w["org"])).scalar_one()
        staff = _user("staff@x.ru")
        assert (e.on_paper, e.status, e.created_by_id, e.track_id) == (True, EntryStatus.draft, staff.id, w["doo"])
        [row] = _audit("entry.register_paper")
        assert (row.actor_id, row.object_id) == (staff.id, e.id)
        entry_id, code = e.id, e.code
    editor = client.get(f"/entries/{entry_id}/edit")
    assert editor.status_code == 200  # staff may fill a paper entry in

    with app.app_context():  # the dossier typed from the paper copy (the editor's save)
        e = db.session.get(Entry, entry_id)
        filled = fill(make_entry(db.session.get(Campaign, w["campaign"]), e.organization, "ДОО"))
        data = {"title": "Сказкотерапия в детском саду", "lead_name": filled.lead_name, "team": filled.team,
                "dossier": filled.dossier}
        db.session.delete(filled)
        dossier_svc.save_draft(_user("staff@x.ru"), e, data)
        db.session.commit()
        version = e.version
    resp = post_form(client, f"/entries/{entry_id}/submit", {"expected_version": version})
    assert resp.status_code == 302
    with app.app_context():
        e = db.session.get(Entry, entry_id)
        assert e.status == EntryStatus.submitted and e.current_version == 1
    page = client.get(f"/entries/{entry_id}").get_data(as_text=True)
    assert "Заявка зарегистрирована по бумажной заявке" in page and "Сотрудник Петрова" in page and code in page


@pytest.mark.parametrize("case, message", [
    ("wrong_track", "не могут участвовать в направлении"),
    ("deactivated", "деактивирована"),
    ("already_entered", "допустимое число заявок"),
    ("closed", "не ведётся"),
])
def test_a_paper_entry_meets_the_rules_of_any_entry(app, client, paper_world, case, message):
    w = paper_world
    with app.app_context():
        c, org = db.session.get(Campaign, w["campaign"]), db.session.get(Organization, w["org"])
        if case == "deactivated":
            org.status = OrgStatus.deactivated
        elif case == "already_entered":
            make_entry(c, org, "ДОО")
        elif case == "closed":
            c.status = CampaignStatus.review
        db.session.commit()
        before, audits = _entries(), len(_audit("entry.register_paper"))
    login(client, "staff@x.ru")
    url = f"/campaigns/{w['campaign']}/paper-entries/new"
    track_id = w["oo"] if case == "wrong_track" else w["doo"]
    # the session's CSRF token from the campaign's page (a closed campaign's paper page shows no form)
    resp = post_form(client, url, {"org_id": w["org"], "track_id": track_id}, form_url=f"/campaigns/{w['campaign']}")
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    with app.app_context():
        assert _entries() == before and len(_audit("entry.register_paper")) == audits


def test_only_staff_register_and_only_paper_entries_are_theirs_to_fill(ctx):
    c = make_campaign(status=CampaignStatus.open)
    school = make_org("МБОУ СОШ № 2", "krasnodar", OrgType.OO)
    applicant = make_user("app@x.ru", (Role.applicant, school))
    staff = make_user("staff@x.ru", Role.staff)
    with pytest.raises(PermissionDenied):
        paper_entry.register_paper_entry(applicant, c, school, track(c, "ОО"))
    online = dossier_svc.create_entry(applicant, school, c, track(c, "ОО"))
    assert not policy.can(staff, "entry.edit", online) and not policy.can(staff, "entry.submit", online)

    other = make_org("МБОУ СОШ № 3", "krasnodar", OrgType.OO)
    paper = paper_entry.register_paper_entry(staff, c, other, track(c, "ОО"))
    assert policy.can(staff, "entry.edit", paper) and policy.can(staff, "entry.submit", paper)
    assert paper.code != online.code and paper.code.endswith("-0002")
    paper.status = EntryStatus.submitted
    assert not policy.can(staff, "entry.edit", paper)  # a submitted entry is frozen for staff too
    # the organisation's own applicant keeps their rights over a paper entry
    make_user("app3@x.ru", (Role.applicant, other))
    paper.status = EntryStatus.draft
    assert policy.can(_user("app3@x.ru"), "entry.edit", paper)


def test_open_entry_is_the_one_door_for_staff_and_applicants(ctx):
    c = make_campaign(status=CampaignStatus.open)
    school = make_org("МБОУ СОШ № 4", "sochi", OrgType.OO)
    kindergarten = make_org("МБДОУ Д/С № 5", "sochi", OrgType.DOO)
    applicant = make_user("app@x.ru", (Role.applicant, school))
    staff = make_user("staff@x.ru", Role.staff)
    own = intake.open_entry(applicant, c, school, track(c, "ОО"))
    paper = intake.open_entry(staff, c, kindergarten, track(c, "ДОО"))
    assert (own.on_paper, paper.on_paper) == (False, True)
    assert [r.object_id for r in _audit("entry.create")] == [own.id]
    assert [r.object_id for r in _audit("entry.register_paper")] == [paper.id]
    with pytest.raises(PermissionDenied):  # an applicant of another organisation
        intake.open_entry(applicant, c, kindergarten, track(c, "ДОО"))
    with pytest.raises(ValidationFailed, match="не могут участвовать"):
        intake.open_entry(staff, c, school, track(c, "ДОО"))
