"""Typography of PDF tables as a reader sees it: words are hyphenated by Russian rules or moved whole,
never cut without a hyphen; columns sized by their content; a row taller than a page continues on
the next page; group rows span the table in bold; continuation rows keep an empty №."""
from __future__ import annotations

import io

import pypdf
import pytest

from workflow_app.documents import pdf, typeset, word
from workflow_app.documents.fonts import FAMILY, register_fonts
from workflow_app.documents.layout import MARGINS_MM, PT_PER_MM, Spec, TableBlock, column_widths
from workflow_app.documents.model import Table

from .helpers import docx_open, pdf_pages

ROADMAP_HEADERS = ("№", "Мероприятие", "Сроки", "Целевая аудитория", "Ответственные")
ACTIVITY = ("Проведение постоянно действующего методического семинара для педагогов образовательных "
            "организаций муниципального образования по вопросам внедрения инновационных практик")


def _spec(table: Table, landscape: bool = False) -> Spec:
    return Spec(title="t", author="a", landscape=landscape).add(TableBlock(table))


def _runs(data: bytes) -> list[tuple[int, float, float, str, str]]:
    """(page, x, y, text, font) of every line drawn, in drawing order."""
    out = []
    for n, page in enumerate(pypdf.PdfReader(io.BytesIO(data)).pages):
        def visit(text, cm, tm, font, size, n=n):
            if text.strip():
                name = str(font.get("/BaseFont", "")) if font else ""
                out.append((n, tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], text.strip(), name))
        page.extract_text(visitor_text=visit)
    return out


def _assert_no_unhyphenated_cut(lines: list[str], source: str) -> None:
    """Reading the lines gives back `source` word by word, and a word split between lines always ends
    its first part with a hyphen (added, or its own «-»/«–»)."""
    expected, k, pending = source.split(), 0, ""
    for line in lines:
        tokens = line.split()
        for j, tok in enumerate(tokens):
            piece = pending + tok
            if piece == expected[k]:
                k, pending = k + 1, ""
                continue
            assert j == len(tokens) - 1, f"{piece!r} is not {expected[k]!r}: {line!r}"
            assert tok.endswith(("-", "–", "—", "/")), f"cut without a hyphen: {line!r} ({expected[k]!r})"
            pending = piece if expected[k].startswith(piece) else piece[:-1]
            assert expected[k].startswith(pending), (line, expected[k])
    assert k == len(expected) and not pending, lines


def _column_lines(data: bytes, x_from: float, x_to: float, header: str) -> list[str]:
    """The body lines drawn in one column (its header left out)."""
    return [t for _, x, _, t, _ in _runs(data) if x_from <= x < x_to and t not in header.split()]


@pytest.mark.parametrize("text", ["Январь-февраль 2027", "Постоянно", ACTIVITY,
                                  "Сверхдлинноесловобезпробелов" * 2])
def test_words_in_a_narrow_column_are_hyphenated_never_cut(text):
    register_fonts()
    table = Table(headers=("№", "Срок", "Примечание"), rows=(("1", text, "—"),), col_widths_mm=(10, 16, 154))
    data = pdf.render(_spec(table))
    left = MARGINS_MM["left"] * PT_PER_MM
    lines = _column_lines(data, left + 10 * PT_PER_MM, left + 26 * PT_PER_MM, "Срок")
    assert len(lines) > 1
    _assert_no_unhyphenated_cut(lines, text)


def test_hyphenation_follows_russian_rules():
    register_fonts()
    assert typeset.pieces("Январь-февраль") == ["Ян-", "варь-", "фе-", "враль"]
    assert "".join(typeset.pieces("образовательная")) == "об-ра-зо-ва-тель-ная"
    assert typeset.pieces("01.09.2027") == ["01.09.2027"]              # no break inside a date
    # «Январь-» ends the line with its own hyphen: nothing is added
    lines = typeset.wrap("Январь-февраль", 50, FAMILY, 12)
    assert [t for t, _ in lines] == ["Январь-", "февраль"]


