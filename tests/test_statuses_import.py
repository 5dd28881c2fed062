"""Import of the registry of statuses: preview with a Russian row-by-row report, all or nothing,
organisations and grounding orders found or created, idempotent on re-import; the page and the command."""
from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from workflow_app.extensions import db
from workflow_app.models import Organization, OrgType, Role
from workflow_app.models.orders import Order
from workflow_app.models.status_award import AwardStatus, StatusAward

from .factories import make_org, make_user
from .helpers import login, post_form

HEADER = ["Статус", "Организация", "Муниципалитет", "Тип организации", "Тема", "Начало", "Окончание",
          "Кем издан приказ", "Номер приказа", "Дата приказа"]  # not the template's order
ROWS = [
    ["КИП", "МБОУ СОШ № 1", "г. Краснодар", "ОО", "Школа цифрового развития", "01.01.2020", "31.12.2022",
     "МОНиМП КК", "1234", "15.12.2019"],
    ["КИП", "МАДОУ д/с № 7", "Сочи", "ДОО", "Детский сад будущего", "01.01.2021", "31.12.2023",
     "МОНиМП КК", "2001", "20.12.2020"],
    ["МИП", "ГБПОУ Колледж", "Анапа", "ПОО/СПО", "Практика", "01.09.2020", "31.08.2023",
     "Управление образования г.-к. Анапа", "45-о", "25.08.2020"],
    ["ФИП", "МБОУ СОШ № 1", "г. Краснодар", "ОО", "Федеральный проект", "01.01.2027", "31.12.2031",
     "Минпросвещения России", "77", "01.11.2026"],
]


