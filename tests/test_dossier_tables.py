"""Table sections hold the applicant's own table: the form's columns fixed, own columns added, group and
continuation rows, multi-line cells; nothing is cut — a value over a limit is a Russian error and nothing
is saved; tables stored as lists of rows before keep working."""
import html
import json
import re

from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import User
from workflow_app.models.competition import Entry
from workflow_app.services.competition import dossier as svc
from workflow_app.services.competition import dossier_content, dossier_json, dossier_versions
from workflow_app.services.documents.grid import MAX_CELL

from .factories import make_world
from .helpers import login, post_form
from .test_dossier_flow import _editor_data

PLAN = ["Год", "Мероприятие", "Сроки"]
SIX_LINES = "\n".join(f"{i}) проведение семинара для педагогов школ муниципалитета № {i}" for i in range(1, 7))


def _post(client, entry_id, **fields):
    with client.application.app_context():
        data = _editor_data(db.session.get(Entry, entry_id))
    data.update(fields)
    return post_form(client, f"/entries/{entry_id}/edit", data, follow_redirects=True)


def _grid(columns, rows, kinds=None):
    return json.dumps({"columns": columns, "rows": rows, "row_kinds": kinds or ["data"] * len(rows)},
                      ensure_ascii=False)


def test_a_long_cell_and_a_long_table_are_kept_whole(app, client):
    """Cells over 2,000 characters and tables over 200 rows used to be cut without a word."""
    long_cell = "Описание мероприятия. " * 120          # 2,640 characters
    rows = [[str(2024 + i % 4), f"Мероприятие {i}", "в течение года"] for i in range(1, 251)]
    rows[0][1] = long_cell
    with app.app_context():
        w = make_world()
    login(client, "appa@x.ru")
    page = _post(client, w.entry_id, **{"mode-6": "table", "grid-6": _grid(PLAN, rows)}).get_data(as_text=True)
    assert "Черновик сохранён" in page
    with app.app_context():
        stored = db.session.get(Entry, w.entry_id).dossier["6"]
        assert len(stored["rows"]) == 250 and stored["rows"][0][1] == long_cell
        assert stored["rows"][-1] == rows[-1] == ["2026", "Мероприятие 250", "в течение года"]


def test_a_value_over_the_limit_is_refused_by_name_and_nothing_is_saved(app, client):
    with app.app_context():
        w = make_world()
        before = db.session.get(Entry, w.entry_id).dossier
    login(client, "appa@x.ru")
    too_long = "я" * (MAX_CELL + 1)
    resp = _post(client, w.entry_id, title="Новая тема",
                 **{"mode-6": "table", "grid-6": _grid(PLAN, [["2025", too_long, "май"]])})
    page = resp.get_data(as_text=True)
    # refused with the editor shown again, holding what was typed: nothing typed is lost
    assert resp.status_code == 422 and 'value="Новая тема"' in page
    field = re.search(r'<textarea name="grid-6"[^>]*>([^<]*)</textarea>', page).group(1)
    assert json.loads(html.unescape(field))["rows"] == [["2025", too_long, "май"]]
    assert "Раздел «6. План-график выполнения работ.»: Строка 1, столбец «Мероприятие»" in page
    assert f"{MAX_CELL + 1} символов, допускается не более {MAX_CELL}" in page
    title = "Т" * (dossier_content.MAX_TITLE + 1)
    page = _post(client, w.entry_id, title=title).get_data(as_text=True)
    assert f"Тема проекта: {len(title)} символов, допускается не более {dossier_content.MAX_TITLE}." in page
    page = _post(client, w.entry_id, **{"team-name": ["Ф" * 1001]}).get_data(as_text=True)
    assert "Команда проекта, участник 1, «ФИО»: 1001 символов" in page
    with app.app_context():
        e = db.session.get(Entry, w.entry_id)
        assert e.dossier == before and e.title != "Новая тема"