def _roadmap(rows: int = 12) -> Table:
    body = []
    for i in range(1, rows + 1):
        body.append((f"1.{i}.", ACTIVITY, "Январь–февраль 2027" if i % 2 else "01.09.2027",
                     "педагоги и руководители ДОО", "Иванова И.И., методист"))
    return Table(headers=ROADMAP_HEADERS, rows=tuple(body))


def test_a_date_column_is_not_squeezed_while_a_text_column_is_wide():
    register_fonts()
    table = _roadmap()
    widths = column_widths(table, 180.0)
    assert sum(widths) == pytest.approx(180.0)
    from workflow_app.documents.fonts import text_width_pt
    date_mm = text_width_pt("Январь–февраль 2027", 12) / PT_PER_MM
    assert widths[2] >= date_mm + 5 / PT_PER_MM                # the period fits on one line
    assert widths[0] >= text_width_pt("1.12.", 12) / PT_PER_MM  # «1.12.» unbroken
    assert widths[1] == max(widths)                            # the long text takes the rest
    data = pdf.render(_spec(table))
    text = " ".join(pdf_pages(data))
    assert text.count("Январь–февраль 2027") == 6 and text.count("01.09.2027") == 6
    left = MARGINS_MM["left"] * PT_PER_MM + sum(widths[:1]) * PT_PER_MM
    lines = _column_lines(data, left, left + widths[1] * PT_PER_MM, "Мероприятие")
    _assert_no_unhyphenated_cut(lines, " ".join([ACTIVITY] * len(table.rows)))


def test_explicit_widths_are_honoured():
    table = Table(headers=("№", "Текст", "Срок"), rows=(("1", "а", "б"),), col_widths_mm=(15, 120, 45))
    assert column_widths(table, 180.0) == [15, 120, 45]


def test_a_row_taller_than_a_page_continues_on_the_next_page():
    register_fonts()
    tall = "\n".join(f"строка {i:03d}" for i in range(1, 91))
    table = Table(headers=("№", "Содержание"),
                  rows=(("1", "первая"), ("2", tall), ("3", "после высокой")), col_widths_mm=(15, 165))
    data = pdf.render(_spec(table))
    pages = pdf_pages(data)
    assert len(pages) >= 2
    assert "строка 001" in pages[0] and "строка 090" in pages[-1] and "после высокой" in pages[-1]
    text = " ".join(pages)
    assert all(text.count(f"строка {i:03d}") == 1 for i in range(1, 91))
    for page in pages[1:]:
        assert page.split(" ", 1)[-1].startswith("№ Содержание")        # the header is repeated
    # nothing drawn outside the frame
    bottom, top = MARGINS_MM["bottom"] * PT_PER_MM, (297 - MARGINS_MM["top"]) * PT_PER_MM
    for _page, _x, y, t, _f in _runs(data):
        if t.startswith("строка"):
            assert bottom <= y <= top, (t, y)


def test_a_tall_row_in_landscape_fits_the_landscape_frame():
    register_fonts()
    tall = "\n".join(f"пункт {i:02d}" for i in range(1, 46))
    table = Table(headers=("№", "Содержание"), rows=(("1", tall),), col_widths_mm=(15, 250))
    data = pdf.render(_spec(table, landscape=True))
    assert len(pdf_pages(data)) >= 2
    for _page, _x, y, t, _f in _runs(data):
        assert MARGINS_MM["bottom"] * PT_PER_MM <= y, (t, y)


def _annex_table() -> Table:
    return Table(headers=ROADMAP_HEADERS,
                 rows=(("1. Организационные мероприятия", "", "", "", ""),
                       ("1.1.", "Совещание", "Январь 2027", "руководители", "Петров П.П."),
                       ("", "продолжение совещания", "Февраль 2027", "", ""),
                       ("1.10", "Семинар", "Март 2027", "педагоги", "Сидоров С.С.")),
                 row_kinds=("group", "data", "continuation", "data"))


