"""Report pages: a holder files a yearly report prefilled from its plan, staff see plan vs fact and the
requirements, return it and accept it; the municipal coordinator reads their municipality's holders and
reports (overdue highlighted) and nothing else; the staff list filters, exports XLSX and keeps its query
count; documents, evidence files, termination proposals and the organisation timeline."""
from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import event, select

from workflow_app.extensions import db
from workflow_app.models import OrgType, Role
from workflow_app.models.status_report import ReportStatus, StatusReport
from workflow_app.services.reports import content as c
from workflow_app.services.reports import schedule
from workflow_app.services.statuses import awards, grounding

from .factories import make_campaign, make_entry, make_org, make_user, municipality, status_type
from .helpers import docx_text, login, pdf_bytes, pdf_text, post_form

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
PLAN = {"columns": ["Год", "Мероприятие", "Сроки"],
        "rows": [["2026", "Апробация модели", "сентябрь — май"], ["2026", "Краевой вебинар", "декабрь"],
                 ["2027", "Обобщение опыта", "2027"]], "row_kinds": ["data", "data", "data"]}
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _grant(staff, org, code="KIP", plan=None):
    entry = None
    if plan is not None:
        entry = make_entry(make_campaign(name=f"Конкурс {org.id}"), org, title="Тема")
        entry.dossier = {"6": plan}
    order = grounding.register_external(staff, "МОНиМП КК", f"Р-{org.id}", date(2024, 12, 20))
    return awards.grant(order, staff, org.id, status_type(code), f"Тема {org.short_name}", date(2025, 1, 1),
                        date(2027, 12, 31), entry_id=entry.id if entry else None)


def _world(app) -> dict:
    with app.app_context():
        staff = make_user("staff@x.ru", Role.staff)
        school = make_org("Школа № 5", "sochi", org_type=OrgType.OO)
        award = _grant(staff, school, plan=PLAN)
        make_user("holder@x.ru", (Role.applicant, school))
        other = _grant(staff, make_org("Лицей № 2", "anapa", org_type=OrgType.OO))
        make_user("coord@x.ru", (Role.coordinator, municipality("sochi")))
        ids = {r.period_year: r.id for r in db.session.execute(
            select(StatusReport).where(StatusReport.award_id == award.id)).scalars()}
        other_ids = list(db.session.execute(select(StatusReport.id).where(StatusReport.award_id == other.id)).scalars())
        db.session.commit()
        return {"r2025": ids[2025], "r2026": ids[2026], "other": other_ids[0], "org": school.id}


def _as(app, email):
    """A fresh browser session of another user."""
    client = app.test_client()
    login(client, email)
    return client


def _report(app, rid) -> StatusReport:
    with app.app_context():
        r = db.session.get(StatusReport, rid)
        db.session.expunge(r)
        return r


def _grid_field(html: str, name: str) -> dict:
    m = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert m, name
    import html as h
    return json.loads(h.unescape(m.group(1)))


def _fill(client, rid, **override):
    page = client.get(f"/reports/{rid}").get_data(as_text=True)
    acts = _grid_field(page, "activities")
    for row in acts["rows"]:
        row[3] = "выполнено"
        row[5] = "https://school5.ru/news"
    data = {"activities": json.dumps(acts, ensure_ascii=False), "summary": "Модель апробирована.",
            "teachers_trained": "45", **override}
    return post_form(client, f"/reports/{rid}", data)


