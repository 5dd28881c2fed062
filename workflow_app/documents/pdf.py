"""Render a layout `Spec` to PDF with ReportLab platypus.

Fonts come only from `documents/fonts/` (Liberation Serif, metric-compatible with Times New Roman),
never from the system. Output is deterministic (`invariant=1`, fixed metadata) because signed
orders are stored as bytes with their SHA-256.
"""
from __future__ import annotations

import bisect
import io
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .fonts import FAMILY, face, register_fonts
from .layout import (
    CELL_PAD_PT,
    INDENT_MM,
    PT_PER_MM,
    Columns,
    Gap,
    P,
    Run,
    Spec,
    TableBlock,
    TwoSide,
    column_aligns,
    column_widths,
    two_side_left_frac,
)

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
LEADING = 1.15            # line height as a multiple of the font size
PRODUCER = "workflow_app"


def markup(runs: tuple[Run, ...]) -> str:
    """ReportLab paragraph markup from plain runs: user text escaped, newlines as <br/>."""
    out = []
    for r in runs:
        t = escape(r.text).replace("\n", "<br/>")
        if r.bold:
            t = f"<b>{t}</b>"
        if r.italic:
            t = f"<i>{t}</i>"
        out.append(t)
    return "".join(out)


@lru_cache(maxsize=256)
def style(align: str = "justify", size: float = 14.0, indent: bool = False, left_mm: float = 0.0,
          before: float = 0.0, after: float = 0.0, keep_next: bool = False) -> ParagraphStyle:
    register_fonts()
    return ParagraphStyle(
        name=f"s-{align}-{size}-{indent}-{left_mm}-{before}-{after}-{keep_next}",
        fontName=FAMILY, fontSize=size, leading=size * LEADING, alignment=_ALIGN[align],
        firstLineIndent=INDENT_MM * mm if indent else 0, leftIndent=left_mm * mm,
        spaceBefore=before, spaceAfter=after, keepWithNext=int(keep_next),
    )


# --------------------------------------------------------------------------- flowables


def _paragraph(b: P) -> list:
    flow = [PageBreak()] if b.page_break else []
    flow.append(Paragraph(markup(b.runs), style(b.align, b.size, b.indent, b.left_mm, b.before,
                                                 b.after, b.keep_next)))
    return flow


def _two_side(b: TwoSide, width: float) -> list:
    left = Paragraph(markup(b.left), style("left", b.size))
    right = Paragraph(markup(b.right), style("right", b.size))
    frac = two_side_left_frac("".join(r.text for r in b.right), b.size, width / PT_PER_MM)
    t = Table([[left, right]], colWidths=[width * frac, width * (1 - frac)])
    t.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FAMILY, b.size),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    flow = [Spacer(1, b.before)] if b.before else []
    flow.append(t)
    if b.after:
        flow.append(Spacer(1, b.after))
    return flow


