"""Orders (приказы) of the institute: the legally binding output (domain §3.2)."""
from __future__ import annotations

from . import pdf, word
from .layout import P, Run, Spec, TableBlock, TwoSide, body, clean, fmt_date, para, split_paragraphs
from .model import OrderDoc

ORDER_WORD = "П Р И К А З"
DECREE = "п р и к а з ы в а ю :"
BLANK_DATE = "____________"
BLANK_NUMBER = "_____"


def date_text(doc: OrderDoc) -> str:
    return fmt_date(doc.date, BLANK_DATE)


def number_text(doc: OrderDoc) -> str:
    return clean(doc.number) if doc.number else BLANK_NUMBER


def header_blocks(inst, heading: str) -> list:
    """Institution header shared by orders: ministry, full and short name, the document word."""
    return [
        para(inst.ministry_name, bold=True, align="center"),
        para(inst.full_name, align="center", before=6),
        para(f"({inst.short_name})", align="center"),
        para(heading, bold=True, align="center", size=16, before=18, after=12),
    ]


def spec(doc: OrderDoc) -> Spec:
    inst = doc.institution
    s = Spec(title=f"Приказ {number_text(doc)} от {date_text(doc)}. {clean(doc.title)}",
             author=clean(inst.short_name), subject=clean(doc.title), draft=doc.draft,
             stamp_date=doc.date)
    s.add(*header_blocks(inst, ORDER_WORD))
    s.add(TwoSide((Run(f"от {date_text(doc)}"),), (Run(f"№ {number_text(doc)}"),)))
    s.add(para(inst.city, align="center", size=12, before=6, after=18))
    s.add(para(doc.title, bold=True, align="center", after=18))

    preamble = split_paragraphs(doc.preamble)
    for text in preamble[:-1]:
        s.add(para(text, indent=True))
    last = (preamble[-1] + " ") if preamble else ""
    s.add(P((Run(last), Run(DECREE)), indent=True))

    for i, item in enumerate(doc.items, start=1):
        s.add(para(f"{i}. {clean(item.text).strip()}", indent=True))
        for j, sub in enumerate(item.subitems, start=1):
            s.add(para(f"{i}.{j}. {clean(sub).strip()}", indent=True))
    s.add(signature(doc.signatory, before=42))

    for n, annex in enumerate(doc.annexes, start=1):
        s.add(*annex_header(doc, n, annex.approved_word))
        s.add(para(annex.title, bold=True, align="center", before=18, after=12))
        s.add(*body(annex.text))
        if annex.table is not None:
            s.add(TableBlock(annex.table, before=6 if annex.text else 0))
    return s


def signature(signatory, before: float = 36) -> TwoSide:
    return TwoSide((Run(clean(signatory.position)),), (Run(clean(signatory.name)),), before=before)


def annex_header(doc: OrderDoc, n: int, approved_word: str) -> list[P]:
    """«Приложение № N / УТВЕРЖДЕН / приказом ректора <short name> / от <date> № <number>»."""
    left = 95.0
    lines = [f"Приложение № {n}", approved_word,
             f"{doc.annex_approved_by} {doc.institution.short_name}",
             f"от {date_text(doc)} № {number_text(doc)}"]
    blocks = [para(line, align="left", left_mm=left) for line in lines]
    blocks[0] = P(blocks[0].runs, align="left", left_mm=left, page_break=True)
    blocks[1] = P((Run(clean(approved_word)),), align="left", left_mm=left, before=6)
    return blocks


def build_order_pdf(doc: OrderDoc) -> bytes:
    return pdf.render(spec(doc))


def build_order_docx(doc: OrderDoc) -> bytes:
    return word.render(spec(doc))


__all__ = ["build_order_pdf", "build_order_docx", "spec"]
