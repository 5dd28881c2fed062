"""The federal (ФИП) application in the typical form (domain §3.3): a passport of the application and the
18 numbered items, signed by the head of the organisation. One spec feeds the PDF and the DOCX, so the
DOCX copy matches the paper version.

`description_height_pt` measures item 8 exactly as the PDF sets it (same font, size, width, indent and
leading), so «not more than half an A4 page» is a measured limit, not a count of characters.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from . import pdf, word
from .layout import A4_MM, BODY_PT, MARGINS_MM, Gap, P, Picture, Run, Spec, TableBlock, TwoSide, clean, para
from .model import Table

DESCRIPTION_ITEM = "8"


@dataclass(frozen=True)
class FipItem:
    number: str
    title: str
    text: str = ""
    table: Table | None = None
    picture: bytes | None = None     # item 10: the infographic (PNG, JPEG, GIF)


@dataclass(frozen=True)
class FipApplicationDoc:
    organization: str
    municipality: str
    project: str
    year: int
    head_name: str
    items: tuple[FipItem, ...]
    draft: bool = True
    date: datetime.date | None = None


# --- item 8: half an A4 page, measured ------------------------------------------------------------

def text_width_mm() -> float:
    return A4_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]


def half_page_pt() -> float:
    """Half the text area of an A4 page in the application's layout (ГОСТ margins), in points."""
    return (A4_MM[1] - MARGINS_MM["top"] - MARGINS_MM["bottom"]) * mm / 2


def item_paragraphs(text: str) -> list[P]:
    """An item's text as printed: every line its own justified paragraph with a first-line indent (a list
    of tasks typed one per line stays a list)."""
    return [para(line.strip(), indent=True) for line in clean(text).split("\n") if line.strip()]


def description_height_pt(text: str) -> float:
    """Height of `text` set as item 8's paragraphs in the PDF (14 pt, justified, first-line indent, full
    text width): the same paragraphs and styles `spec` gives the renderer."""
    width = text_width_mm() * mm
    total = 0.0
    for b in item_paragraphs(text):
        p = Paragraph(pdf.markup(b.runs), pdf.style(b.align, b.size, b.indent, b.left_mm, b.before, b.after))
        total += p.wrap(width, 10_000)[1] + b.before + b.after
    return total


def fits_half_page(text: str) -> bool:
    return description_height_pt(text) <= half_page_pt()


# --- the document -----------------------------------------------------------------------------------

def spec(doc: FipApplicationDoc) -> Spec:
    s = Spec(title=f"Заявка на статус ФИП: {clean(doc.organization)}", author=clean(doc.organization),
             subject="Заявка на присвоение статуса федеральной инновационной площадки", draft=doc.draft,
             stamp_date=doc.date)
    s.add(para("ЗАЯВКА", bold=True, align="center", size=BODY_PT + 2),
          para("на признание организации федеральной инновационной площадкой", bold=True, align="center"),
          para(f"({doc.year} год)", align="center", after=12),
          para("Паспорт заявки", bold=True, align="left", after=4),
          para(f"Организация: {clean(doc.organization)}", align="left"),
          para(f"Муниципальное образование: {clean(doc.municipality)}", align="left"),
          para(f"Тема инновационного проекта: {clean(doc.project)}", align="left", after=12))
    for item in doc.items:
        s.add(para(f"{item.number}. {item.title}", bold=True, align="left", before=8, after=2, keep_next=True))
        if item.picture:
            s.add(Picture(item.picture, max_width_mm=text_width_mm()))
            if item.text.strip():
                s.add(para(item.text, align="center", size=12))
        elif item.table is not None and item.table.rows:
            s.add(TableBlock(item.table))
        elif item.text.strip():
            s.add(*item_paragraphs(item.text))
        else:
            s.add(para("—", align="left"))
    s.add(Gap(24),
          TwoSide((Run("Руководитель организации"),), (Run(f"____________ {clean(doc.head_name)}"),)),
          para("М.П.", align="left", before=6))
    return s


def build_fip_pdf(doc: FipApplicationDoc) -> bytes:
    return pdf.render(spec(doc))


def build_fip_docx(doc: FipApplicationDoc) -> bytes:
    return word.render(spec(doc))
