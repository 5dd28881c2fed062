"""The PDF table path (drawn straight on the canvas): rows in order across pages, the header on every
page, multi-line cells, over-wide words and the columns' alignment."""
import io

import pypdf
from reportlab.pdfbase.pdfmetrics import stringWidth

from workflow_app.documents import pdf
from workflow_app.documents.fonts import FAMILY, register_fonts
from workflow_app.documents.layout import Spec, TableBlock
from workflow_app.documents.model import Table

from .helpers import assert_in_order, pdf_pages

LONG_WORD = "Сверхдлинноесловобезпробелов" * 3


def _render(rows: int) -> bytes:
    register_fonts()
    body = []
    for i in range(1, rows + 1):
        text = f"Строка {i:03d}"
        if i % 5 == 0:
            text += f"\nвторая линия {i:03d}"
        if i == 7:
            text = LONG_WORD
        body.append((str(i), text, str(10 ** (i % 4))))
    spec = Spec(title="t", author="a")
    spec.add(TableBlock(Table(headers=("№", "Текст", "Балл"), rows=tuple(body),
                              col_widths_mm=(15, 60, 30), align=("center", "left", "right"))))
    return pdf.render(spec)


def _positions(data: bytes) -> list[tuple[int, str, float]]:
    """(page, text, x) of every text run as drawn."""
    out = []
    for n, page in enumerate(pypdf.PdfReader(io.BytesIO(data)).pages):
        def visit(text, cm, tm, font, size, n=n):
            if text.strip():
                out.append((n, text.strip(), tm[4] * cm[0] + cm[4]))
        page.extract_text(visitor_text=visit)
    return out


def test_long_table_keeps_rows_in_order_with_the_header_on_every_page():
    data = _render(150)
    pages = pdf_pages(data)
    assert len(pages) >= 3
    for i, page in enumerate(pages, start=1):
        assert page.startswith("№ Текст Балл") or page.split(" ", 1)[1].startswith("№ Текст Балл"), i
    text = " ".join(pages)
    assert_in_order(text, [f"Строка {i:03d}" for i in range(1, 151) if i != 7])
    assert sum(p.count("Строка ") for p in pages) == 149
    assert sum(p.count("вторая линия ") for p in pages) == 30
    assert_in_order(text, ["Строка 010", "вторая линия 010", "Строка 011"])
    # the over-wide word is hyphenated inside its column, not lost or cut
    assert "Сверхдлинноесловобезпробе- лов" in text and text.replace("- ", "").count(LONG_WORD) == 1


def test_columns_keep_their_alignment():
    runs = _positions(_render(12))
    right_edges = {round(x + stringWidth(t, FAMILY, 12), 1) for _, t, x in runs if t in ("1", "10", "100", "1000")
                   and x > 300}
    assert len(right_edges) == 1, right_edges       # right-aligned scores end at one edge
    lefts = {round(x, 1) for _, t, x in runs if t.startswith("Строка")}
    assert len(lefts) == 1, lefts                    # left-aligned text starts at one edge
    centres = {round(x + stringWidth(t, FAMILY, 12) / 2, 1) for _, t, x in runs if t in ("2", "11")
               and x < 150}
    assert len(centres) == 1, centres                # numbers centred in the first column
