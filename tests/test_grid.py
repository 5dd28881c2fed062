"""The one shape of user-edited tables (services/documents/grid.py): what the grid editor posts and the API
takes is kept as typed, checked with Russian messages that name the place, and fed to the documents."""
from __future__ import annotations

import json

import pytest

from workflow_app.documents import pdf
from workflow_app.documents.layout import Spec, TableBlock
from workflow_app.services.documents.grid import ROW_KINDS, Grid, GridError, grid_from_json

from .helpers import pdf_text

ROADMAP = {"columns": ["№", "Мероприятие", "Сроки"],
           "rows": [["1. Организационные мероприятия", "", ""],
                    ["1.1.", "Совещание  с руководителями\r\nи заместителями", "Январь–февраль 2027"],
                    ["", "продолжение: «ѐ», Cлово с латинской C", ""],
                    ["3.1", "Семинар", "01.09.2027"]],
           "row_kinds": ["group", "data", "continuation", "data"], "widths": None}


def test_a_table_comes_back_as_typed():
    grid = grid_from_json(json.dumps(ROADMAP), fixed_columns=["Мероприятие"])
    assert grid.columns == ["№", "Мероприятие", "Сроки"]
    assert grid.rows[1] == ["1.1.", "Совещание  с руководителями\nи заместителями", "Январь–февраль 2027"]
    assert grid.rows[2][1] == "продолжение: «ѐ», Cлово с латинской C"
    assert grid.row_kinds == ["group", "data", "continuation", "data"]
    assert grid_from_json(grid.to_json()).to_json() == grid.to_json()
    assert set(ROW_KINDS) == {"data", "group", "continuation"}


def test_short_rows_are_padded_and_empty_rows_dropped_with_their_kind():
    grid = grid_from_json({"columns": ["А", "Б"], "rows": [["x"], ["", "  "], ["y", "z"]],
                           "row_kinds": ["data", "group", "continuation"]})
    assert grid.rows == [["x", ""], ["y", "z"]]
    assert grid.row_kinds == ["data", "continuation"]
    assert grid_from_json("", fixed_columns=["А"]).columns == ["А"]


@pytest.mark.parametrize("raw, message", [
    ("не json", "неверном формате"),
    ({"columns": []}, "хотя бы один столбец"),
    ({"columns": ["А", " "]}, "Столбец 2: заголовок не заполнен"),
    ({"columns": ["№", "Срок"]}, "«Мероприятие»"),
    ({"columns": ["Мероприятие"], "rows": [["a", "b"]]}, "Строка 1: 2 ячеек, а столбцов 1"),
    ({"columns": ["Мероприятие"], "rows": [["a"]], "row_kinds": ["заголовок"]}, "неизвестный вид строки"),
    ({"columns": ["Мероприятие"], "rows": [[{"x": 1}]]}, "Строка 1, столбец «Мероприятие»: ожидается текст"),
    ({"columns": ["Мероприятие"], "widths": [0]}, "Ширины столбцов"),
])
def test_bad_input_is_refused_with_a_message_that_names_the_place(raw, message):
    with pytest.raises(GridError) as err:
        grid_from_json(raw, fixed_columns=["Мероприятие"])
    assert message in str(err.value)


def test_limits_are_errors_never_cuts():
    with pytest.raises(GridError, match="3 строк, допускается не более 2"):
        grid_from_json({"columns": ["А"], "rows": [["1"], ["2"], ["3"]]}, max_rows=2)
    with pytest.raises(GridError, match="11 символов, допускается не более 10"):
        grid_from_json({"columns": ["А"], "rows": [["x" * 11]]}, max_cell=10)


def test_the_grid_feeds_the_document_table():
    grid = grid_from_json({**ROADMAP, "widths": [15, 110, 55]})
    table = grid.to_table()
    assert table.headers == ("№", "Мероприятие", "Сроки")
    assert table.row_kinds == ("group", "data", "continuation", "data")
    assert table.col_widths_mm == (15.0, 110.0, 55.0)
    text = pdf_text(pdf.render(Spec(title="t", author="a").add(TableBlock(table))))
    assert text.count("1. Организационные мероприятия") == 1 and "Январь–февраль 2027" in text
    assert isinstance(grid, Grid)
