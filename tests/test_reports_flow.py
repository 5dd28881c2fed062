"""Reports of status holders, service level: due reports materialised once per period (also when an award
is granted), the form prefilled from the holder's plan, the lifecycle with audit, overdue marks and the
termination proposals they raise (never a termination)."""
from __future__ import annotations

import copy
from datetime import date

import pytest
import time_machine
from sqlalchemy import func, select

from workflow_app.errors import PermissionDenied, TransitionNotAllowed
from workflow_app.extensions import db
from workflow_app.models import AuditEvent, OrgType, Role
from workflow_app.models.status_award import AwardStatus
from workflow_app.models.status_report import (
    ProposalStatus,
    ReportKind,
    ReportStatus,
    StatusReport,
    TerminationProposal,
)
from workflow_app.services.reports import content as c
from workflow_app.services.reports import filing, proposals, review, schedule
from workflow_app.services.statuses import awards, grounding

from .factories import make_campaign, make_entry, make_org, make_user, status_type

TODAY = date(2026, 11, 30)
PLAN_GRID = {"columns": ["Год", "Мероприятие", "Сроки"],
             "rows": [["2025", "Установочный семинар", "март"], ["2026", "Апробация модели", "сентябрь — май"],
                      ["2026", "Краевой вебинар", "декабрь"], ["2027", "Обобщение опыта", "2027"]],
             "row_kinds": ["data", "data", "data", "data"]}


def _award(staff, org=None, code="KIP", term=(date(2025, 1, 1), date(2027, 12, 31)), plan=None, today=TODAY):
    org = org or make_org("Школа № 5", "sochi", org_type=OrgType.OO)
    entry = None
    if plan is not None:
        campaign = make_campaign()
        entry = make_entry(campaign, org, title="Тема")
        entry.dossier = {"6": plan, "5": [["Продукты", "Программа и пособие"], ["Диссеминация", "4 семинара"]]}
        db.session.flush()
    order = grounding.register_external(staff, "МОНиМП КК", f"{org.id}-{code}", date(2024, 12, 20))
    with time_machine.travel(today, tick=False):
        return awards.grant(order, staff, org.id, status_type(code), "Тема", *term,
                            entry_id=entry.id if entry else None, today=today)


def _reports(award):
    return list(db.session.execute(select(StatusReport).where(StatusReport.award_id == award.id)
                                   .order_by(StatusReport.period_year, StatusReport.kind)).scalars())


def test_granting_an_active_award_materialises_its_due_reports_and_the_job_is_idempotent(ctx):
    staff = make_user("s@x.ru", Role.staff)
    award = _award(staff)
    assert [(r.kind, r.period_year, r.due_date, r.status) for r in _reports(award)] == [
        (ReportKind.yearly, 2025, date(2025, 12, 1), ReportStatus.due),
        (ReportKind.yearly, 2026, date(2026, 12, 1), ReportStatus.due)]
    assert schedule.materialise(TODAY) == 0
    # a new year begins: the final report (the type has one) replaces the last yearly report
    assert schedule.materialise(date(2027, 1, 1)) == 1
    assert schedule.materialise(date(2027, 1, 2)) == 0
    assert _reports(award)[-1].kind == ReportKind.final and _reports(award)[-1].due_date == date(2027, 12, 31)


def test_the_due_date_follows_the_status_type(ctx):
    staff = make_user("s@x.ru", Role.staff)
    krc = status_type("KRC")
    krc.report_due_month, krc.report_due_day = 11, 15
    db.session.flush()
    award = _award(staff, org=make_org("ТМС", "anapa", org_type=OrgType.TMS), code="KRC")
    assert [r.due_date for r in _reports(award)] == [date(2025, 11, 15), date(2026, 11, 15)]


