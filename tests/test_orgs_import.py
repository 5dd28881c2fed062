"""Import of organisations and users: pure parsing/validation, and the upload → preview → confirm flow."""
import io
import re

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Channel, Organization, OrgType, OutboxMessage, Role, User
from workflow_app.services.platform.import_table import MalformedFile, read_table
from workflow_app.services.platform.org_import import (
    MunicipalityIndex,
    OrgReference,
    UserReference,
    validate_orgs,
    validate_users,
)

from .factories import make_org, make_user, municipality
from .helpers import csrf_token, login

ORG_HEADERS = ["Тип", "Полное наименование", "Краткое наименование", "Муниципалитет", "Адрес",
               "Руководитель", "E-mail", "Телефон", "ИНН"]
USER_HEADERS = ["E-mail", "ФИО", "Должность", "Организация", "Муниципалитет", "Роли"]


def xlsx(rows) -> bytes:
    wb = Workbook()
    for r in rows:
        wb.active.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows, delimiter=";", encoding="utf-8") -> bytes:
    import csv

    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode(encoding)


# --- pure service -----------------------------------------------------------------------------

MUNIS = MunicipalityIndex.build([(1, "krasnodar", "город Краснодар"), (2, "sochi", "город-курорт Сочи"),
                                 (3, "abinsky", "Абинский район")])


@pytest.mark.parametrize("text,expected", [
    ("г. Краснодар", 1), ("ГОРОД КРАСНОДАР", 1), ("краснодар", 1), ("krasnodar", 1), ("г.-к. Сочи", 2),
    ("Сочи", 2), ("Абинский р-н", 3), ("абинский", 3), ("Москва", None),
])
def test_municipality_matching(text, expected):
    assert MUNIS.find(text) == expected


def test_read_table_detects_formats_and_delimiters():
    rows = [ORG_HEADERS, ["ОО", "Школа № 1", "Ш1", "Сочи", "", "", "", "", 2310000001]]
    t = read_table(xlsx(rows))
    assert t.format == "XLSX" and t.rows == [(2, ["ОО", "Школа № 1", "Ш1", "Сочи", "", "", "", "", "2310000001"])]
    for delim, enc in ((";", "utf-8"), (",", "utf-8-sig"), (";", "cp1251"), (",", "cp1251")):
        t = read_table(csv_bytes(rows, delim, enc))
        assert t.format == "CSV" and t.headers == ORG_HEADERS, (delim, enc)
        assert t.rows[0][1][1] == "Школа № 1"


@pytest.mark.parametrize("data,message", [
    (b"", "Файл пустой."),
    (b"   \r\n", "Файл пустой."),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Неподдерживаемый формат"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Старый формат Excel (.xls)"),
    (b"PK\x03\x04garbage", "Файл Excel повреждён"),
    ("Тип;Полное наименование\r\n".encode(), "только заголовок"),
])
def test_malformed_files(data, message):
    with pytest.raises(MalformedFile, match=re.escape(message)):
        read_table(data)


def test_missing_required_columns_are_named():
    table = read_table(csv_bytes([["Тип", "Адрес"], ["ОО", "ул. Мира"]]))
    with pytest.raises(MalformedFile) as exc:
        validate_orgs(table, OrgReference(MUNIS, set()))
    assert exc.value.message.startswith(
        "В файле нет обязательных столбцов: «Полное наименование», «Краткое наименование», «Муниципалитет».")


def test_org_rows_report_every_problem():
    rows = [ORG_HEADERS,
            ["ОО", "Школа № 1", "Ш1", "г. Сочи", "", "", "school@edu.ru", "", "231000000012"],  # ok
            ["ШКОЛА", "Школа № 2", "Ш2", "Москва", "", "", "bad@", "", "123"],
            ["ДОО", "", "Д1", "Сочи", "", "", "", "", ""],
            ["оо", "школа  № 1", "Ш1-дубль", "город-курорт Сочи", "", "", "", "", ""],
            ["ОО", "Гимназия", "Г", "Краснодар", "", "", "", "", ""]]
    report = validate_orgs(read_table(xlsx(rows)), OrgReference(MUNIS, {(1, "гимназия")}))
    errors = {r.line: r.errors for r in report.rows}
    assert errors[2] == []
    assert errors[3] == ["Неизвестный тип организации «ШКОЛА». "
                         "Допустимые: ДОО, ОО, ОДОД, СОО, ПОО, МОУО, ТМС, ВУЗ, Иное.",
                         "Неизвестный муниципалитет «Москва».",
                         "Некорректный адрес электронной почты «bad@».",
                         "ИНН должен состоять из 10 или 12 цифр."]
    assert errors[4] == ["Не заполнено: «Полное наименование»."]
    assert errors[5] == ["Повторяет строку 2 файла: то же полное наименование в том же муниципалитете."]
    assert errors[6] == ["Организация с таким полным наименованием уже есть в этом муниципалитете."]
    assert not report.ok and report.error_rows == 4
    assert report.rows[0].values["org_type"] == OrgType.OO and report.rows[0].values["municipality_id"] == 2


