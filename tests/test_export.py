"""Excel export: user text never turns into a formula; dates and labels come out readable."""
import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from workflow_app.export import build_xlsx
from workflow_app.models import OrgType


def test_user_text_is_not_a_formula_and_values_are_readable(app):
    with app.app_context():
        data = build_xlsx("Лист", ["A", "B", "C"], [
            ["=HYPERLINK(\"http://evil\")", OrgType.DOO, datetime(2026, 1, 1, 21, 30, tzinfo=UTC)],
            ["-1+2", "обычный текст", 5],
            ["+7 (861) 232-85-78", "@user", "=1+1"],
        ])
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("A", "B", "C")
    # Text reads exactly as typed (no visible apostrophe) and is a string cell, never a formula.
    assert rows[1][0] == "=HYPERLINK(\"http://evil\")" and rows[1][1] == "ДОО"
    assert rows[1][2] == datetime(2026, 1, 2, 0, 30)  # shown in Moscow time
    assert rows[2][:2] == ("-1+2", "обычный текст") and rows[2][2] == 5
    assert rows[3] == ("+7 (861) 232-85-78", "@user", "=1+1")
    assert all(c.data_type == "s" for c in ws[4])
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_headers_wrap_and_download_names_are_readable(app):
    from workflow_app.export import download_name, xlsx_response

    with app.app_context():
        data = build_xlsx("Лист", ["Очень длинное название столбца с баллами эксперта"], [["x"]])
        resp = xlsx_response("Рейтинг — «Инновационный поиск» 2026: итоги/финал", data)
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A1"].alignment.wrap_text
    assert download_name("a/b:c*«d»") == "a b c d"
    from urllib.parse import unquote

    disposition = unquote(resp.headers["Content-Disposition"])
    assert "Рейтинг — Инновационный поиск 2026 итоги финал " in disposition and disposition.endswith(".xlsx")
