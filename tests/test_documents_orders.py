"""Orders (приказы) as PDF and DOCX: layout order, fonts, escaping, pagination, determinism."""
from __future__ import annotations

import dataclasses
import datetime
import hashlib
import subprocess
import sys

import pytest
from docx.oxml.ns import qn

from workflow_app.documents import samples
from workflow_app.documents.model import Annex, OrderDoc, OrderItem, Table
from workflow_app.documents.orders import build_order_docx, build_order_pdf

from .helpers import (
    assert_in_order,
    docx_blocks,
    docx_open,
    docx_text,
    norm,
    pdf_fonts,
    pdf_pages,
    pdf_text,
    pdf_top_texts,
)


@pytest.fixture(scope="module")
def order() -> OrderDoc:
    return samples.results_order(30)


@pytest.fixture(scope="module")
def order_pdf(order) -> bytes:
    return build_order_pdf(order)


@pytest.fixture(scope="module")
def order_docx(order) -> bytes:
    return build_order_docx(order)


def expected_layout(doc: OrderDoc) -> list[str]:
    inst = doc.institution
    return [inst.ministry_name, inst.full_name, f"({inst.short_name})", "П Р И К А З",
            "от 20.11.2025", "№ 412", "г. Краснодар", doc.title, doc.preamble,
            "п р и к а з ы в а ю :",
            "1. " + doc.items[0].text, "2. " + doc.items[1].text, "2.1. " + doc.items[1].subitems[0],
            "2.2. " + doc.items[1].subitems[1], "3. " + doc.items[2].text,
            "6. " + doc.items[5].text, "Ректор", "Т.А. Гайдук",
            "Приложение № 1", "УТВЕРЖДЕН", "приказом ректора ГБОУ ИРО Краснодарского края",
            "от 20.11.2025 № 412", doc.annexes[0].title, "Образовательная организация",
            "Приложение № 2", "УТВЕРЖДЁН", doc.annexes[1].title, "Костенко Наталья Викторовна"]


def test_pdf_layout_elements_in_order(order, order_pdf):
    text = pdf_text(order_pdf)
    assert_in_order(text, expected_layout(order))
    pages = pdf_pages(order_pdf)
    # The order itself fits the first page; each annex starts a new page.
    assert "Приложение № 1" not in pages[0]
    assert pages[1].startswith("2 Приложение № 1"), pages[1][:80]
    annex2 = [i for i, p in enumerate(pages) if "Приложение № 2" in p]
    assert annex2 and "Приложение № 2 УТВЕРЖДЁН" in pages[annex2[0]]
    assert "Сетевая модель профориентации" not in pages[annex2[0]]  # annex 1 rows end before


def test_docx_layout_elements_in_order(order, order_docx):
    blocks = docx_blocks(order_docx)
    assert blocks[:4] == [order.institution.ministry_name, order.institution.full_name,
                          "(ГБОУ ИРО Краснодарского края)", "П Р И К А З"]
    assert blocks[4] == "от 20.11.2025\t№ 412"          # one line, number at the right tab
    assert blocks[5] == "г. Краснодар"
    assert blocks[6] == order.title
    assert blocks[7].endswith("№ 3 п р и к а з ы в а ю :")
    assert_in_order(docx_text(order_docx), expected_layout(order))
    d = docx_open(order_docx)
    annex_start = [p for p in d.paragraphs if p.text == "Приложение № 1"][0]
    assert annex_start.paragraph_format.page_break_before
    assert len(d.tables) == 2
    assert len(d.tables[0].rows) == 31 and len(d.tables[1].rows) == 6


def test_docx_real_table_content(order, order_docx):
    t = docx_open(order_docx).tables[0]
    header = [c.text for c in t.rows[0].cells]
    assert header == list(order.annexes[0].table.headers)
    for row, expected in zip(t.rows[1:], order.annexes[0].table.rows, strict=False):
        assert [c.text for c in row.cells] == list(expected)


def test_cyrillic_round_trips_exactly(order, order_pdf, order_docx):
    phrase = "Съешь же ещё этих мягких французских булок, да выпей чаю — ЁЖ «Щука» №5"
    doc = dataclasses.replace(order, title=phrase)
    assert phrase in pdf_text(build_order_pdf(doc))
    assert phrase in docx_blocks(build_order_docx(doc))


def test_fonts_are_embedded_liberation_serif(order_pdf):
    fonts = pdf_fonts(order_pdf)
    assert fonts, "no fonts found"
    assert all(fonts.values()), f"not embedded: {fonts}"
    assert all("LiberationSerif" in name for name in fonts), fonts
    assert any(name.endswith("LiberationSerif-Bold") for name in fonts)


