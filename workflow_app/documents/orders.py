"""Orders (приказы) of the institute: the legally binding output (domain §3.2)."""
from __future__ import annotations

from . import pdf, word
from .layout import P, Run, Spec, TableBlock, TwoSide, body, clean, fmt_date, para, split_paragraphs
from .model import OrderDoc

ORDER_WORD = "П Р И К А З"
DECREE = "п р и к а з ы в а ю :"
BLANK_DATE = "____________"
BLANK_NUMBER = "_____"
# Document metadata (DOCX core properties, the PDF info dictionary) holds at most 255 characters per
# value (python-docx refuses more); the document's own text is never shortened.
META_LIMIT = 255


def shorten(text: str, limit: int = META_LIMIT) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis when longer (for metadata and
    subjects of notices, never for the document itself)."""
    one_line = " ".join(clean(text).split())
    return one_line if len(one_line) <= limit else one_line[:limit - 1].rstrip() + "…"


def spaced(word: str) -> str:
    """«ПРИКАЗ» → «П Р И К А З»: the document word of a letterhead is printed letter-spaced."""
    word = clean(word).strip()
    return " ".join(word) if word and " " not in word else word


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
    kind = clean(doc.doc_kind).strip().capitalize() or "Приказ"
    s = Spec(title=shorten(f"{kind} № {number_text(doc)} от {date_text(doc)}. {doc.title}"),
             author=shorten(inst.short_name), subject=shorten(doc.title), draft=doc.draft,
             stamp_date=doc.date)
    s.add(*header_blocks(inst, spaced(doc.doc_kind) or ORDER_WORD))
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
        s.add(*annex_header(doc, n, annex))
        if annex.title.strip():
            s.add(para(annex.title, bold=True, align="center", before=18,
                       after=4 if annex.subtitle.strip() else 12))
        if annex.subtitle.strip():
            s.add(para(annex.subtitle, align="center", after=12))
        if annex.abbreviations:
            s.add(para("Принятые сокращения:", italic=True, align="left", before=6))
            s.add(*(para(a, align="left") for a in annex.abbreviations if a.strip()))
        s.add(*body(annex.text))
        if annex.table is not None:
            s.add(TableBlock(annex.table, before=6 if annex.text or annex.abbreviations else 0))
    return s


def signature(signatory, before: float = 36) -> TwoSide:
    return TwoSide((Run(clean(signatory.position)),), (Run(clean(signatory.name)),), before=before)


def default_heading(n: int, short_name: str, approved_word: str = "УТВЕРЖДЕН",
                    approved_by: str = "приказом ректора") -> list[str]:
    """The heading lines of annex `n` when its author wrote none: «Приложение № N / УТВЕРЖДЕН / приказом
    ректора / <short name>» (the «от … № …» line is not among them: it is always generated)."""
    return [f"Приложение № {n}", approved_word, approved_by, short_name]


def annex_header(doc: OrderDoc, n: int, annex) -> list[P]:
    """The annex's heading lines at the top right, then «от <date> № <number>» of the order."""
    left = 95.0
    lines = list(annex.heading_lines) or default_heading(n, doc.institution.short_name, annex.approved_word,
                                                         doc.annex_approved_by)
    lines.append(f"от {date_text(doc)} № {number_text(doc)}")
    blocks = [para(line, align="left", left_mm=left) for line in lines]
    blocks[0] = P(blocks[0].runs, align="left", left_mm=left, page_break=True)
    return blocks


def build_order_pdf(doc: OrderDoc) -> bytes:
    return pdf.render(spec(doc))


def build_order_docx(doc: OrderDoc) -> bytes:
    return word.render(spec(doc))


__all__ = ["build_order_pdf", "build_order_docx", "spec"]