def _columns(b: Columns, width: float) -> list:
    def stack(ps):
        return [Paragraph(markup(p.runs), style(p.align, p.size, p.indent, p.left_mm, p.before,
                                                 p.after)) for p in ps]

    t = Table([[stack(b.left), stack(b.right)]],
              colWidths=[width * b.left_frac, width * (1 - b.left_frac)])
    t.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FAMILY, 12),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (0, -1), 18),
        ("RIGHTPADDING", (1, 0), (1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return [t, Spacer(1, b.after)] if b.after else [t]


CELL_PAD = CELL_PAD_PT


TOP_PAD, BOTTOM_PAD = 1.5, 3.0


class PagedTable(Flowable):
    """A table drawn straight on the canvas, split page by page in linear time, header row repeated.

    ReportLab's LongTable re-creates the whole remaining table at each page split (quadratic on
    10,000 rows), and even a Table per page costs a cell style object and a text object per cell.
    Here every row's lines and height are measured once up front (`_table`); a split is two O(1)
    views of the same rows; `draw` writes the page's lines into one text object and its grid as one
    path. The look is that of the platypus Table it replaces: the same font, paddings, alignments,
    0.5 pt black grid with round caps and joins, header cells (bold paragraphs) centred vertically,
    body cells top-aligned.

    A body cell is a tuple of (line, width) pairs — plain text already broken to the column — or a
    Paragraph (only for a word wider than its column, which the paragraph can break).
    """

    def __init__(self, header: list, rows: list, heights: list[float], header_h: float,
                 widths: list[float], aligns: list[str], size: float, start: int = 0,
                 stop: int | None = None, prefix: list[float] | None = None):
        super().__init__()
        self.header, self.rows, self.heights, self.header_h = header, rows, heights, header_h
        self.widths, self.aligns, self.size = widths, aligns, size
        self.start = start
        self.stop = len(rows) if stop is None else stop
        if prefix is None:
            prefix = [0.0]
            for h in heights:
                prefix.append(prefix[-1] + h)
        self.prefix = prefix

    def _view(self, start: int, stop: int) -> PagedTable:
        return PagedTable(self.header, self.rows, self.heights, self.header_h, self.widths, self.aligns,
                          self.size, start, stop, self.prefix)

    def _height(self, stop: int) -> float:
        return self.header_h + self.prefix[stop] - self.prefix[self.start]

    def wrap(self, aw, ah):
        self.width, self.height = sum(self.widths), self._height(self.stop)
        return self.width, self.height

    def split(self, aw, ah):
        budget = self.prefix[self.start] + ah - self.header_h
        stop = bisect.bisect_right(self.prefix, budget, lo=self.start, hi=self.stop + 1) - 1
        if stop <= self.start:
            if self.header_h + self.heights[self.start] <= FRAME_LIMIT:
                return []               # not even one row fits here: move to the next frame
            stop = self.start + 1       # a row taller than a page: let it overflow, not loop
        if stop >= self.stop:
            return [self._view(self.start, self.stop)]
        return [self._view(self.start, stop), self._view(stop, self.stop)]

    def draw(self):
        canv, size = self.canv, self.size
        leading = size * LEADING
        xs = [0.0]
        for w in self.widths:
            xs.append(xs[-1] + w)
        top = self.height
        canv.saveState()
        canv.setFillColor(colors.black)
        # header: paragraphs, vertically centred as Table's VALIGN MIDDLE places a flowable
        y0 = top - self.header_h
        for p, x in zip(self.header, xs, strict=False):
            h = p.height    # wrapped once to its column in _table; drawOn reuses those lines
            y = y0 + (self.header_h + BOTTOM_PAD - TOP_PAD + h) / 2.0 - h
            p.drawOn(canv, x + CELL_PAD, y)
        # body: every plain line of the page in one text object
        text = canv.beginText()
        text.setFont(FAMILY, size, leading)
        paragraphs = []
        ys = [top, y0]
        row_top = y0
        for i in range(self.start, self.stop):
            h = self.heights[i]
            for cell, x, w, align in zip(self.rows[i], xs, self.widths, self.aligns, strict=False):
                if not isinstance(cell, tuple):
                    paragraphs.append((cell, x, w, row_top))
                    continue
                y = row_top - TOP_PAD - size
                for line, lw in cell:
                    if line:
                        if align == "CENTER":
                            lx = x + w / 2.0 - lw / 2.0
                        elif align == "RIGHT":
                            lx = x + w - CELL_PAD - lw
                        else:
                            lx = x + CELL_PAD
                        text.setTextOrigin(lx, y)
                        text.textLine(line)   # no width bookkeeping, unlike textOut
                    y -= leading
            row_top -= h
            ys.append(row_top)
        canv.drawText(text)
        for p, x, _w, row_top in paragraphs:
            p.drawOn(canv, x + CELL_PAD, row_top - TOP_PAD - p.height)
        # grid: drawn over the cells, as Table does
        canv.setStrokeColor(colors.black)
        canv.setLineWidth(0.5)
        canv.setLineCap(1)
        canv.setLineJoin(1)
        bottom = ys[-1]
        canv.lines([(0.0, y, xs[-1], y) for y in ys] + [(x, bottom, x, top) for x in xs])
        canv.restoreState()


FRAME_LIMIT = 650.0     # pt; a row taller than this can never fit a page frame


def _table(b: TableBlock, width_mm: float) -> list:
    tbl = b.table
    widths = [w * mm for w in column_widths(tbl, width_mm, b.size)]
    aligns = [a.upper() if a != "justify" else "LEFT" for a in column_aligns(tbl)]
    n = len(tbl.headers)
    leading = b.size * LEADING
    pads = TOP_PAD + BOTTOM_PAD
    head_style = style("center", b.size)
    cell_styles = [style(a, b.size) for a in column_aligns(tbl)]
    fits = [w - 2 * CELL_PAD - 1 for w in widths]
    header = [Paragraph(f"<b>{escape(h)}</b>", head_style) for h in tbl.headers]
    header_h = max(p.wrap(w - 2 * CELL_PAD, 1e6)[1] for p, w in zip(header, widths, strict=False)) + pads
    # Cells are plain strings, broken into lines with simpleSplit and measured once here: far
    # cheaper than a Paragraph per cell. Only a cell with a word wider than its column becomes a
    # Paragraph (it can break the word).
    string_width = pdfmetrics.stringWidth
    font, size = FAMILY, b.size
    data: list[list[Any]] = []
    heights: list[float] = []
    for row in tbl.rows:
        cells: list[Any] = []
        lines_max, extra = 1, 0.0
        for i in range(n):
            v = row[i] if i < len(row) else ""
            if "\n" not in v:
                vw = string_width(v, font, size)
                if vw <= fits[i]:
                    cells.append(((v, vw),))
                    continue
            lines = [ln for part in v.split("\n") for ln in (simpleSplit(part, font, size, fits[i]) or [""])]
            measured = tuple((ln, string_width(ln, font, size)) for ln in lines)
            if any(lw > fits[i] for _, lw in measured):
                para = Paragraph(escape(v).replace("\n", "<br/>"), cell_styles[i])
                extra = max(extra, para.wrap(widths[i] - 2 * CELL_PAD, 1e6)[1])
                cells.append(para)
            else:
                cells.append(measured)
                lines_max = max(lines_max, len(lines))
        data.append(cells)
        heights.append(max(lines_max * leading, extra) + pads)
    flow = [Spacer(1, b.before)] if b.before else []
    flow.append(PagedTable(header, data, heights, header_h, widths, aligns, size))
    return flow


# --------------------------------------------------------------------------- page decoration


def _decorate(spec: Spec):
    def on_page(canvas, doc):
        w, h = doc.pagesize
        canvas.saveState()
        if spec.draft:
            # Light diagonal watermark, drawn first so the text lies over it.
            canvas.setFillColor(colors.Color(0.88, 0.88, 0.88))
            canvas.setFont(face(bold=True), 110)
            canvas.translate(w / 2, h / 2)
            canvas.rotate(45)
            canvas.drawCentredString(0, -35, "ПРОЕКТ")
            canvas.rotate(-45)
            canvas.translate(-w / 2, -h / 2)
        if spec.border:
            canvas.setStrokeColor(colors.Color(0.15, 0.25, 0.45))
            canvas.setLineWidth(2.2)
            canvas.rect(10 * mm, 10 * mm, w - 20 * mm, h - 20 * mm)
            canvas.setLineWidth(0.7)
            canvas.rect(13 * mm, 13 * mm, w - 26 * mm, h - 26 * mm)
        page = canvas.getPageNumber()
        if spec.page_numbers and page >= 2:
            canvas.setFillColor(colors.black)
            canvas.setFont(FAMILY, 12)
            m = spec.margins
            x = m["left"] * mm + (w - (m["left"] + m["right"]) * mm) / 2
            canvas.drawCentredString(x, h - 12 * mm, str(page))
        canvas.restoreState()

    return on_page


def render(spec: Spec) -> bytes:
    register_fonts()
    pw, ph = spec.page_mm
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf, pagesize=(pw * mm, ph * mm),
        leftMargin=spec.margins["left"] * mm, rightMargin=spec.margins["right"] * mm,
        topMargin=spec.margins["top"] * mm, bottomMargin=spec.margins["bottom"] * mm,
        title=spec.title, author=spec.author, subject=spec.subject, creator=PRODUCER,
        producer=PRODUCER, invariant=1, lang="ru-RU",
        initialFontName=FAMILY, initialFontSize=14,   # no stray non-embedded Helvetica
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=_decorate(spec))])
    width_mm = spec.text_width_mm
    story: list = []
    for b in spec.blocks:
        if isinstance(b, P):
            story.extend(_paragraph(b))
        elif isinstance(b, TwoSide):
            story.extend(_two_side(b, doc.width))
        elif isinstance(b, TableBlock):
            story.extend(_table(b, width_mm))
        elif isinstance(b, Columns):
            story.extend(_columns(b, doc.width))
        elif isinstance(b, Gap):
            story.append(Spacer(1, b.pt))
        else:  # pragma: no cover - a programming error in a builder
            raise TypeError(f"unknown block {b!r}")
    doc.build(story)
    return buf.getvalue()