def test_docx_page_setup_fonts_and_page_number_field(order_docx):
    d = docx_open(order_docx)
    sec = d.sections[0]
    def mm(v):
        return round(v / 36000, 1)  # EMU → mm
    assert (mm(sec.page_width), mm(sec.page_height)) == (210.0, 297.0)
    assert (mm(sec.left_margin), mm(sec.right_margin), mm(sec.top_margin),
            mm(sec.bottom_margin)) == (20.0, 10.0, 20.0, 20.0)
    fonts = d.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(
        qn("w:rPr")).find(qn("w:rFonts"))
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert fonts.get(qn(slot)) == "Times New Roman"
    # Page number from page 2: a PAGE field in the default header, the first page's empty.
    assert sec.different_first_page_header_footer
    instr = [el.text for el in sec.header._element.iter(qn("w:instrText"))]
    assert [i.strip() for i in instr] == ["PAGE"]
    assert sec.first_page_header.is_linked_to_previous is False
    assert not "".join(p.text for p in sec.first_page_header.paragraphs).strip()


def test_pdf_page_numbers_from_page_two(order_pdf):
    tops = pdf_top_texts(order_pdf)
    assert len(tops) >= 3
    assert tops[0] == []
    for n, texts in enumerate(tops[1:], start=2):
        assert texts == [str(n)], (n, texts)


def _big_order(rows: int) -> OrderDoc:
    table = Table(headers=("№ п/п", "Организация", "Тема проекта"),
                  rows=tuple((str(i), f"Организация-{i:04d}", "Тема " * (i % 7 + 1))
                             for i in range(1, rows + 1)))
    return dataclasses.replace(samples.roadmap_order(),
                               annexes=(Annex(title="Большой список", table=table),))


@pytest.mark.slow
def test_500_row_annex_paginates_with_header_on_every_page():
    doc = _big_order(500)
    pages = pdf_pages(build_order_pdf(doc))
    annex_pages = pages[1:]
    assert len(annex_pages) >= 8
    for i, page in enumerate(annex_pages, start=2):
        assert "№ п/п Организация Тема проекта" in page, f"header missing on page {i}"
    # Every row is printed once, in order, and none is lost at page breaks.
    text = " ".join(annex_pages)
    assert_in_order(text, [f"Организация-{i:04d}" for i in range(1, 501)])
    assert sum(p.count("Организация-") for p in annex_pages) == 500

    d = docx_open(build_order_docx(doc))
    table = d.tables[0]
    assert len(table.rows) == 501
    trpr = table.rows[0]._tr.trPr
    assert trpr is not None and trpr.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr is None or table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    assert [c.text for c in table.rows[500].cells][:2] == ["500", "Организация-0500"]


def test_user_markup_is_escaped_and_shown_as_typed():
    nasty = 'ООО "Ромашка" & <b>Ко</b> \'тест\' <br/> &amp;'
    doc = dataclasses.replace(
        samples.roadmap_order(), title=nasty, preamble=nasty,
        items=(OrderItem(nasty, subitems=(nasty,)),),
        annexes=(Annex(title=nasty, text=nasty,
                       table=Table(headers=("№", nasty), rows=(("1", nasty),))),))
    pdf = pdf_text(build_order_pdf(doc))
    assert pdf.count(norm(nasty)) >= 7, pdf
    blocks = docx_blocks(build_order_docx(doc))
    assert nasty in blocks and f"1. {nasty}" in blocks and f"1.1. {nasty}" in blocks
    assert any(nasty in b and b.startswith("[table]") for b in blocks)


def test_draft_prints_blanks_and_marks_project():
    doc = samples.results_order(5, draft=True)
    pdf = pdf_text(build_order_pdf(doc))
    assert "от ____________ № _____" in pdf
    assert "ПРОЕКТ" in pdf
    d = docx_open(build_order_docx(doc))
    assert "от ____________\t№ _____" in docx_blocks(build_order_docx(doc))
    sec = d.sections[0]
    assert "ПРОЕКТ" in "".join(p.text for p in sec.first_page_header.paragraphs)
    assert "ПРОЕКТ" in "".join(p.text for p in sec.header.paragraphs)
    final = pdf_text(build_order_pdf(samples.results_order(5)))
    assert "ПРОЕКТ" not in final


def test_same_input_same_bytes(order, order_pdf, order_docx):
    assert build_order_pdf(order) == order_pdf
    assert build_order_docx(order) == order_docx
    other = dataclasses.replace(order, date=datetime.date(2025, 11, 21))
    assert build_order_pdf(other) != order_pdf


@pytest.mark.slow
def test_same_bytes_in_a_fresh_process(order_pdf, order_docx):
    code = ("import hashlib; from workflow_app.documents import samples, orders as o; "
            "d = samples.results_order(30); "
            "print(hashlib.sha256(o.build_order_pdf(d)).hexdigest(), "
            "hashlib.sha256(o.build_order_docx(d)).hexdigest())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [hashlib.sha256(order_pdf).hexdigest(),
                                  hashlib.sha256(order_docx).hexdigest()]


def test_pdf_metadata_is_fixed(order_pdf):
    import io

    import pypdf

    info = pypdf.PdfReader(io.BytesIO(order_pdf)).metadata
    assert info["/Author"] == "ГБОУ ИРО Краснодарского края"
    assert "Об итогах образовательного конкурса" in info["/Title"]
    assert info["/CreationDate"] == info["/ModDate"]