def test_group_rows_span_the_table_in_bold_in_pdf():
    register_fonts()
    data = pdf.render(_spec(_annex_table()))
    runs = _runs(data)
    group = [r for r in runs if "Организационные мероприятия" in r[3]]
    assert len(group) == 1
    _page, x, _y, text, font = group[0]
    assert "Bold" in font
    # centred over the whole table, not in the narrow № column
    from workflow_app.documents.fonts import text_width_pt
    centre = x + text_width_pt(text, 12, bold=True) / 2
    table_centre = (MARGINS_MM["left"] + 90) * PT_PER_MM
    assert abs(centre - table_centre) < 3
    # № as typed, nothing renumbered; the continuation row has no №
    texts = [r[3] for r in runs]
    assert texts.index("1.1.") < texts.index("продолжение совещания") < texts.index("1.10")
    numbers = [t for t in texts if t[:1].isdigit() and "." in t and len(t) <= 5]
    assert numbers == ["1.1.", "1.10"]


def test_group_rows_are_merged_and_bold_in_docx():
    data = word.render(_spec(_annex_table()))
    table = docx_open(data).tables[0]
    rows = table._tbl.tr_lst
    from docx.oxml.ns import qn
    group_tcs = rows[1].tc_lst
    assert len(group_tcs) == 1
    span = group_tcs[0].tcPr.find(qn("w:gridSpan"))
    assert span is not None and span.get(qn("w:val")) == "5"
    assert group_tcs[0].find(".//" + qn("w:b")) is not None
    assert "".join(t.text for t in group_tcs[0].iter(qn("w:t"))) == "1. Организационные мероприятия"
    # continuation row: an ordinary row with an empty № cell
    cont = rows[3].tc_lst
    assert len(cont) == 5 and "".join(t.text or "" for t in cont[0].iter(qn("w:t"))) == ""
    assert "продолжение совещания" in "".join(t.text for t in cont[1].iter(qn("w:t")))
    # the header row repeats on every page
    assert rows[0].trPr.find(qn("w:tblHeader")) is not None


def test_docx_uses_the_computed_widths_and_keeps_line_breaks():
    table = Table(headers=("№", "Содержание", "Срок"),
                  rows=(("1", "первая линия\nвторая линия", "01.09.2027"),))
    data = word.render(_spec(table))
    from docx.oxml.ns import qn
    tbl = docx_open(data).tables[0]._tbl
    grid = [int(gc.get(qn("w:w"))) for gc in tbl.tblGrid.findall(qn("w:gridCol"))]
    expected = [int(w * 56.6929) for w in column_widths(table, 180.0)]
    assert grid == expected
    cell = tbl.tr_lst[1].tc_lst[1]
    assert len(cell.findall(".//" + qn("w:br"))) == 1


def test_header_words_in_narrow_columns_are_hyphenated_never_cut():
    register_fonts()
    headers = ("Муниципальное образование", "Ответственные исполнители", "Целевая аудитория", "Показатель")
    table = Table(headers=headers, rows=(("а", "б", "в", "г"),), col_widths_mm=(20, 20, 20, 20))
    runs = _runs(pdf.render(_spec(table)))
    left = MARGINS_MM["left"] * PT_PER_MM
    for i, header in enumerate(headers):
        x_from, x_to = left + i * 20 * PT_PER_MM, left + (i + 1) * 20 * PT_PER_MM
        lines = [t for _, x, _, t, font in runs if x_from <= x < x_to and "Bold" in font]
        _assert_no_unhyphenated_cut(lines, header)


