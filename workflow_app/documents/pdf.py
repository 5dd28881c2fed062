"""Render a layout `Spec` to PDF with ReportLab platypus.

Fonts come only from `documents/fonts/` (Liberation Serif, metric-compatible with Times New Roman),
never from the system. Output is deterministic (`invariant=1`, fixed metadata) because signed
orders are stored as bytes with their SHA-256.
"""
from __future__ import annotations

import io
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    Image,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from . import pdf_table
from .fonts import FAMILY, face, register_fonts
from .layout import (
    INDENT_MM,
    PT_PER_MM,
    Columns,
    Gap,
    P,
    Picture,
    Run,
    Spec,
    TableBlock,
    TwoSide,
    two_side_left_frac,
)

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
PRODUCER = "workflow_app"
LEADING = pdf_table.LEADING   # line height as a multiple of the font size


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
            story.extend(pdf_table.build(b, width_mm, doc.height))
        elif isinstance(b, Columns):
            story.extend(_columns(b, doc.width))
        elif isinstance(b, Gap):
            story.append(Spacer(1, b.pt))
        elif isinstance(b, Picture):
            story.append(Image(io.BytesIO(b.data), *(x * mm for x in b.size_mm()), hAlign="CENTER"))
        else:  # pragma: no cover - a programming error in a builder
            raise TypeError(f"unknown block {b!r}")
    doc.build(story)
    return buf.getvalue()
