"""A small neutral layout model shared by the PDF and DOCX renderers.

Each document kind describes itself once as a `Spec` (a list of blocks); `pdf.render` and
`word.render` turn the same spec into bytes, so both formats carry the same content in the same
order. All text in blocks is plain user text: the renderers escape it.
"""
from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field

from .. import formatting
from ..formatting import EMPTY
from . import typeset
from .fonts import face, register_fonts, text_width_pt
from .model import Number, Table

BODY_PT = 14.0
TABLE_PT = 12.0
INDENT_MM = 12.5          # first-line indent of body paragraphs (1.25 cm)
MARGINS_MM = dict(left=20.0, right=10.0, top=20.0, bottom=20.0)   # ГОСТ Р 7.0.97-2016
A4_MM = (210.0, 297.0)

# Characters XML (and so DOCX) cannot hold; ReportLab chokes on them too.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str | None) -> str:
    """User text as it will be printed: illegal control characters dropped, CRLF normalised."""
    if not text:
        return ""
    return _ILLEGAL.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs separated by blank lines; single newlines stay as line breaks."""
    parts = re.split(r"\n\s*\n", clean(text).strip())
    return [p.strip() for p in parts if p.strip()]


def fmt_date(d: datetime.date | None, blank: str = "____________") -> str:
    return d.strftime("%d.%m.%Y") if d else blank


def fmt_num(x: Number | None, places: int = 2) -> str:
    """Russian number format: 7 / 7,5 / 7,33; None → dash."""
    return formatting.points(x, places, EMPTY)


def fmt_fixed(x: Number | None, places: int = 2) -> str:
    """A column of scores to the same places: 89,00 / 87,50; None → dash."""
    return formatting.number(x, places, EMPTY)


def fmt_term(x: int | datetime.date) -> str:
    return str(x) if isinstance(x, int) else fmt_date(x)


# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class P:
    runs: tuple[Run, ...]
    align: str = "justify"        # left | center | right | justify
    size: float = BODY_PT
    indent: bool = False          # first-line indent
    left_mm: float = 0.0          # left indent of the whole paragraph
    before: float = 0.0           # space before, pt
    after: float = 0.0            # space after, pt
    keep_next: bool = False
    page_break: bool = False      # starts a new page


@dataclass(frozen=True)
class TwoSide:
    """One line: `left` flush left, `right` flush right (date/number line, signature block)."""

    left: tuple[Run, ...]
    right: tuple[Run, ...]
    size: float = BODY_PT
    before: float = 0.0
    after: float = 0.0


@dataclass(frozen=True)
class TableBlock:
    table: Table
    size: float = TABLE_PT
    before: float = 0.0


@dataclass(frozen=True)
class Columns:
    """Two side-by-side stacks of paragraphs without borders (letterhead | addressee)."""

    left: tuple[P, ...]
    right: tuple[P, ...]
    left_frac: float = 0.5
    after: float = 0.0


@dataclass(frozen=True)
class Gap:
    pt: float


@dataclass(frozen=True)
class Picture:
    """An image (PNG, JPEG or GIF bytes, checked on upload), centred, scaled down to fit the box."""

    data: bytes
    max_width_mm: float = 170.0
    max_height_mm: float = 120.0

    def size_mm(self) -> tuple[float, float]:
        from reportlab.lib.utils import ImageReader

        w, h = ImageReader(io.BytesIO(self.data)).getSize()
        scale = min(self.max_width_mm / w, self.max_height_mm / h)
        return w * scale, h * scale


@dataclass
class Spec:
    title: str                    # document metadata title
    author: str
    blocks: list = field(default_factory=list)
    subject: str = ""
    draft: bool = False
    landscape: bool = False
    border: bool = False          # decorative frame (certificates)
    page_numbers: bool = True     # top centre, from page 2
    stamp_date: datetime.date | None = None   # fixed metadata date (determinism)
    margins_mm: dict | None = None            # None: ГОСТ margins

    @property
    def margins(self) -> dict:
        return self.margins_mm or MARGINS_MM

    def add(self, *blocks) -> Spec:
        self.blocks.extend(blocks)
        return self

    @property
    def page_mm(self) -> tuple[float, float]:
        return (A4_MM[1], A4_MM[0]) if self.landscape else A4_MM

    @property
    def text_width_mm(self) -> float:
        return self.page_mm[0] - self.margins["left"] - self.margins["right"]


# --------------------------------------------------------------------------- helpers


def para(text: str, *, bold: bool = False, italic: bool = False, **kw) -> P:
    return P((Run(clean(text), bold, italic),), **kw)


def body(text: str, **kw) -> list[P]:
    """Justified body paragraphs with a first-line indent, one per blank-line separated part."""
    kw.setdefault("indent", True)
    return [para(p, **kw) for p in split_paragraphs(text)]


PT_PER_MM = 72 / 25.4
CELL_PAD_PT = 2.5         # left/right padding inside table cells
CELL_SLACK_PT = 1.0       # what the PDF keeps free in a cell besides the paddings
WIDTH_SAMPLE = 300        # rows measured for content-derived widths (the rest look alike)


def body_rows(table: Table) -> list[tuple[str, ...]]:
    """The rows that fill the columns (group rows span the width and are not a column's content)."""
    kinds = table.row_kinds or ()
    return [r for i, r in enumerate(table.rows) if i >= len(kinds) or kinds[i] != "group"]


def column_widths(table: Table, total_mm: float, size: float = TABLE_PT) -> list[float]:
    """Column widths in mm: the explicit ones (fitted to the text width), or derived from the content.
    Either way a header word is never broken (a «Муниципально-е» header looks broken)."""
    n = len(table.headers)
    pad = (2 * CELL_PAD_PT + CELL_SLACK_PT + 0.5) / PT_PER_MM     # 0.5 pt: no rounding breaks a fitting line
    head = [max((text_width_pt(w, size, bold=True) for w in h.split()), default=0) / PT_PER_MM + pad
            for h in table.headers]
    if not (table.col_widths_mm and len(table.col_widths_mm) == n):
        return _content_widths(table, total_mm, size, head, pad)
    widths = list(table.col_widths_mm)
    s = sum(widths)
    if s > total_mm:
        widths = [w * total_mm / s for w in widths]
    for i in range(n):
        short = head[i] - widths[i]
        if short <= 0:
            continue
        # Take the missing width from the column with the most slack.
        donor = max(range(n), key=lambda j: widths[j] - head[j])
        give = min(short, max(widths[donor] - head[donor], 0))
        if donor != i and give > 0:
            widths[i] += give
            widths[donor] -= give
    return widths


def _content_widths(table: Table, total_mm: float, size: float, head: list[float],
                    pad: float) -> list[float]:
    """Widths from what the columns hold, as a browser lays out an automatic table: each column gets
    at least its `hard` width (the widest syllable or unbreakable token: a date, a number, «1.10.»),
    then its `soft` width (its widest whole word) if all fit, and the rest goes to the columns whose
    text is longest — short columns first get their whole line, so a «Январь–февраль 2027» or
    «01.09.2027» column is not squeezed while a text column is wide."""
    register_fonts()
    n = len(table.headers)
    rows = body_rows(table)[:WIDTH_SAMPLE]
    words: list[set[str]] = []
    soft, natural = [], []
    for i in range(n):
        cells = [r[i] for r in rows if i < len(r) and r[i]]
        words.append({w for c in cells for w in c.split()})
        widest = max((text_width_pt(w, size) for w in words[i]), default=0.0) / PT_PER_MM + pad
        line = max((text_width_pt(ln, size) for c in cells for ln in c.split("\n")),
                   default=0.0) / PT_PER_MM + pad
        soft.append(max(widest, head[i]))
        natural.append(max(line, soft[i]))
    if sum(natural) <= total_mm:
        return _share(natural, [max(x, 1e-6) for x in natural], total_mm - sum(natural))
    if sum(soft) <= total_mm:
        return _fill(soft, natural, total_mm)
    # Whole words do not fit side by side: some get hyphenated (syllables are measured only now),
    # header words last.
    body = [typeset.min_width(words[i], face(), size) / PT_PER_MM + pad for i in range(n)]
    hard = [max(b, h) for b, h in zip(body, head, strict=True)]
    if sum(hard) <= total_mm:
        return _share(hard, [s - h for s, h in zip(soft, hard, strict=True)], total_mm - sum(hard))
    least = [max(b, typeset.min_width(set(h.split()), face(bold=True), size) / PT_PER_MM + pad)
             for b, h in zip(body, table.headers, strict=True)]
    if sum(least) <= total_mm:
        return _share(least, [s - m for s, m in zip(soft, least, strict=True)], total_mm - sum(least))
    return [m * total_mm / sum(least) for m in least]


def _share(base: list[float], weights: list[float], extra: float) -> list[float]:
    total = sum(weights)
    if total <= 0:
        return [b + extra / len(base) for b in base]
    return [b + extra * w / total for b, w in zip(base, weights, strict=True)]


def _fill(base: list[float], want: list[float], total_mm: float) -> list[float]:
    """From `base` towards `want`: a column whose demand is within a fair share of what is left gets
    it whole (smallest demands first); the others share the rest by demand."""
    widths = list(base)
    extra = total_mm - sum(base)
    open_ = sorted(range(len(base)), key=lambda i: want[i] - base[i])
    while open_:
        i = open_[0]
        demand = want[i] - base[i]
        if demand > extra / len(open_):
            break
        widths[i] = want[i]
        extra -= demand
        open_.pop(0)
    if open_:
        demands = {i: want[i] - base[i] for i in open_}
        total = sum(demands.values())
        for i in open_:
            widths[i] += extra * demands[i] / total
    return widths


def two_side_left_frac(right_text: str, size: float, width_mm: float) -> float:
    """Width share of the left part of a TwoSide line so the right part stays on one line."""
    right_mm = text_width_pt(right_text, size) / PT_PER_MM + 2
    return min(max(1 - right_mm / width_mm, 0.3), 0.7)


_NUMERIC = re.compile(r"^[\s№\d.,:%+\-–—/]*$")


def column_aligns(table: Table) -> list[str]:
    if table.align and len(table.align) == len(table.headers):
        return list(table.align)
    out = []
    for i, h in enumerate(table.headers):
        vals = [r[i] for r in body_rows(table)[:WIDTH_SAMPLE] if i < len(r) and r[i]]
        numeric = bool(vals) and all(_NUMERIC.match(v) for v in vals)
        out.append("center" if numeric or h.strip() in ("№", "№ п/п") else "left")
    return out