def test_the_form_is_prefilled_from_the_plan_of_the_year_in_either_stored_shape(ctx):
    staff = make_user("s@x.ru", Role.staff)
    for plan in (PLAN_GRID, PLAN_GRID["rows"]):  # the new grid dict and the old list of rows
        award = _award(staff, org=make_org(f"Школа {len(str(plan))}", "sochi"), plan=plan)
        r2026 = _reports(award)[1]
        data = filing.form_content(r2026)
        assert [row[1:3] for row in data["activities"]["rows"]] == [
            ["Апробация модели", "сентябрь — май"], ["Краевой вебинар", "декабрь"]]
        assert all(row[3] == "" for row in data["activities"]["rows"])  # the outcome is the holder's


def test_the_final_report_lists_the_expected_results(ctx):
    staff = make_user("s@x.ru", Role.staff)
    award = _award(staff, plan=PLAN_GRID, term=(date(2024, 1, 1), date(2026, 12, 31)))
    final = _reports(award)[-1]
    assert final.kind == ReportKind.final
    data = filing.form_content(final)
    assert data["results"]["rows"] == [["Продукты", "Программа и пособие", ""],
                                       ["Диссеминация", "4 семинара", ""]]


def _filled(report) -> dict:
    data = copy.deepcopy(filing.form_content(report))
    for row in data["activities"]["rows"]:
        row[3] = c.DONE
    data["summary"] = "Модель апробирована в 3 школах."
    return data


def test_holder_files_staff_return_with_new_date_then_accept_all_audited(ctx):
    staff = make_user("s@x.ru", Role.staff)
    award = _award(staff, plan=PLAN_GRID)
    holder = make_user("h@x.ru", (Role.applicant, award.organization))
    stranger = make_user("o@x.ru", (Role.applicant, make_org("Чужая школа", "sochi")))
    report = _reports(award)[1]
    with pytest.raises(PermissionDenied):
        filing.save(stranger, report, _filled(report))
    with pytest.raises(TransitionNotAllowed, match="итоги периода"):
        filing.save(holder, report, {**_filled(report), "summary": ""})
        filing.submit(holder, report)
    filing.save(holder, report, _filled(report))
    filing.submit(holder, report)
    assert report.status == ReportStatus.submitted and report.submitted_at is not None
    with pytest.raises(PermissionDenied):
        review.accept(holder, report)
    with time_machine.travel(TODAY, tick=False):
        with pytest.raises(TransitionNotAllowed, match="новый срок"):
            review.return_for_revision(staff, report, "Добавьте ссылки", None)
        review.return_for_revision(staff, report, "Добавьте ссылки", date(2026, 12, 20))
    assert report.status == ReportStatus.returned and report.due_date == date(2026, 12, 20)
    assert report.remarks == "Добавьте ссылки"
    filing.save(holder, report, _filled(report))
    filing.submit(holder, report)
    review.accept(staff, report)
    events = list(db.session.execute(select(AuditEvent.event).where(
        AuditEvent.object_type == "status_report", AuditEvent.object_id == report.id)
        .order_by(AuditEvent.id)).scalars())
    assert events == ["report.start", "report.saved", "report.saved", "report.submit", "report.return_for_revision",
                      "report.saved", "report.resubmit", "report.accept"]


def _proposals(award):
    return list(db.session.execute(select(TerminationProposal).where(
        TerminationProposal.award_id == award.id)).scalars())


def test_two_missed_reports_raise_one_termination_proposal_and_never_terminate(ctx):
    staff = make_user("s@x.ru", Role.staff)
    award = _award(staff)
    first, second = _reports(award)
    assert schedule.mark_overdue(date(2025, 12, 2)) == {"overdue": 1, "proposals": 0}
    assert first.status == ReportStatus.overdue and first.missed
    assert _proposals(award) == []
    assert schedule.mark_overdue(date(2025, 12, 3)) == {"overdue": 0, "proposals": 0}
    assert schedule.mark_overdue(date(2026, 12, 2))["proposals"] == 1
    assert second.status == ReportStatus.overdue
    (proposal,) = _proposals(award)
    assert proposal.status == ProposalStatus.open and "дважды" in proposal.reason
    assert award.status == AwardStatus.active  # a person decides, an order grounds it
    assert schedule.mark_overdue(date(2026, 12, 5)) == {"overdue": 0, "proposals": 0}
    assert len(_proposals(award)) == 1


