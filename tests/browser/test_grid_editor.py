"""The table grid editor (static/grid.js over the `grid_editor` macro) in a real browser: headers, rows and
columns added, removed and moved, row kinds, multi-line cells, a block pasted from Word/Excel — and the
one textarea the form posts holds the same table, as services/documents/grid.py reads it back.

The page is a test-only one (a blueprint registered on an app of this module only) built on the real
base.html, the real macro and the real static files."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .conftest import PageLog, screenshot, serving

pytestmark = pytest.mark.browser

PAGE = """{% extends "base.html" %}
{% from "_grid.html" import grid_editor %}
{% block content %}
<form method="post" id="grid-form">
  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
  <h2 class="h5">План</h2>
  {{ grid_editor("plan", plan, fixed_columns=["Мероприятие", "Срок"], label="План-график") }}
  <h2 class="h5 mt-3">Требования</h2>
  {{ grid_editor("req", req, fixed_columns=["Требование"], allow_add_columns=False, label="Требования") }}
  <button class="btn btn-primary mt-2" type="submit">Сохранить</button>
</form>
{% endblock %}"""

PLAN = {"columns": ["№", "Мероприятие", "Срок"],
        "rows": [["1.1.", "Совещание", "Январь 2027"], ["1.2.", "Семинар", "Февраль 2027"]],
        "row_kinds": ["data", "data"], "widths": None}
REQ = {"columns": ["Требование", "Предложение"], "rows": [["Первое", "Да"]], "row_kinds": ["data"],
       "widths": None}


@pytest.fixture(scope="module")
def grid_site(tmp_path_factory):
    from flask import Blueprint, jsonify, render_template_string, request

    from workflow_app import create_app
    from workflow_app.config import TestConfig
    from workflow_app.services.documents.grid import GridError, grid_from_json

    instance = tmp_path_factory.mktemp("grid-instance")
    config = dict({k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                  SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'grid.sqlite3'}",
                  UPLOAD_DIR=str(instance / "uploads"), SMTP_PORT=1)
    app = create_app(config, instance_path=str(instance))
    bp = Blueprint("grid_test", __name__)

    @bp.route("/grid-test", methods=["GET", "POST"])
    def page():
        if request.method == "POST":
            out = {}
            for name, fixed in (("plan", ["Мероприятие", "Срок"]), ("req", ["Требование"])):
                try:
                    out[name] = grid_from_json(request.form[name], fixed_columns=fixed).to_json()
                except GridError as e:
                    out[name] = {"error": str(e)}
            return jsonify(out)
        return render_template_string(PAGE, plan=PLAN, req=REQ)

    app.register_blueprint(bp)

    with serving(app) as url:
        yield url


@pytest.fixture
def gpage(browser, grid_site):
    context = browser.new_context(base_url=grid_site, viewport={"width": 1280, "height": 900}, locale="ru-RU")
    context.set_default_timeout(10_000)
    log = PageLog(origin=grid_site)
    page = context.new_page()
    page.on("console", lambda msg: log.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
    page.on("request", lambda req: log.requests.append(req.url))
    page.on("dialog", lambda dialog: dialog.accept())
    page.log = log
    page.goto("/grid-test")
    yield page
    context.close()


def _state(page, name: str) -> dict:
    return json.loads(page.locator(f"textarea[name={name}]").input_value())


def _paste(page, selector: str, text: str, html: str = "") -> None:
    """A paste as the browser delivers it from Word or Excel: a ClipboardEvent carrying the data."""
    page.locator(selector).focus()
    page.evaluate("""([selector, text, html]) => {
        const dt = new DataTransfer();
        dt.setData("text/plain", text);
        if (html) dt.setData("text/html", html);
        document.querySelector(selector).dispatchEvent(
            new ClipboardEvent("paste", {clipboardData: dt, bubbles: true, cancelable: true}));
    }""", [selector, text, html])


CASES = [
    # plain block, trailing newline of Excel
    ("a\tb\nc\td\n", [["a", "b"], ["c", "d"]]),
    # CRLF rows, as Windows puts them
    ("a\tb\r\nc\td\r\n", [["a", "b"], ["c", "d"]]),
    # a quoted cell with line breaks (CRLF inside too), a tab and an escaped quote
    ('1.1.\t"первая\r\nвторая\nтретья"\tМай\r\n1.2.\t"с\tтабом и ""кавычками"""\tИюнь',
     [["1.1.", "первая\nвторая\nтретья", "Май"], ["1.2.", 'с\tтабом и "кавычками"', "Июнь"]]),
    # a quote inside an unquoted cell stays as typed; empty cells and a ragged row are padded
    ('МБОУ "Школа"\t\tx\ny', [['МБОУ "Школа"', "", "x"], ["y", "", ""]]),
    # a quote that opens but does not close a cell is literal text
    ('"не закрыто\tb', [['"не закрыто', "b"]]),
    # an empty line in the middle is a row; trailing empty rows are dropped
    ("a\n\nb\n\n", [["a"], [""], ["b"]]),
    ("один", [["один"]]),
]


