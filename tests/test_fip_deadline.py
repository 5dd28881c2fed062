"""The federal deadline is a setting per year: cases working to it get reminders like every deadline; a
moved deadline moves them, submission to the ministry cancels them. Staff set it on the settings page."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from workflow_app.actors import SystemActor
from workflow_app.errors import PermissionDenied, ValidationFailed
from workflow_app.extensions import db
from workflow_app.models.reminder import Reminder, ReminderStatus
from workflow_app.services.fip import cases, deadline, settings

from .fip_helpers import full_form, kip_holder, opened_case
from .helpers import csrf_token, login, png_bytes, upload


def _pending(case):
    return list(db.session.execute(select(Reminder).where(
        Reminder.object_type == "fip_case", Reminder.object_id == case.id,
        Reminder.status == ReminderStatus.pending).order_by(Reminder.due_at)).scalars())


def test_reminders_follow_the_year_deadline_until_submission(ctx):
    org, staff, applicant, award = kip_holder()
    settings.set_deadline(staff, 2027, date(2027, 9, 30))
    case = opened_case(org, applicant, award)
    assert deadline.case_deadline(case).deadline.date() == date(2027, 9, 30)
    assert _pending(case) == []                       # readiness: no reminders yet
    cases.transition(applicant, case, "start_drafting")
    first = _pending(case)
    assert {r.recipient_id for r in first} == {applicant.id} and first[-1].deadline_at.date() == date(2027, 9, 30)
    settings.set_deadline(staff, 2027, date(2027, 9, 25))
    assert {r.deadline_at.date() for r in _pending(case)} == {date(2027, 9, 25)}
    cases.save_form(applicant, case, full_form())
    cases.upload_infographic(applicant, case, upload(png_bytes(), "m.png"))
    cases.transition(applicant, case, "send_for_review")
    cases.transition(staff, case, "recommend", data={"council_date": "2027-06-01", "council_protocol": "1",
                                                      "council_decision": "Рекомендовать"})
    assert _pending(case)
    cases.transition(staff, case, "submit", data={"submitted_on": "2027-09-20"})
    assert _pending(case) == []


def test_only_staff_set_the_deadline_and_a_wrong_year_is_refused(ctx):
    org, staff, applicant, award = kip_holder()
    with pytest.raises(PermissionDenied):
        settings.set_deadline(applicant, 2027, date(2027, 9, 30))
    with pytest.raises(ValidationFailed, match="2026 или 2027"):
        settings.set_deadline(staff, 2027, date(2029, 9, 30))
    settings.set_deadline(SystemActor("тест"), 2027, date(2027, 9, 30))
    assert settings.federal_deadline(2027) == date(2027, 9, 30) and settings.federal_deadline(2028) is None


def test_settings_page(app, client):
    with app.app_context():
        org, staff, applicant, award = kip_holder()
        db.session.commit()
        email = staff.email
    login(client, email)
    token = csrf_token(client, "/fip/settings")
    r = client.post("/fip/settings", data={"d-csrf_token": token, "d-year": "2027", "d-deadline": "2027-09-30"})
    assert r.status_code == 302
    assert "до 30.09.2027" in client.get("/fip/settings").get_data(as_text=True)
    r = client.post("/fip/settings", data={"m-csrf_token": token, "m-manual_items": "Согласие учредителя\n"})
    assert r.status_code == 302
    with app.app_context():
        assert settings.manual_items() == ["Согласие учредителя"]