def test_a_late_draft_of_an_overdue_report_is_not_marked_again(ctx):
    staff = make_user("s@x.ru", Role.staff)
    award = _award(staff)
    holder = make_user("h@x.ru", (Role.applicant, award.organization))
    first = _reports(award)[0]
    schedule.mark_overdue(date(2025, 12, 2))
    filing.save(holder, first, _filled(first))
    assert first.status == ReportStatus.draft
    assert schedule.mark_overdue(date(2025, 12, 10))["overdue"] == 0
    assert first.status == ReportStatus.draft


def test_a_returned_report_not_fixed_by_its_new_date_is_overdue_and_raises_a_proposal(ctx):
    staff = make_user("s@x.ru", Role.staff)
    award = _award(staff, plan=PLAN_GRID)
    holder = make_user("h@x.ru", (Role.applicant, award.organization))
    report = _reports(award)[1]
    filing.save(holder, report, _filled(report))
    filing.submit(holder, report)
    with time_machine.travel(TODAY, tick=False):
        review.return_for_revision(staff, report, "Нет подтверждений", date(2026, 12, 15))
    assert schedule.mark_overdue(date(2026, 12, 15))["overdue"] == 1  # the first report, due 01.12.2025
    assert report.status == ReportStatus.returned
    result = schedule.mark_overdue(date(2026, 12, 16))
    assert report.status == ReportStatus.overdue and result["overdue"] == 1
    causes = sorted(p.cause for p in _proposals(award))
    assert causes == ["missed_twice", proposals.unfixed_cause(report.id)]


def test_staff_dismiss_a_proposal_with_a_note_or_draft_the_termination_order(ctx):
    from workflow_app.models.orders import OrderKind, OrderStatus

    staff = make_user("s@x.ru", Role.staff)
    applicant = make_user("h@x.ru", Role.applicant)
    a1 = _award(staff)
    a2 = _award(staff, org=make_org("Школа № 9", "anapa"))
    schedule.mark_overdue(date(2026, 12, 2))
    (p1,), (p2,) = _proposals(a1), _proposals(a2)
    with pytest.raises(PermissionDenied):
        proposals.dismiss(applicant, p1, "нет")
    proposals.dismiss(staff, p1, "Отчёты представлены с опозданием по уважительной причине")
    assert p1.status == ProposalStatus.dismissed
    order = proposals.draft_order(staff, p2)
    assert order.kind == OrderKind.terminate_status and order.status == OrderStatus.draft
    assert order.effects["award_ids"] == [a2.id] and "дважды" in order.effects["grounds"]
    assert p2.status == ProposalStatus.ordered and a2.status == AwardStatus.active
    with pytest.raises(TransitionNotAllowed):
        proposals.draft_order(staff, p2)
    n = db.session.execute(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.event.in_(["termination_proposal.dismissed", "termination_proposal.ordered"]))).scalar_one()
    assert n == 2


def test_requirements_of_the_type_are_measured_on_the_report(ctx):
    staff = make_user("s@x.ru", Role.staff)
    award = _award(staff, org=make_org("ТМС Сочи", "sochi", org_type=OrgType.TMS), code="KRC")
    report = _reports(award)[1]
    report.content = {"products": {"columns": list(c.PRODUCTS.columns), "rows": [["A", "", ""]] * 3,
                                   "row_kinds": ["data"] * 3}}
    verdicts = {ch.code: ch.verdict for ch in review.requirement_checks(report)}
    assert verdicts == {"products": "выполнено", "events": "не выполнено", "network": "не выполнено",
                        "teachers_trained": "нужна оценка специалиста"}
