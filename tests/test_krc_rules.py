"""Rules of the КРЦ/ЛСВ cycle at the service level: who may apply for what, figures checked, return with
remarks and resubmission, a rejection recorded with its protocol, the cycle's deadlines per year and what is
overdue, and who sees whose applications."""
from __future__ import annotations

from datetime import date

import pytest
import time_machine

from workflow_app import policy
from workflow_app.errors import PermissionDenied, TransitionNotAllowed, ValidationFailed
from workflow_app.machines import fire
from workflow_app.machines.roadmap import roadmap_lifecycle
from workflow_app.machines.status_application import application_lifecycle
from workflow_app.models import OrgType, Role
from workflow_app.models.status_application import ApplicationStatus
from workflow_app.services.krc import applications, deadlines, requirements, roadmaps
from workflow_app.services.platform.validation import FieldErrors

from .factories import make_org, make_user, municipality, status_type
from .helpers import pdf_bytes, upload

MET = {"fig_products": "3", "fig_events": "3", "fig_network": "5", "fig_teachers_trained": "41"}


def _data(**figures) -> applications.ApplicationData:
    return applications.ApplicationData(theme="Тема", summary="Обоснование", figures={**MET, **figures})


def test_who_may_apply_for_what(ctx):
    tms = make_org("ТМС", "sochi", org_type=OrgType.TMS)
    school = make_org("Школа", "sochi", org_type=OrgType.OO)
    assert {t.code for t in applications.types_for(tms)} >= {"KRC", "RCOO", "LSV"}
    assert "KIP" not in {t.code for t in applications.types_for(tms)}
    assert not {"KRC", "RCOO", "LSV"} & {t.code for t in applications.types_for(school)}
    staff = make_user("s@x.ru", Role.staff)
    with pytest.raises(ValidationFailed, match="не может подать заявку"):
        applications.create(staff, school, status_type("KRC"), 2026, _data())
    other = make_user("other@x.ru", (Role.applicant, school))
    with pytest.raises(PermissionDenied):
        applications.create(other, tms, status_type("KRC"), 2026, _data())


def test_figures_are_numbers_and_exactly_the_minimum_is_met(ctx):
    tms = make_org("ТМС", "sochi", org_type=OrgType.TMS)
    holder = make_user("h@x.ru", (Role.applicant, tms))
    with pytest.raises(FieldErrors) as err:
        applications.create(holder, tms, status_type("KRC"), 2026, _data(fig_products="три", fig_events="-1"))
    assert set(err.value.errors) == {"fig_products", "fig_events"}
    app = applications.create(holder, tms, status_type("KRC"), 2026, _data(fig_teachers_trained="40,9"))
    assert app.shortfalls == 1
    assert [requirements.describe(f) for f in requirements.shortfalls(app.figures)] == [
        "Доля педагогов, прошедших повышение квалификации по теме проекта: 40,9 % при минимуме 41 %"]
    applications.update(app, holder, _data())
    assert app.shortfalls == 0
    with pytest.raises(ValidationFailed, match="уже есть"):
        applications.create(holder, tms, status_type("KRC"), 2026, _data())


def test_return_resubmit_and_a_rejection_with_its_protocol(ctx):
    tms = make_org("ТМС", "sochi", org_type=OrgType.TMS)
    holder = make_user("h@x.ru", (Role.applicant, tms))
    staff = make_user("s@x.ru", Role.staff)
    app = applications.create(holder, tms, status_type("LSV"), 2026, _data())
    applications.submit(app, holder)
    with pytest.raises(PermissionDenied):
        fire(application_lifecycle, app, "accept", actor=holder)
    with pytest.raises(TransitionNotAllowed, match="причину"):
        fire(application_lifecycle, app, "return", actor=staff)
    fire(application_lifecycle, app, "return", actor=staff, reason="Приложите план сети")
    assert app.status == ApplicationStatus.returned and app.remarks == "Приложите план сети"
    applications.update(app, holder, _data())
    applications.submit(app, holder)
    assert app.status == ApplicationStatus.resubmitted
    fire(application_lifecycle, app, "accept", actor=staff)
    with pytest.raises(FieldErrors):
        applications.decide(app, staff, approve=False, council_date=date(2026, 5, 20), number=" ", decision="")
    applications.decide(app, staff, approve=False, council_date=date(2026, 5, 20), number="5", decision="")
    assert app.status == ApplicationStatus.council_rejected
    assert (app.council_number, app.council_decision) == ("5", "Отказать в присвоении статуса")
    with pytest.raises(TransitionNotAllowed, match="положительного решения"):
        applications.prepare_order(app, staff)