def _csv(rows, header=HEADER) -> bytes:
    lines = [";".join(header)] + [";".join(r) for r in rows]
    return "\n".join(lines).encode("utf-8")


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        # dates as real Excel dates, not text
        ws.append([date(*reversed([int(x) for x in v.split(".")])) if i in (5, 6, 9) else v
                   for i, v in enumerate(r)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _counts():
    return (db.session.execute(select(func.count(StatusAward.id))).scalar(),
            db.session.execute(select(func.count(Organization.id))).scalar(),
            db.session.execute(select(func.count(Order.id))).scalar())


def _upload(client, data: bytes, name="reestr.csv"):
    return post_form(client, "/statuses/import", {"file": (io.BytesIO(data), name)},
                     content_type="multipart/form-data")


def test_import_page_previews_then_imports_everything_once(app, client):
    with app.app_context():
        make_user("s@x.ru", Role.staff)
        make_org("МБОУ СОШ № 1", "krasnodar", org_type=OrgType.OO)
        db.session.commit()
        before = _counts()
    login(client, "s@x.ru")
    resp = _upload(client, _xlsx(ROWS), "reestr.xlsx")
    assert resp.status_code == 302
    preview = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Будет добавлено статусов: 4; новых организаций: 2" in preview
    assert "организация будет создана" in preview
    with app.app_context():
        assert _counts() == before  # a preview changes nothing
    resp = post_form(client, resp.headers["Location"], {})
    assert resp.status_code == 302
    with app.app_context():
        awards, orgs, orders = _counts()
        assert (awards, orgs, orders) == (before[0] + 4, before[1] + 2, before[2] + 4)
        mip = db.session.execute(select(StatusAward).join(Organization).where(
            Organization.full_name == "ГБПОУ Колледж")).scalar_one()
        assert mip.organization.org_type == OrgType.POO and mip.status == AwardStatus.completed
        assert mip.granted_by.number == "45-о" and mip.granted_by.order_date == date(2020, 8, 25)
        assert "Управление образования г.-к. Анапа" in mip.granted_by.title
        fip = db.session.execute(select(StatusAward).where(StatusAward.theme == "Федеральный проект")).scalar_one()
        assert fip.status == AwardStatus.scheduled
    # the same file again: nothing new
    resp = _upload(client, _csv(ROWS))
    preview = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Будет добавлено статусов: 0" in preview and "уже в реестре" in preview
    post_form(client, resp.headers["Location"], {})
    with app.app_context():
        assert _counts() == (before[0] + 4, before[1] + 2, before[2] + 4)


def test_a_file_with_errors_is_reported_row_by_row_in_russian_and_nothing_is_imported(app, client):
    with app.app_context():
        make_user("s@x.ru", Role.staff)
        db.session.commit()
        before = _counts()
    bad = [
        ROWS[0],
        ["КРЦ", "МБОУ СОШ № 3", "г. Краснодар", "ОО", "Тема", "01.01.2020", "31.12.2022", "ИРО", "1", "01.12.2019"],
        ["ЗЗЗ", "Школа", "Атлантида", "Школа", "", "31.02.2020", "01.01.2019", "ИРО", "2", "вчера"],
        ROWS[0],
    ]
    login(client, "s@x.ru")
    resp = _upload(client, _csv(bad))
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Строк с ошибками: 3 из 4" in page
    for text in ("не присваивается организациям типа «ОО»", "Неизвестный статус «ЗЗЗ»",
                 "Неизвестный муниципалитет «Атлантида»", "Неизвестный тип организации «Школа»",
                 "Не заполнено: «Тема»", "«Начало»: «31.02.2020» — не дата", "Повторяет строку 2 файла"):
        assert text in page, text
    resp = post_form(client, resp.headers["Location"], {})
    assert resp.status_code == 409
    with app.app_context():
        assert _counts() == before


def test_template_has_the_columns(app, client):
    with app.app_context():
        make_user("s@x.ru", Role.staff)
        db.session.commit()
    login(client, "s@x.ru")
    resp = client.get("/statuses/import/template.xlsx")
    ws = load_workbook(io.BytesIO(resp.data)).worksheets[0]
    assert [c.value for c in ws[1]] == ["Организация", "Муниципалитет", "Тип организации", "Статус", "Тема",
                                        "Начало", "Окончание", "Кем издан приказ", "Номер приказа", "Дата приказа"]


def test_flask_import_statuses_does_the_same_as_the_page(app, tmp_path):
    path = tmp_path / "reestr.csv"
    path.write_bytes(_csv(ROWS[:3]))
    runner = app.test_cli_runner()
    with app.app_context():
        before = _counts()
    result = runner.invoke(args=["import-statuses", str(path)])
    assert result.exit_code == 0, result.output
    assert "Импортировано статусов: 3; уже были в реестре: 0." in result.output
    again = runner.invoke(args=["import-statuses", str(path)])
    assert "Импортировано статусов: 0; уже были в реестре: 3." in again.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv([ROWS[0][:4] + ["Тема", "xx", "31.12.2022", "ИРО", "1", "01.12.2019"]]))
    result = runner.invoke(args=["import-statuses", str(bad)])
    assert result.exit_code != 0 and "Строка 2: «Начало»: «xx» — не дата" in result.output
    with app.app_context():
        assert _counts()[0] == before[0] + 3


def test_imported_history_owes_no_reports(ctx):
    # A term that ended before the import is history: no yearly or final reports to chase as overdue.
    from workflow_app.models.status_report import StatusReport
    from workflow_app.services.statuses import importer

    staff = make_user("s@x.ru", Role.staff)
    report, created = importer.apply(_csv(ROWS[:3] + [
        ["КИП", "МБОУ СОШ № 3", "г. Краснодар", "ОО", "Текущий проект", "01.01.2025", "31.12.2030",
         "МОНиМП КК", "3003", "20.12.2024"]]), "reestr.csv", staff, today=date(2026, 11, 30))
    assert report.ok and len(created) == 4
    owing = set(db.session.execute(select(StatusAward.theme).join(
        StatusReport, StatusReport.award_id == StatusAward.id)).scalars())
    assert owing == {"Текущий проект"}
