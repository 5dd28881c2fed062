"""The ФИП readiness checks count what the organisation's accepted yearly reports record (data rows of their
tables, not group headings; drafts and submitted reports do not count), and a new case's form takes events
and products from those reports where the КИП dossier has none."""
from __future__ import annotations

from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models.status_report import ReportStatus, StatusReport
from workflow_app.services.fip import cases, readiness
from workflow_app.services.reports import content as c
from workflow_app.services.reports import filing, review
from workflow_app.services.reports import readiness as figures

from .fip_helpers import kip_holder, opened_case


def _grid(spec, rows, kinds=None) -> dict:
    return {"columns": list(spec.columns), "rows": rows, "row_kinds": kinds or ["data"] * len(rows)}


def _content(products: list[str], events: list[tuple[str, str]]) -> dict:
    form = {
        "activities": _grid(c.ACTIVITIES, [["1", "Установочный семинар", "март", c.DONE, "", "", ""]]),
        # a group heading above the products: a heading is not a product
        "products": _grid(c.PRODUCTS, [["Методические продукты", "", ""]] + [[p, "пособие", f"https://x.ru/{n}"]
                                                                           for n, p in enumerate(products)],
                          ["group"] + ["data"] * len(products)),
        "events": _grid(c.EVENTS, [[day, name, "краевой", "40"] for day, name in events]),
        "summary": "Модель апробирована.",
    }
    return c.parse(form, final=False)


def _reports(award) -> list[StatusReport]:
    return list(db.session.execute(select(StatusReport).where(StatusReport.award_id == award.id)
                                   .order_by(StatusReport.period_year)).scalars())


def _file(applicant, report, content, staff=None):
    filing.save(applicant, report, content)
    filing.submit(applicant, report)
    if staff is not None:
        review.accept(staff, report)


def _checks(case) -> dict[str, readiness.Check]:
    return {ch.code: ch for ch in readiness.evaluate(case).checks}


def test_readiness_counts_the_accepted_reports_rows_and_checks_them_against_the_threshold(ctx):
    org, staff, applicant, award = kip_holder()
    first, second = _reports(award)[:2]
    _file(applicant, first, _content(["Программа курса", "Сборник кейсов"],
                                     [("10.03.2024", "Семинар"), ("12.05.2024", "Вебинар"),
                                      ("20.10.2024", "Конференция")]), staff)
    # submitted, not yet accepted: not evidence yet
    _file(applicant, second, _content(["Черновой продукт"], [("01.02.2025", "Круглый стол")]))
    assert first.status == ReportStatus.accepted and second.status == ReportStatus.submitted

    assert [figures.figure(org.id, k) for k in figures.CODES] == [1, 2, 0, 0, 3]
    assert figures.figure(org.id, "teachers_trained") is None
    checks = _checks(opened_case(org, applicant, award))
    assert checks["accepted_reports"].state == readiness.OK
    assert checks["products"].state == readiness.OK and checks["products"].detail == "По принятым отчётам: 2."
    assert checks["events"].state == readiness.OK and checks["events"].detail == "По принятым отчётам: 3."
    assert checks["publications"].state == checks["network_members"].state == readiness.MISSING
    assert checks["publications"].detail == "По принятым отчётам: 0."
    assert checks["network_members"].fix == ("statuses.org_profile", {"org_id": org.id})

    review.accept(staff, second)  # the second report accepted: its rows add up
    assert [figures.figure(org.id, k) for k in ("accepted_reports", "products", "events")] == [2, 3, 4]


def test_without_accepted_reports_the_report_checks_are_missing_not_unknown(ctx):
    org, staff, applicant, award = kip_holder()
    checks = _checks(opened_case(org, applicant, award))
    assert {checks[k].state for k in figures.CODES} == {readiness.MISSING}
    assert checks["accepted_reports"].label == "нет"


def test_the_form_takes_events_and_products_from_accepted_reports_when_the_dossier_has_none(ctx):
    org, staff, applicant, award = kip_holder()
    _file(applicant, _reports(award)[0],
          _content(["Программа курса", "Сборник кейсов"], [("10.03.2024", "Семинар"), ("12.05.2024", "Вебинар")]),
          staff)
    # a case without a КИП award has no dossier: items 11 and 13 come from the reports
    bare = cases.open_case(applicant, org, "Другой проект", 2027)
    assert bare.form["11"]["rows"] == [["10.03.2024", "Семинар", ""], ["12.05.2024", "Вебинар", ""]]
    assert bare.form["13"]["rows"] == [["Программа курса", "https://x.ru/0"], ["Сборник кейсов", "https://x.ru/1"]]
    # the dossier's own lists win where it has them
    from_dossier = opened_case(org, applicant, award)
    assert from_dossier.form["11"]["rows"] and all(r[1] not in ("Семинар", "Вебинар")
                                                   for r in from_dossier.form["11"]["rows"])
