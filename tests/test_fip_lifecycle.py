"""ФИП case lifecycle through its services: readiness gaps, drafting, a review round with remarks, the
council, the ministry's order granting a ФИП award that the public registry then lists."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from workflow_app.errors import PermissionDenied, TransitionNotAllowed
from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Role
from workflow_app.models.fip_case import FipStatus
from workflow_app.models.status_award import AwardStatus
from workflow_app.services.fip import cases, readiness, rounds
from workflow_app.services.platform.validation import FieldErrors

from .factories import make_org, make_user
from .fip_helpers import full_form, kip_holder, opened_case
from .helpers import png_bytes, upload


def _events(case):
    return list(db.session.execute(select(AuditEvent.event).where(
        AuditEvent.object_type == "fip_case", AuditEvent.object_id == case.id).order_by(AuditEvent.id)).scalars())


def test_prefilled_from_the_kip_dossier(ctx):
    org, staff, applicant, award = kip_holder()
    case = opened_case(org, applicant, award)
    assert "Наставничество" in case.form["1"]
    assert "Текст раздела 2.1" in case.form["2"]          # aims from the dossier's 2.1
    assert case.form["11"]["columns"] == ["Дата", "Мероприятие", "Ссылка"] and case.form["11"]["rows"]
    assert case.status == FipStatus.readiness and _events(case) == ["fip.opened"]


def test_without_a_kip_drafting_is_refused_and_the_gap_links_to_the_profile(ctx):
    staff = make_user("s@x.ru", Role.staff)
    org = make_org("Школа без КИП", "sochi")
    applicant = make_user("a@x.ru", (Role.applicant, org))
    case = cases.open_case(applicant, org, "Проект", 2027)
    kip = next(c for c in readiness.evaluate(case).checks if c.code == "kip")
    assert kip.state == readiness.MISSING and kip.fix == ("statuses.org_profile", {"org_id": org.id})
    reports = next(c for c in readiness.evaluate(case).checks if c.code == "accepted_reports")
    assert reports.label == "нет" and reports.detail == "По принятым отчётам: 0."
    with pytest.raises(TransitionNotAllowed, match="статус КИП"):
        cases.transition(applicant, case, "start_drafting")
    assert staff  # staff exist but the gap is the organisation's


def test_the_whole_way_to_a_fip_award(ctx):
    org, staff, applicant, award = kip_holder()
    case = opened_case(org, applicant, award)
    cases.transition(applicant, case, "start_drafting")
    with pytest.raises(TransitionNotAllowed, match="10 «Модель"):
        cases.save_form(applicant, case, full_form())
        cases.transition(applicant, case, "send_for_review")
    cases.upload_infographic(applicant, case, upload(png_bytes(), "model.png"))
    cases.transition(applicant, case, "send_for_review")
    assert case.status == FipStatus.review and case.current_round.number == 1

    with pytest.raises(TransitionNotAllowed, match="замечания"):
        cases.transition(staff, case, "return_for_revision")
    rounds.save_remarks(staff, case, {"8": "Уточните, кто наставники."})
    cases.transition(staff, case, "return_for_revision")
    cases.save_form(applicant, case, {"8": "Сетевая модель наставничества молодых педагогов сельских школ "
                                           "силами методистов ТМС."})
    cases.transition(applicant, case, "send_for_review")
    diff = rounds.diff_rounds(case.rounds[0], case.rounds[1])
    eight = next(d for d in diff if d["number"] == "8")
    assert eight["changed"] and eight["remark"] == "Уточните, кто наставники."
    assert ("+", "школ силами методистов ТМС.") in eight["parts"]
    assert not next(d for d in diff if d["number"] == "2")["changed"]

    with pytest.raises(FieldErrors) as err:
        cases.transition(staff, case, "recommend", data={"council_protocol": "7"})
    assert set(err.value.errors) == {"council_date", "council_decision"}
    cases.transition(staff, case, "recommend", data={"council_date": "2026-06-20", "council_protocol": "7",
                                                      "council_decision": "Рекомендовать к подаче"})
    with pytest.raises(TransitionNotAllowed, match="раньше заседания"):
        cases.transition(staff, case, "submit", data={"submitted_on": "2026-06-01"})
    cases.transition(staff, case, "submit", data={"submitted_on": "2026-09-25"})
    with pytest.raises(PermissionDenied):
        cases.transition(applicant, case, "recognise",
                         data={"issuer": "Минпросвещения России", "number": "Р-1", "order_date": "2026-11-20"})
    cases.transition(staff, case, "recognise", data={"issuer": "Минпросвещения России", "number": "Р-112",
                                                      "order_date": "2026-11-20", "term_from": "2027-01-01"})
    assert case.status == FipStatus.recognised
    fip = case.fip_award
    assert fip.status_type.short_name == "ФИП" and fip.status == AwardStatus.scheduled
    assert (fip.term_from, fip.term_to) == (date(2027, 1, 1), date(2031, 12, 31))
    assert case.ministry_order.number == "Р-112" and fip.granted_by_order_id == case.ministry_order_id
    assert _events(case) == ["fip.opened", "fip.start_drafting", "fip.form_saved", "fip.infographic",
                             "fip.send_for_review", "fip.remarks", "fip.return_for_revision", "fip.form_saved",
                             "fip.send_for_review", "fip.recommend", "fip.submit", "fip.recognise"]


def test_withdrawal_needs_a_reason_and_ends_the_case(ctx):
    org, staff, applicant, award = kip_holder()
    case = opened_case(org, applicant, award)
    with pytest.raises(TransitionNotAllowed, match="причину"):
        cases.transition(applicant, case, "withdraw")
    cases.transition(applicant, case, "withdraw", reason="Проект не готов")
    assert case.status == FipStatus.withdrawn and case.outcome_note == "Проект не готов"
    with pytest.raises(PermissionDenied):
        cases.save_form(applicant, case, {"2": "поздно"})


def test_only_staff_review_and_only_own_applicants_edit(ctx):
    org, staff, applicant, award = kip_holder()
    other = make_user("other@x.ru", (Role.applicant, make_org("Чужая школа", "sochi")))
    case = opened_case(org, applicant, award)
    with pytest.raises(PermissionDenied):
        cases.save_form(other, case, {"2": "чужое"})
    with pytest.raises(PermissionDenied):
        cases.transition(other, case, "start_drafting")
    cases.transition(applicant, case, "start_drafting")
    cases.save_form(applicant, case, full_form())
    cases.upload_infographic(applicant, case, upload(png_bytes(), "m.png"))
    cases.transition(applicant, case, "send_for_review")
    with pytest.raises(PermissionDenied):
        rounds.save_remarks(applicant, case, {"2": "сам себе"})
    with pytest.raises(PermissionDenied):
        cases.save_form(applicant, case, {"2": "во время рецензии"})


def test_a_second_open_case_on_the_same_project_is_refused(ctx):
    org, staff, applicant, award = kip_holder()
    opened_case(org, applicant, award)
    with pytest.raises(FieldErrors, match="уже идёт"):
        opened_case(org, applicant, award)