def test_own_columns_group_rows_and_multiline_cells_but_the_form_columns_stay(app, client):
    with app.app_context():
        w = make_world()
    login(client, "appa@x.ru")
    own = ["№", *PLAN, "Ответственный"]
    rows = [["НАПРАВЛЕНИЕ ДЕЯТЕЛЬНОСТИ ОРГАНИЗАЦИОННЫЕ МЕРОПРИЯТИЯ", "", "", "", ""],
            ["1.1.", "2025", SIX_LINES, "январь – март", "Иванова А. П."],
            ["", "", "(продолжение) итоги", "", ""],
            ["1.10", "2026", "Конференция «Cовременная школа»", "май", "Петров С. И."]]
    page = _post(client, w.entry_id, **{"mode-6": "table",
                                        "grid-6": _grid(own, rows, ["group", "data", "continuation", "data"])})
    assert "Черновик сохранён" in page.get_data(as_text=True)
    with app.app_context():
        e = db.session.get(Entry, w.entry_id)
        assert e.dossier["6"]["columns"] == own and e.dossier["6"]["rows"] == rows
        assert e.dossier["6"]["row_kinds"] == ["group", "data", "continuation", "data"]
    # the entry page shows the group row across the table and the cell's six lines
    page = client.get(f"/entries/{w.entry_id}").get_data(as_text=True)
    assert ('<tr class="row-group"><td colspan="5">НАПРАВЛЕНИЕ ДЕЯТЕЛЬНОСТИ ОРГАНИЗАЦИОННЫЕ МЕРОПРИЯТИЯ</td></tr>'
            in page)
    assert f"<td>{SIX_LINES}</td>" in page      # shown with white-space: pre-wrap, lines kept
    # renaming or dropping a column the form fixes is refused
    renamed = ["№", "Год", "Что делаем", "Сроки"]
    page = _post(client, w.entry_id, **{"mode-6": "table",
                                        "grid-6": _grid(renamed, [["1", "2025", "Семинар", "май"]])})
    assert "Нельзя удалять или переименовывать столбцы формы: «Мероприятие»" in page.get_data(as_text=True)


def test_table_or_text_sections_are_what_the_applicant_chose(app, client):
    with app.app_context():
        w = make_world()
    login(client, "appa@x.ru")
    _post(client, w.entry_id, **{"mode-3.3": "text", "sec-3.3": "<p>Мероприятия описаны текстом.</p>",
                                 "grid-3.3": _grid(["Мероприятие", "Сроки", "Ожидаемый результат"],
                                                   [["не сохранится", "", ""]])})
    with app.app_context():
        e = db.session.get(Entry, w.entry_id)
        assert e.dossier["3.3"] == "<p>Мероприятия описаны текстом.</p>"
        sec = next(s for s in e.campaign.dossier_schema if s["key"] == "3.3")
        assert dossier_content.mode_of(sec, e.dossier["3.3"]) == "text"
    # a text-only section cannot be posted as a table (the field is ignored), a table-only one not as text
    with app.app_context():
        schema = db.session.get(Entry, w.entry_id).campaign.dossier_schema
        text_only = next(s for s in schema if s["key"] == "1.1")
    try:
        dossier_content.table_value(text_only, _grid(["Колонка"], [["x"]]))
        raise AssertionError("a table accepted where the form wants text")
    except dossier_content.DossierInvalid as exc:
        assert "форма предусматривает текст" in exc.fields["1.1"]


def test_tables_stored_as_lists_of_rows_still_work(ctx):
    """Dossiers saved before the grid shape hold [[cell, …], …] under the form's columns."""
    w = make_world()
    e = db.session.get(Entry, w.entry_id)
    e.dossier = dict(e.dossier, **{"6": [["2025", "Семинар", "май"], ["2026", "Конференция", "июнь"]]})
    db.session.flush()
    sec = next(s for s in e.campaign.dossier_schema if s["key"] == "6")
    assert dossier_content.mode_of(sec, e.dossier["6"]) == "table"
    assert "6" in svc.filled_sections(e)
    got = next(s for s in dossier_json.dossier_to_json(e)["sections"] if s["code"] == "6")
    assert got == {"code": "6", "columns": PLAN, "rows": [["2025", "Семинар", "май"], ["2026", "Конференция", "июнь"]],
                   "row_kinds": ["data", "data"]}
    svc.submit(db.session.execute(select(User).where(User.email == "appa@x.ru")).scalar_one(), e)
    frozen = next(s for s in dossier_versions.version(e, 1).content["sections"] if s["key"] == "6")
    assert frozen["kind"] == "table" and frozen["rows"][1] == ["2026", "Конференция", "июнь"]


def test_plain_text_of_a_dossier_has_every_word_in_either_table_shape():
    dossier = {"1.1": "<p>Первый  абзац</p><p>второй</p>", "6": [["2025", "Семинар"]],
               "3.2": {"columns": ["№", "Мероприятие"], "rows": [["ЭТАП", ""], ["1.", "Вебинар\nдля педагогов"]],
                       "row_kinds": ["group", "data"]}}
    text = dossier_content.plain_text(dossier)
    assert text == ("Первый  абзац\n\nвторой\n\n2025\tСеминар\n\n"
                    "№\tМероприятие\nЭТАП\t\n1.\tВебинар\nдля педагогов")