def test_clipboard_parser_reads_word_and_excel_blocks(gpage):
    for text, rows in CASES:
        assert gpage.evaluate("t => GridEditor.parseClipboard(t)", text) == rows, text


def test_grid_editor_edits_the_table_and_posts_the_json(gpage):
    page = gpage
    plan = page.locator('.grid-editor[data-grid-for="plan"]')
    expect(page.locator("textarea[name=plan]")).to_be_hidden()
    expect(plan.locator("table.grid-table tbody tr")).to_have_count(2)
    # fixed columns cannot be renamed or removed; «№» is the author's own
    expect(plan.locator('thead input[data-col="1"]')).to_have_attribute("readonly", "")
    expect(plan.locator('[data-action="col-delete"][data-col="1"]')).to_have_count(0)
    plan.locator('thead input[data-col="0"]').fill("№ п/п")
    assert _state(page, "plan")["columns"] == ["№ п/п", "Мероприятие", "Срок"]

    # add a row (keyboard: the toolbar button by Enter) and type a multi-line cell
    plan.get_by_role("button", name="Добавить строку").focus()
    page.keyboard.press("Enter")
    expect(plan.locator('textarea[data-row="2"][data-col="0"]')).to_be_focused()   # the new row's first cell
    cell = plan.locator('textarea[data-row="2"][data-col="1"]')
    cell.fill("Итоговая конференция\nс участием ДОО\nи школ")
    plan.locator('textarea[data-row="2"][data-col="0"]').fill("1.10")
    height = cell.evaluate("e => e.offsetHeight")
    assert height > plan.locator('textarea[data-row="0"][data-col="1"]').evaluate("e => e.offsetHeight")
    state = _state(page, "plan")
    assert state["rows"][2] == ["1.10", "Итоговая конференция\nс участием ДОО\nи школ", ""]

    # move the new row up, above «1.2.»
    plan.locator('[data-action="row-up"][data-row="2"]').click()
    assert [r[0] for r in _state(page, "plan")["rows"]] == ["1.1.", "1.10", "1.2."]

    # a group row above everything: insert under row 1, move it up, mark it as a group
    plan.locator('[data-action="row-insert"][data-row="0"]').click()
    plan.locator('textarea[data-row="1"][data-col="0"]').fill("1.")
    plan.locator('textarea[data-row="1"][data-col="1"]').fill("Организационные мероприятия")
    plan.locator('[data-action="row-up"][data-row="1"]').click()
    plan.get_by_label("Вид строки 1").select_option("group")
    expect(plan.locator('tr[data-row="0"] td[colspan="3"] textarea')).to_have_value("1. Организационные мероприятия")
    # a continuation row with an empty №
    plan.locator('[data-action="row-insert"][data-row="2"]').click()
    plan.locator('textarea[data-row="3"][data-col="1"]').fill("продолжение")
    plan.get_by_label("Вид строки 4").select_option("continuation")
    state = _state(page, "plan")
    assert state["row_kinds"] == ["group", "data", "data", "continuation", "data"]
    assert [r[0] for r in state["rows"]] == ["1. Организационные мероприятия", "1.1.", "1.10", "", "1.2."]

    # columns: add one, name it, move it left of «Срок», then remove it (it has text: confirmed)
    plan.get_by_role("button", name="Добавить столбец").click()
    plan.locator('thead input[data-col="3"]').fill("Ответственный")
    plan.locator('textarea[data-row="1"][data-col="3"]').fill("Петров П.П.")
    plan.locator('[data-action="col-left"][data-col="3"]').click()
    state = _state(page, "plan")
    assert state["columns"] == ["№ п/п", "Мероприятие", "Ответственный", "Срок"]
    assert state["rows"][1] == ["1.1.", "Совещание", "Петров П.П.", "Январь 2027"]
    plan.locator('[data-action="col-delete"][data-col="2"]').click()
    assert _state(page, "plan")["columns"] == ["№ п/п", "Мероприятие", "Срок"]

    # paste a block from Excel at «1.2.»: rows below are overwritten and added, a column is added
    _paste(page, '.grid-editor[data-grid-for="plan"] textarea[data-row="4"][data-col="0"]',
           '1.2.\t"Семинар\r\nдля педагогов"\tМарт 2027\tДа\r\n1.3.\tВыставка\tАпрель 2027\t\r\n')
    state = _state(page, "plan")
    assert state["columns"] == ["№ п/п", "Мероприятие", "Срок", "Столбец 4"]
    assert state["rows"][4:] == [["1.2.", "Семинар\nдля педагогов", "Март 2027", "Да"],
                                 ["1.3.", "Выставка", "Апрель 2027", ""]]
    assert len(state["row_kinds"]) == len(state["rows"]) == 6

    # one cell copied from Excel goes in as its text, without the quotes and the trailing newline
    _paste(page, '.grid-editor[data-grid-for="plan"] textarea[data-row="5"][data-col="3"]',
           '"Нет,\r\nпозже"\r\n', "<table><tr><td>Нет,<br>позже</td></tr></table>")
    assert _state(page, "plan")["rows"][5][3] == "Нет,\nпозже"
    state = _state(page, "plan")

    # the table that does not take new columns refuses a wider block and stays as it was
    req = page.locator('.grid-editor[data-grid-for="req"]')
    before = _state(page, "req")
    _paste(page, '.grid-editor[data-grid-for="req"] textarea[data-row="0"][data-col="1"]', "a\tb\tc\n")
    expect(req.get_by_role("alert")).to_contain_text(
        "в нём 3 столбца, а от выбранной ячейки до края таблицы — 1 столбец. В эту таблицу нельзя добавлять столбцы")
    assert _state(page, "req") == before
    expect(req.get_by_role("button", name="Добавить столбец")).to_have_count(0)

    screenshot(page, "grid-editor")
    page.log.assert_clean()
    page.get_by_role("button", name="Сохранить").click()
    saved = json.loads(page.locator("body").inner_text())
    assert saved["plan"]["columns"] == state["columns"]
    assert saved["plan"]["rows"] == state["rows"]
    assert saved["plan"]["row_kinds"] == state["row_kinds"]
    assert saved["req"]["rows"] == REQ["rows"]