def test_user_rows_report_every_problem():
    orgs = UserReference.org_index([(10, 2, "МБОУ СОШ № 1", "Школа полная"), (11, 1, "МБОУ СОШ № 1", "Другая"),
                                    (12, 1, "Гимназия", "Гимназия полная")])
    ref = UserReference(MUNIS, orgs, {"old@x.ru"}, may_grant_admin=False)
    rows = [USER_HEADERS,
            ["a@x.ru", "Иванов", "", "МБОУ СОШ № 1", "Сочи", "Заявитель"],  # ok: municipality disambiguates
            ["b@x.ru", "Петров", "", "", "Краснодар", "Эксперт, муниципальный координатор"],  # ok
            ["A@X.RU", "Дубль", "", "Гимназия", "", "Заявитель"],
            ["old@x.ru", "Старый", "", "Нет такой", "", "Главный"],
            ["c@", "", "", "МБОУ СОШ № 1", "", "Администратор; Заявитель"],
            ["d@x.ru", "Координатор", "", "", "", "Муниципальный координатор"]]
    report = validate_users(read_table(csv_bytes(rows)), ref)
    errors = {r.line: r.errors for r in report.rows}
    assert errors[2] == [] and report.rows[0].values["organization_id"] == 10
    assert errors[3] == [] and report.rows[1].values["roles"] == [Role.expert, Role.coordinator]
    assert errors[4] == ["Адрес a@x.ru повторяет строку 2 файла."]
    assert errors[5] == ["Пользователь с адресом old@x.ru уже есть.", "Неизвестная организация «Нет такой».",
                         "Неизвестная роль «Главный». Допустимые: Заявитель, Муниципальный координатор, Эксперт, "
                         "Сотрудник ИРО, Подписант, Администратор."]
    assert errors[6] == ["Не заполнено: «ФИО».", "Некорректный адрес электронной почты «c@».",
                         "Организаций с наименованием «МБОУ СОШ № 1» несколько: укажите муниципалитет или "
                         "полное наименование.",
                         "Роль «Администратор» может назначить только администратор."]
    assert errors[7] == ["Для роли «Муниципальный координатор» укажите муниципалитет."]


# --- through the web --------------------------------------------------------------------------

@pytest.fixture
def staff(app, client):
    with app.app_context():
        make_user("staff@x.ru", Role.staff)
        db.session.commit()
    login(client, "staff@x.ru")
    return client