def test_when_whole_words_cannot_fit_side_by_side_dates_stay_whole_and_words_hyphenate():
    register_fonts()
    from workflow_app.documents.fonts import text_width_pt
    headers = ("№", "Дата", "Организация", "Муниципалитет", "Направление", "Показатели", "Ответственные", "Итог")
    row = ("1.10.", "01.09.2027", "Общеобразовательная", "Муниципальное", "Исследовательская",
           "Удовлетворённость", "Заместители", "Рекомендовано")
    table = Table(headers=headers, rows=(row,) * 3)
    widths = column_widths(table, 180.0)
    assert sum(widths) == pytest.approx(180.0)
    assert widths[1] * PT_PER_MM >= text_width_pt("01.09.2027", 12) + 5    # a date is never hyphenated
    assert widths[0] * PT_PER_MM >= text_width_pt("1.10.", 12) + 5
    data = pdf.render(_spec(table))
    left = MARGINS_MM["left"] * PT_PER_MM
    edges = [left + sum(widths[:i]) * PT_PER_MM for i in range(len(widths) + 1)]
    runs = [r for r in _runs(data) if "Bold" not in r[4]]
    for i in range(len(headers)):
        lines = [t for _, x, _, t, _ in runs if edges[i] <= x < edges[i + 1]]
        _assert_no_unhyphenated_cut(lines, " ".join([row[i]] * 3))


def _letters(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def test_a_49_row_roadmap_with_groups_continuations_and_multi_line_cells_keeps_every_line():
    register_fonts()
    rows, kinds = [], []
    for g in range(1, 5):
        rows.append((f"{g}. Направление деятельности номер {g}", "", "", "", ""))
        kinds.append("group")
        for k in range(1, 11):
            cell = "\n".join(f"{j}) мероприятие {g}.{k} пункт {j}" for j in range(1, 7)) if k % 4 == 0 else ACTIVITY
            rows.append((f"{g}.{k}.", cell, "Январь–февраль 2027", "педагоги ДОО", "Иванова И.И."))
            kinds.append("data")
        rows.append(("", f"продолжение {g}", "01.09.2027", "", ""))
        kinds.append("continuation")
    rows.append(("4.13.", "Итоговая конференция", "Декабрь 2027", "все", "все"))
    kinds.append("data")
    assert len(rows) == 49 and kinds.count("data") == 41
    table = Table(headers=ROADMAP_HEADERS, rows=tuple(rows), row_kinds=tuple(kinds))
    data = pdf.render(_spec(table))
    stream = _letters("".join(t for *_, t, _ in _runs(data)))
    pos = 0
    for row, kind in zip(rows, kinds, strict=True):
        for cell in (row[:1] if kind == "group" else row):
            for line in cell.split("\n"):
                found = stream.find(_letters(line), pos)
                assert found >= 0, line
                pos = found + len(_letters(line))
    text = " ".join(pdf_pages(data))
    for g in range(1, 5):
        assert text.count(f"{g}. Направление деятельности номер {g}") == 1
    docx = word.render(_spec(table))
    from .helpers import docx_blocks
    cells = docx_blocks(docx)[0].removeprefix("[table] ").split(" | ")
    expected = [c for row, kind in zip(rows, kinds, strict=True)
                for c in ((" ".join(x for x in row if x.strip()),) if kind == "group" else row)]
    assert cells == list(ROADMAP_HEADERS) + expected


def test_a_group_row_never_ends_a_page_without_its_first_row():
    register_fonts()
    from workflow_app.documents import pdf_table
    rows = [("1.", "первая"), ("2.", "вторая"), ("3. Группа", ""), ("3.1.", "строка группы")]
    table = Table(headers=("№", "Текст"), rows=tuple(rows), row_kinds=("data", "data", "group", "data"))
    flow = pdf_table.build(TableBlock(table), 180.0, 700.0)[0]
    flow.wrap(500, 1000)
    room = flow.header_h + sum(flow.heights[:3]) + 1      # room for the group row but not for its first row
    first, rest = flow.split(500, room)
    assert (first.start, first.stop) == (0, 2) and (rest.start, rest.stop) == (2, 4)