WORD_HTML = """<html xmlns:w="urn:schemas-microsoft-com:office:word"><body>
<table class=MsoTableGrid>
 <tr><td colspan=3><p class=MsoNormal><b>2. Методическое
 сопровождение</b><o:p></o:p></p></td></tr>
 <tr><td><p>2.1.</p></td><td><p>Вебинар:</p><p>часть&nbsp; первая</p><p>часть вторая</p></td>
     <td><p>Май<br>2027</p></td></tr>
</table></body></html>"""
WORD_TEXT = "2. Методическое сопровождение\r\n2.1.\tВебинар:\r\nчасть  первая\r\nчасть вторая\tМай 2027\r\n"


def test_a_table_copied_from_word_keeps_its_multi_line_cells_and_group_rows(gpage):
    page = gpage
    parsed = page.evaluate("h => GridEditor.parseHtmlTable(h)", WORD_HTML)
    assert parsed["rows"] == [["2. Методическое сопровождение", "", ""],
                              ["2.1.", "Вебинар:\nчасть  первая\nчасть вторая", "Май\n2027"]]
    assert parsed["groups"] == [True, False]
    _paste(page, '.grid-editor[data-grid-for="plan"] textarea[data-row="1"][data-col="0"]', WORD_TEXT, WORD_HTML)
    state = _state(page, "plan")
    assert state["rows"][1:] == parsed["rows"]
    assert state["row_kinds"] == ["data", "group", "data"]
    expect(page.locator('.grid-editor[data-grid-for="plan"] tr[data-row="1"] td[colspan="3"]')).to_have_count(1)
    page.log.assert_clean()


def test_without_javascript_the_json_textarea_is_the_field(browser, grid_site):
    context = browser.new_context(base_url=grid_site, java_script_enabled=False)
    page = context.new_page()
    page.goto("/grid-test")
    ta = page.locator("textarea[name=plan]")
    expect(ta).to_be_visible()
    data = json.loads(ta.input_value())
    data["rows"].append(["2.1.", "Вручную", "Май 2027"])
    ta.fill(json.dumps(data, ensure_ascii=False))
    page.get_by_role("button", name="Сохранить").click()
    saved = json.loads(page.locator("body").inner_text())
    assert saved["plan"]["rows"][-1] == ["2.1.", "Вручную", "Май 2027"]
    context.close()