def test_deadlines_per_year_and_overdue_roadmaps(ctx):
    staff = make_user("s@x.ru", Role.staff)
    assert deadlines.deadlines(2026) == deadlines.Deadlines(2026, date(2026, 8, 31), date(2026, 11, 30))
    deadlines.set_deadlines(staff, 2026, date(2026, 8, 25), date(2026, 11, 20))
    assert deadlines.deadlines(2026).roadmap_approval == date(2026, 8, 25)
    assert deadlines.deadlines(2027).roadmap_approval == date(2027, 8, 31)  # other years keep the default
    with pytest.raises(ValidationFailed):
        deadlines.set_deadlines(staff, 2026, date(2026, 11, 25), date(2026, 11, 20))
    tms = make_org("ТМС", "sochi", org_type=OrgType.TMS)
    plan = {"columns": roadmaps.COLUMNS, "rows": [["1.1.", "Семинар", "май", "методисты", "Иванова"]]}
    roadmap = roadmaps.create(staff, tms, 2026, "", plan)
    roadmaps.submit(roadmap, staff)
    assert roadmaps.overdue(roadmap, date(2026, 8, 25)) == ""
    assert roadmaps.overdue(roadmap, date(2026, 8, 26)) == "Не утверждена в срок (до 25.08.2026)"
    with time_machine.travel("2026-09-01 10:00 +0300", tick=False):
        fire(roadmap_lifecycle, roadmap, "approve", actor=staff)
    assert roadmaps.overdue(roadmap, date(2026, 11, 21)) == "Отчёт о выполнении просрочен (до 20.11.2026)"


def test_who_sees_applications(ctx):
    tms = make_org("ТМС", "sochi", org_type=OrgType.TMS)
    holder = make_user("h@x.ru", (Role.applicant, tms))
    app = applications.create(holder, tms, status_type("KRC"), 2026, _data())
    coordinator = make_user("c@x.ru", (Role.coordinator, municipality("sochi")))
    elsewhere = make_user("e@x.ru", (Role.coordinator, municipality("krasnodar")))
    other = make_user("o@x.ru", (Role.applicant, make_org("ТМС 2", "anapa", org_type=OrgType.TMS)))
    view = "status_application.view"
    assert policy.can(holder, view, app) and policy.can(coordinator, view, app)
    assert not policy.can(elsewhere, view, app)
    assert not policy.can(other, view, app) and not policy.can(other, "status_application.edit", app)
    assert not policy.can(coordinator, "status_application.list") and policy.can(holder, "krc.mine")


def test_the_package_is_checked_by_its_content(ctx):
    tms = make_org("ТМС", "sochi", org_type=OrgType.TMS)
    holder = make_user("h@x.ru", (Role.applicant, tms))
    with pytest.raises(ValidationFailed):
        applications.create(holder, tms, status_type("KRC"), 2026, _data(),
                            upload(b"MZ\x90\x00 not a pdf", "package.pdf"))
    app = applications.create(holder, tms, status_type("KRC"), 2026, _data(), upload(pdf_bytes(), "Пакет.pdf"))
    assert app.file is not None and app.file.content_type == "application/pdf"