def upload(client, kind, data, name):
    token = csrf_token(client, f"/import/{kind}")
    return client.post(f"/import/{kind}", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def confirm(client, preview_url):
    return client.post(preview_url, data={"csrf_token": csrf_token(client, "/import/orgs")})


def _count(model):
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


GOOD_ORGS = [ORG_HEADERS,
             ["ОО", "Муниципальное бюджетное общеобразовательное учреждение СОШ № 77", "МБОУ СОШ № 77",
              "г. Краснодар", "ул. Северная, 1", "Иванова И. И.", "sch77@edu.ru", "8 861 200-00-00", "2310000077"],
             ["ДОО", "Муниципальное дошкольное учреждение детский сад № 5", "МДОУ д/с № 5", "Сочи", "", "", "", "", ""]]


@pytest.mark.parametrize("fmt", ["xlsx", "csv-utf8", "csv-cp1251"])
def test_org_import_happy_path(app, staff, fmt):
    data = {"xlsx": lambda: xlsx(GOOD_ORGS), "csv-utf8": lambda: csv_bytes(GOOD_ORGS, ";"),
            "csv-cp1251": lambda: csv_bytes(GOOD_ORGS, ",", "cp1251")}[fmt]()
    resp = upload(staff, "orgs", data, f"orgs.{fmt[:4].strip('-')}")
    assert resp.status_code == 302
    preview_url = resp.headers["Location"]
    page = staff.get(preview_url).get_data(as_text=True)
    assert "Ошибок нет. Будет добавлено записей: 2." in page and "Импортировать" in page
    assert "МДОУ д/с № 5" in page
    resp = confirm(staff, preview_url)
    assert resp.status_code == 302
    assert "Импортировано организаций: 2." in staff.get(resp.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        orgs = db.session.execute(select(Organization).order_by(Organization.short_name)).scalars().all()
        assert [(o.short_name, o.municipality.code, o.org_type, o.inn) for o in orgs] == [
            ("МБОУ СОШ № 77", "krasnodar", OrgType.OO, "2310000077"),
            ("МДОУ д/с № 5", "sochi", OrgType.DOO, None)]
        ev = db.session.execute(select(AuditEvent).where(AuditEvent.event == "organization.imported")).scalar_one()
        assert ev.payload["created"] == 2 and ev.payload["rows"] == 2
    # The stored upload is gone after the import: the same confirm cannot run twice.
    assert staff.get(preview_url).status_code == 404


def test_user_import_creates_users_with_invitations(app, staff):
    with app.app_context():
        make_org("МБОУ СОШ № 1", "sochi")
        db.session.commit()
    rows = [USER_HEADERS,
            ["ivanova@school.ru", "Иванова Анна", "Директор", "МБОУ СОШ № 1", "", "Заявитель"],
            ["coord@mo.ru", "Сидоров Олег", "Методист", "", "г.-к. Сочи", "Муниципальный координатор, Эксперт"]]
    resp = upload(staff, "users", csv_bytes(rows, ";", "cp1251"), "users.csv")
    assert resp.status_code == 302
    assert confirm(staff, resp.headers["Location"]).status_code == 302
    with app.app_context():
        users = {u.email: u for u in db.session.execute(select(User)).unique().scalars()}
        assert [g.describe() for g in users["ivanova@school.ru"].grants] == ["Заявитель: МБОУ СОШ № 1"]
        assert sorted(g.describe() for g in users["coord@mo.ru"].grants) == [
            "Муниципальный координатор: город-курорт Сочи", "Эксперт"]
        mails = db.session.execute(select(OutboxMessage.recipient_email)
                                   .where(OutboxMessage.channel == Channel.email)).scalars().all()
        assert sorted(mails) == ["coord@mo.ru", "ivanova@school.ru"]


def test_malformed_upload_is_refused_with_reason(app, staff):
    resp = upload(staff, "orgs", b"", "empty.csv")
    assert resp.status_code == 422 and "Файл пустой." in resp.get_data(as_text=True)
    resp = upload(staff, "orgs", xlsx([["Тип", "Адрес"], ["ОО", "x"]]), "orgs.xlsx")
    assert resp.status_code == 422
    assert "В файле нет обязательных столбцов: «Полное наименование», «Краткое наименование», «Муниципалитет»." \
        in resp.get_data(as_text=True)
    resp = upload(staff, "orgs", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.xlsx")
    assert resp.status_code == 422 and "Неподдерживаемый формат" in resp.get_data(as_text=True)
    with app.app_context():
        assert _count(Organization) == 0


def test_bad_rows_are_reported_and_nothing_is_inserted(app, staff):
    with app.app_context():
        make_org("Есть", "krasnodar", full_name="Уже в базе")
        db.session.commit()
    rows = GOOD_ORGS + [["ОО", "Уже в базе", "Дубль", "Краснодар", "", "", "", "", ""],
                        ["Школа", "Новая", "Н", "Атлантида", "", "", "no-at-sign", "", ""],
                        ["ОО", "Муниципальное бюджетное общеобразовательное учреждение СОШ № 77", "Повтор",
                         "город Краснодар", "", "", "", "", ""]]
    resp = upload(staff, "orgs", xlsx(rows), "orgs.xlsx")
    preview_url = resp.headers["Location"]
    page = staff.get(preview_url).get_data(as_text=True)
    assert "Строк с ошибками: 3 из 5." in page
    assert "Организация с таким полным наименованием уже есть в этом муниципалитете." in page
    assert "Неизвестный муниципалитет «Атлантида»." in page
    assert "Неизвестный тип организации «Школа»." in page
    assert "Некорректный адрес электронной почты «no-at-sign»." in page
    assert "Повторяет строку 2 файла" in page
    assert ">Импортировать<" not in page
    resp = confirm(staff, preview_url)  # forcing the confirm anyway
    assert resp.status_code == 409
    with app.app_context():
        assert _count(Organization) == 1
        assert db.session.execute(select(func.count(AuditEvent.id))
                                  .where(AuditEvent.event.like("organization.%"))).scalar_one() == 0


def test_confirm_after_conflicting_change_is_refused(app, staff):
    resp = upload(staff, "orgs", xlsx(GOOD_ORGS), "orgs.xlsx")
    preview_url = resp.headers["Location"]
    assert "Ошибок нет" in staff.get(preview_url).get_data(as_text=True)
    with app.app_context():  # meanwhile another member of staff adds one of the organisations by hand
        db.session.add(Organization(org_type=OrgType.DOO,
                                    full_name="муниципальное дошкольное учреждение детский сад № 5",
                                    short_name="д/с 5", municipality=municipality("sochi")))
        db.session.commit()
    resp = confirm(staff, preview_url)
    assert resp.status_code == 409
    page = resp.get_data(as_text=True)
    assert "данные изменились" in page and "уже есть в этом муниципалитете" in page
    with app.app_context():
        assert _count(Organization) == 1


def test_upload_belongs_to_its_uploader(app, staff):
    resp = upload(staff, "orgs", xlsx(GOOD_ORGS), "orgs.xlsx")
    preview_url = resp.headers["Location"]
    with app.app_context():
        make_user("other@x.ru", Role.staff)
        db.session.commit()
    other = app.test_client()
    login(other, "other@x.ru")
    assert other.get(preview_url).status_code == 404
    assert other.get("/import/orgs/../../etc").status_code == 404


def test_templates_have_the_expected_headers(app, staff):
    ws = load_workbook(io.BytesIO(staff.get("/import/orgs/template.xlsx").data)).worksheets[0]
    assert [c.value for c in ws[1]] == ORG_HEADERS
    wb = load_workbook(io.BytesIO(staff.get("/import/users/template.xlsx").data))
    assert [c.value for c in wb.worksheets[0][1]] == ["E-mail", "ФИО", "Должность", "Телефон", "Организация",
                                                     "Муниципалитет", "Роли"]
    assert "Администратор" in [c.value for c in wb["Справочники"]["A"]]
    # The template itself is a valid file with the right columns (only the data is missing).
    resp = upload(staff, "orgs", staff.get("/import/orgs/template.xlsx").data, "t.xlsx")
    assert resp.status_code == 422 and "только заголовок" in resp.get_data(as_text=True)


def test_intranet_local_addresses_are_accepted():
    """Institutions (and the demo accounts) use …@iro.local mail; other special-use names stay refused."""
    from workflow_app.services.platform.validation import email_error

    assert email_error("staff@iro.local") is None
    assert email_error("someone@example.invalid") is not None


# --- absurd sheet sizes: refused before rows are materialised ---------------------------------------------

def _far_cell_xlsx(cell: str, keep_dimension: bool = True) -> bytes:
    """A tiny template file with one stray value far away; without the <dimension> openpyxl declares."""
    wb = Workbook()
    for r in GOOD_ORGS:
        wb.active.append(list(r))
    wb.active[cell] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    if keep_dimension:
        return buf.getvalue()
    import zipfile

    src, out = zipfile.ZipFile(io.BytesIO(buf.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            dst.writestr(item, data)
    return out.getvalue()


def _peak_mb(fn) -> float:
    import tracemalloc

    tracemalloc.start()
    try:
        fn()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / 2**20


@pytest.mark.parametrize("cell,message", [
    ("XFD1", "больше 100 столбцов"), ("XFD3", "больше 100 столбцов"),
    ("A1048576", "больше 5000 строк"), ("XFD1048576", "В файле больше"),
])
@pytest.mark.parametrize("declared", [True, False], ids=["dimension", "no-dimension"])
def test_absurd_sheet_size_is_refused_in_little_memory(cell, message, declared):
    data = _far_cell_xlsx(cell, declared)
    assert len(data) < 30_000

    def read():
        with pytest.raises(MalformedFile, match=message):
            read_table(data)

    assert _peak_mb(read) < 50


def test_absurd_sheet_size_is_refused_through_the_page(app, staff):
    data = _far_cell_xlsx("XFD1")
    resp = upload(staff, "orgs", data, "orgs.xlsx")
    assert resp.status_code == 422
    assert "В файле больше 100 столбцов" in resp.get_data(as_text=True)
    with app.app_context():
        assert _count(Organization) == 0


def test_sheet_without_headers_is_refused_before_its_rows(app):
    data = xlsx([[None, None], *GOOD_ORGS[1:]])
    with pytest.raises(MalformedFile, match="нет заголовков столбцов"):
        read_table(data)