def test_holder_files_a_report_prefilled_from_the_plan_staff_return_and_accept(app, client):
    w = _world(app)
    login(client, "holder@x.ru")
    page = client.get(f"/reports/{w['r2026']}").get_data(as_text=True)
    acts = _grid_field(page, "activities")
    assert [r[1] for r in acts["rows"]] == ["Апробация модели", "Краевой вебинар"]
    # bad input: a Russian error naming the row and column, the page shows what was typed, nothing saved
    acts["rows"][0][3] = "почти"
    resp = post_form(client, f"/reports/{w['r2026']}", {"activities": json.dumps(acts, ensure_ascii=False),
                                                           "summary": "Итоги"})
    assert resp.status_code == 422
    assert "Строка 1, столбец «Выполнение»" in resp.get_data(as_text=True)
    assert _report(app, w["r2026"]).status == ReportStatus.due and _report(app, w["r2026"]).content == {}
    assert _fill(client, w["r2026"]).status_code == 302
    assert _report(app, w["r2026"]).status == ReportStatus.draft
    assert post_form(client, f"/reports/{w['r2026']}/submit", {"expected_version": 3},
                     form_url=f"/reports/{w['r2026']}").status_code == 302
    assert _report(app, w["r2026"]).status == ReportStatus.submitted
    # the holder may no longer edit it
    assert "Сохранить черновик" not in client.get(f"/reports/{w['r2026']}").get_data(as_text=True)
    assert post_form(client, f"/reports/{w['r2026']}", {"summary": "x"},
                     form_url=f"/reports/{w['r2026']}").status_code == 403

    client = _as(app, "staff@x.ru")
    page = client.get(f"/reports/{w['r2026']}").get_data(as_text=True)
    assert "План и факт" in page and "Апробация модели" in page and "https://school5.ru/news" in page
    resp = post_form(client, f"/reports/{w['r2026']}/return", {"reason": "Добавьте фотоотчёт",
                                                                 "due": "2026-12-15"})
    assert resp.status_code == 302
    r = _report(app, w["r2026"])
    assert r.status == ReportStatus.returned and r.due_date == date(2026, 12, 15)
    client = _as(app, "holder@x.ru")
    assert "Добавьте фотоотчёт" in client.get(f"/reports/{w['r2026']}").get_data(as_text=True)
    notices = client.get("/notices").get_data(as_text=True)
    assert "Ежегодный отчёт за 2026 год возвращён на доработку" in notices
    assert f'href="/reports/{w["r2026"]}"' in notices
    assert _fill(client, w["r2026"]).status_code == 302
    post_form(client, f"/reports/{w['r2026']}/submit", {}, form_url=f"/reports/{w['r2026']}")
    client = _as(app, "staff@x.ru")
    post_form(client, f"/reports/{w['r2026']}/accept", {}, form_url=f"/reports/{w['r2026']}")
    assert _report(app, w["r2026"]).status == ReportStatus.accepted
    home = client.get("/").get_data(as_text=True)
    assert "Отчёты площадок" in home and "Ждут проверки" in home


def test_the_holder_dashboard_lists_reports_to_file(app, client):
    w = _world(app)
    login(client, "holder@x.ru")
    home = client.get("/").get_data(as_text=True)
    assert "Отчёты по статусу" in home and "Ежегодный отчёт за 2025 год — срок 01.12.2025 (просрочен)" in home
    assert f"/reports/{w['r2026']}" in home


def test_municipal_coordinator_reads_own_municipality_only_with_overdue_highlighted(app, client):
    w = _world(app)
    login(client, "coord@x.ru")
    page = client.get("/reports/municipal").get_data(as_text=True)
    assert "Школа № 5" in page and "Лицей № 2" not in page
    # the 2025 report was due 01.12.2025: overdue, highlighted, its holder first
    assert re.search(r'class="table-danger holder-overdue">\s*<td>Школа № 5', page)
    assert re.search(r'class="table-danger report-overdue">\s*<td>Школа № 5', page)
    view = client.get(f"/reports/{w['r2025']}").get_data(as_text=True)
    assert "Сохранить черновик" not in view and "Принять отчёт" not in view
    assert client.get(f"/reports/{w['other']}").status_code == 403
    assert post_form(client, f"/reports/{w['r2026']}", {"summary": "x"},
                     form_url=f"/reports/{w['r2026']}").status_code == 403
    assert client.get("/reports").status_code == 403
    assert client.get("/reports/municipal?municipality=" + str(w["org"])).status_code == 200


