"""Small parts of the ФИП preparation: the word diff, the readiness providers reading the yearly reports
once the reports area provides its figures, and the case list's bounded statement count."""
from __future__ import annotations

import pytest
from sqlalchemy import event, select

from workflow_app.extensions import db
from workflow_app.models import Role
from workflow_app.models.fip_case import FipCase
from workflow_app.services.fip import readiness
from workflow_app.services.fip.diff import changed, word_diff

from .factories import make_org, make_user
from .fip_helpers import kip_holder, opened_case
from .helpers import login


def test_word_diff_keeps_words_and_joins_a_changed_phrase():
    parts = word_diff("Модель сети школ края.", "Модель сетевого взаимодействия школ края.")
    assert parts == [(" ", "Модель"), ("-", "сети"), ("+", "сетевого взаимодействия"), (" ", "школ края.")]
    assert not changed(word_diff("a  b\nc", "a b\nc")) and word_diff("", "") == []
    assert changed(word_diff("a\nb", "a b"))  # a paragraph break is a change a reader sees


def _report(award, year: int, status, **tables) -> None:
    from datetime import UTC, date, datetime

    from workflow_app.models.status_report import StatusReport
    from workflow_app.services.reports import content as c

    specs = {"products": c.PRODUCTS, "publications": c.PUBLICATIONS, "network": c.NETWORK, "events": c.EVENTS}
    body = {key: {"columns": list(specs[key].columns), "rows": rows, "row_kinds": ["data"] * len(rows)}
            for key, rows in tables.items()}
    report = db.session.execute(select(StatusReport).where(  # granting the award scheduled the yearly ones
        StatusReport.award_id == award.id, StatusReport.period_year == year)).scalars().first()
    if report is None:
        report = StatusReport(award=award, period_year=year, due_date=date(year, 12, 15))
        db.session.add(report)
    report.status, report.content, report.submitted_at = status, body, datetime(year, 12, 1, tzinfo=UTC)
    db.session.flush()


def test_report_checks_count_what_the_accepted_reports_record(ctx):
    from workflow_app.models.status_report import ReportStatus

    org, staff, applicant, award = kip_holder()
    case = opened_case(org, applicant, award)
    before = {c.code: c for c in readiness.evaluate(case).checks}
    assert before["products"].state == readiness.MISSING and before["products"].detail == "По принятым отчётам: 0."
    _report(award, 2024, ReportStatus.accepted,
            products=[["Методичка", "пособие", ""], ["Сборник", "сборник", ""], ["", "", ""]],
            network=[["МБОУ СОШ № 1", "г. Краснодар", "участник"]],
            events=[["15.10.2024", "Семинар", "краевой", "40"]])
    _report(award, 2025, ReportStatus.accepted, network=[["мбоу сош № 1", "г. Краснодар", "участник"],
                                                         ["МАДОУ д/с № 5", "г. Краснодар", "участник"]])
    _report(award, 2026, ReportStatus.submitted, publications=[["Статья", "https://x.ru/a"]])  # not accepted yet
    after = {c.code: c for c in readiness.evaluate(case).checks}
    assert after["accepted_reports"].detail == "По принятым отчётам: 2."
    assert after["products"].state == readiness.OK and after["products"].detail == "По принятым отчётам: 2."
    assert after["network_members"].detail == "По принятым отчётам: 2."  # the same school twice counts once
    assert after["events"].state == readiness.OK
    assert after["publications"].state == readiness.MISSING
    assert after["publications"].fix == ("statuses.org_profile", {"org_id": org.id})


def _statements(app, client, url: str) -> tuple[int, str]:
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    client.get(url)
    event.listen(engine, "before_cursor_execute", count)
    try:
        resp = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert resp.status_code == 200
    return len(seen), resp.get_data(as_text=True)


def _cases(n: int, start: int) -> None:
    for i in range(start, start + n):
        db.session.add(FipCase(organization=make_org(f"Школа № {i}", "sochi" if i % 2 else "anapa"),
                               project=f"Проект {i}", year=2027, form={}, manual_checks=[]))
    db.session.flush()


@pytest.mark.slow
def test_case_list_statement_count_does_not_grow_with_the_page(app, client):
    with app.app_context():
        make_user("staff@x.ru", Role.staff)
        _cases(3, 0)
        db.session.commit()
    login(client, "staff@x.ru")
    few, page = _statements(app, client, "/fip?per_page=50")
    assert page.count('href="/fip/') - page.count('href="/fip/new') - page.count('href="/fip/settings') == 3
    with app.app_context():
        _cases(40, 3)
        db.session.commit()
    many, page = _statements(app, client, "/fip?per_page=50")
    assert "Проект 42" in page
    assert few == many and many <= 12, (few, many)


def test_case_list_exports_to_excel(app, client):
    from io import BytesIO

    from openpyxl import load_workbook

    with app.app_context():
        make_user("staff@x.ru", Role.staff)
        _cases(2, 0)
        db.session.commit()
    login(client, "staff@x.ru")
    resp = client.get("/fip?export=xlsx&q=Проект 1")
    rows = list(load_workbook(BytesIO(resp.data)).active.values)
    assert rows[0][:4] == ("Организация", "Проект", "Год", "Состояние")
    assert [r[1] for r in rows[1:]] == ["Проект 1"]
