"""A small neutral layout model shared by the PDF and DOCX renderers.

Each document kind describes itself once as a `Spec` (a list of blocks); `pdf.render` and
`word.render` turn the same spec into bytes, so both formats carry the same content in the same
order. All text in blocks is plain user text: the renderers escape it.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from .. import formatting
from ..formatting import EMPTY
from .fonts import text_width_pt
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


def column_widths(table: Table, total_mm: float, size: float = TABLE_PT) -> list[float]:
    """Explicit or content-derived widths, fitted to the text width and widened so that no
    header word has to be broken (a «Муниципально-е» header looks broken)."""
    n = len(table.headers)
    if table.col_widths_mm and len(table.col_widths_mm) == n:
        widths = list(table.col_widths_mm)
    else:
        widths = _guess_widths(table, total_mm)
    s = sum(widths)
    if s > total_mm:
        widths = [w * total_mm / s for w in widths]
    need = [max((text_width_pt(w, size, bold=True) for w in h.split()), default=0)
            / PT_PER_MM + (2 * CELL_PAD_PT + 1.5) / PT_PER_MM for h in table.headers]
    for i in range(n):
        short = need[i] - widths[i]
        if short <= 0:
            continue
        # Take the missing width from the column with the most slack.
        donor = max(range(n), key=lambda j: widths[j] - need[j])
        give = min(short, max(widths[donor] - need[donor], 0))
        if donor != i and give > 0:
            widths[i] += give
            widths[donor] -= give
    return widths


def two_side_left_frac(right_text: str, size: float, width_mm: float) -> float:
    """Width share of the left part of a TwoSide line so the right part stays on one line."""
    right_mm = text_width_pt(right_text, size) / PT_PER_MM + 2
    return min(max(1 - right_mm / width_mm, 0.3), 0.7)


def _guess_widths(table: Table, total_mm: float) -> list[float]:
    sample = table.rows[:200]
    weights = []
    for i, h in enumerate(table.headers):
        longest_word = max((len(w) for w in h.split()), default=1)
        lengths = [len(r[i]) for r in sample if i < len(r)]
        avg = sum(lengths) / len(lengths) if lengths else len(h)
        weights.append(max(min(avg, 60.0), longest_word * 0.9, 2.5))
    s = sum(weights)
    widths = [max(w / s * total_mm, 9.0) for w in weights]
    k = total_mm / sum(widths)
    return [w * k for w in widths]


_NUMERIC = re.compile(r"^[\s№\d.,:%+\-–—/]*$")


def column_aligns(table: Table) -> list[str]:
    if table.align and len(table.align) == len(table.headers):
        return list(table.align)
    out = []
    for i, h in enumerate(table.headers):
        vals = [r[i] for r in table.rows[:200] if i < len(r) and r[i]]
        numeric = bool(vals) and all(_NUMERIC.match(v) for v in vals)
        out.append("center" if numeric or h.strip() in ("№", "№ п/п") else "left")
    return out