def test_staff_list_filters_sorts_and_exports_xlsx(app, client):
    w = _world(app)
    with app.app_context():
        schedule.mark_overdue(date(2026, 11, 20))
        db.session.commit()
    login(client, "staff@x.ru")
    page = client.get("/reports?overdue=1").get_data(as_text=True)
    assert page.count("report-overdue") == 2  # each holder's 2025 report
    sochi = municipality_id(app, "sochi")
    page = client.get(f"/reports?municipality={sochi}&year=2026").get_data(as_text=True)
    assert "Школа № 5" in page and "Лицей № 2" not in page
    page = client.get("/reports?q=Лицей&state=overdue").get_data(as_text=True)
    assert "Лицей № 2" in page and "Школа № 5" not in page
    assert "Отчётов не найдено" in client.get("/reports?q=нет-такой").get_data(as_text=True)
    resp = client.get("/reports?export=xlsx&sort=org")
    rows = list(load_workbook(io.BytesIO(resp.data)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Организация", "Муниципалитет", "Статус") and len(rows) == 5
    assert [r[0] for r in rows[1:]] == ["Лицей № 2", "Лицей № 2", "Школа № 5", "Школа № 5"]
    assert {r[8] for r in rows[1:]} == {"да", None}
    assert w


def municipality_id(app, code):
    with app.app_context():
        return municipality(code).id


def test_staff_list_query_count_does_not_grow_with_the_page(app, client):
    with app.app_context():
        staff = make_user("staff@x.ru", Role.staff)
        for i in range(20):
            _grant(staff, make_org(f"Школа {i:02d}", ("sochi", "anapa")[i % 2]))
        db.session.commit()
        engine = db.engine
    login(client, "staff@x.ru")
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    client.get("/reports?per_page=5")
    event.listen(engine, "before_cursor_execute", count)
    try:
        statements.clear()
        small = client.get("/reports?per_page=5").get_data(as_text=True)
        n_small = len(statements)
        statements.clear()
        big = client.get("/reports?per_page=40").get_data(as_text=True)
        n_big = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert small.count("/reports/") > 5 and big.count('href="/reports/') >= 40
    assert n_small == n_big <= 10, [s[:90] for s in statements]


def test_documents_evidence_files_and_timeline(app, client):
    w = _world(app)
    login(client, "holder@x.ru")
    _fill(client, w["r2026"])
    bad = post_form(client, f"/reports/{w['r2026']}/files",
                    {"file": (io.BytesIO(b"not a pdf at all"), "akt.pdf"), "title": "Акт"},
                    form_url=f"/reports/{w['r2026']}", content_type="multipart/form-data")
    assert bad.status_code == 422 and "не является файлом PDF" in bad.get_data(as_text=True)
    ok = post_form(client, f"/reports/{w['r2026']}/files",
                   {"file": (io.BytesIO(pdf_bytes("Act")), "akt.pdf"), "title": "Акт о внедрении"},
                   form_url=f"/reports/{w['r2026']}", content_type="multipart/form-data")
    assert ok.status_code == 302
    file_id = int(re.search(r'href="/files/(\d+)"', client.get(f"/reports/{w['r2026']}").get_data(as_text=True))
                  .group(1))
    assert client.get(f"/files/{file_id}").status_code == 200
    assert _as(app, "coord@x.ru").get(f"/files/{file_id}").status_code == 200  # the holder's municipality
    with app.app_context():
        make_user("stranger@x.ru", (Role.applicant, make_org("Чужая школа", "anapa")))
        db.session.commit()
    assert _as(app, "stranger@x.ru").get(f"/files/{file_id}").status_code in (403, 404)
    pdf = client.get(f"/reports/{w['r2026']}/file.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    assert "ЕЖЕГОДНЫЙ ОТЧЁТ ЗА 2026 ГОД" in text and "Апробация модели" in text and "Акт о внедрении" in text
    docx = client.get(f"/reports/{w['r2026']}/file.docx")
    assert "Краевой вебинар" in docx_text(docx.data) and "Школа № 5" in docx_text(docx.data)
    timeline = client.get(f"/orgs/{w['org']}/profile").get_data(as_text=True)
    assert "Ежегодный отчёт за 2026 год" in timeline


def test_termination_proposals_page_and_the_order_draft(app, client):
    w = _world(app)
    with app.app_context():
        schedule.mark_overdue(date(2026, 12, 2))
        db.session.commit()
    login(client, "holder@x.ru")
    assert client.get("/reports/proposals").status_code == 403
    client = _as(app, "staff@x.ru")
    page = client.get("/reports/proposals").get_data(as_text=True)
    assert page.count('class="card mb-3 proposal border-danger"') == 2 and "дважды" in page
    pid = int(re.search(r"/reports/proposals/(\d+)/order", page).group(1))
    resp = post_form(client, f"/reports/proposals/{pid}/order", {}, form_url="/reports/proposals")
    assert resp.status_code == 302 and "/orders/" in resp.headers["Location"]
    assert w


def test_every_report_table_has_the_form_columns(app):
    assert set(c.ACTIVITIES.columns) >= {"Выполнение", "Новый срок", "Подтверждение (ссылки)", "Комментарий"}
