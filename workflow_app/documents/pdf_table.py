"""PDF tables: `PagedTable`, a flowable drawn straight on the canvas and split page by page in linear
time, with the header row repeated, group rows spanning the width in bold, and rows taller than a page
continued on the next page line by line.

ReportLab's LongTable re-creates the whole remaining table at each page split (quadratic on 10,000
rows), and even a Table per page costs a cell style object and a text object per cell. Here every
row's lines and height are measured once up front (`build`); a split is two O(1) views of the same
rows; `draw` writes the page's lines into one text object and its rules as one path. The look is that
of a platypus Table: the same font, paddings, alignments, 0.5 pt black grid with round caps and joins,
header cells bold and centred, body cells top-aligned.
"""
from __future__ import annotations

import bisect

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from . import typeset
from .fonts import FAMILY, face
from .layout import CELL_PAD_PT, CELL_SLACK_PT, TableBlock, column_aligns, column_widths

LEADING = 1.15            # line height as a multiple of the font size (as pdf.LEADING)
CELL_PAD = CELL_PAD_PT
TOP_PAD, BOTTOM_PAD = 1.5, 3.0

# Row flags. A row taller than a page is cut into one row per line: OPEN_TOP/OPEN_BOTTOM mark the inner
# joints, where no rule is drawn (unless a page ends there) and no padding is added.
GROUP, OPEN_TOP, OPEN_BOTTOM = 1, 2, 4

Cell = tuple[typeset.Line, ...]


class PagedTable(Flowable):
    """The header is a list of cells, a body row a list of cells (each a tuple of (line, width) pairs
    already broken to its column), or for a group row a one-cell list spanning the whole width."""

    def __init__(self, header: list[Cell], rows: list[list[Cell]], flags: list[int], heights: list[float],
                 header_h: float, widths: list[float], aligns: list[str], size: float, frame_h: float,
                 start: int = 0, stop: int | None = None, prefix: list[float] | None = None):
        super().__init__()
        self.header, self.rows, self.flags, self.heights = header, rows, flags, heights
        self.header_h, self.widths, self.aligns, self.size = header_h, widths, aligns, size
        self.frame_h = frame_h
        self.start = start
        self.stop = len(rows) if stop is None else stop
        if prefix is None:
            prefix = [0.0]
            for h in heights:
                prefix.append(prefix[-1] + h)
        self.prefix = prefix

    def _view(self, start: int, stop: int) -> PagedTable:
        return PagedTable(self.header, self.rows, self.flags, self.heights, self.header_h, self.widths,
                          self.aligns, self.size, self.frame_h, start, stop, self.prefix)

    def _height(self, stop: int) -> float:
        return self.header_h + self.prefix[stop] - self.prefix[self.start]

    def wrap(self, aw, ah):
        self.width, self.height = sum(self.widths), self._height(self.stop)
        return self.width, self.height

    def split(self, aw, ah):
        budget = self.prefix[self.start] + ah - self.header_h
        stop = bisect.bisect_right(self.prefix, budget, lo=self.start, hi=self.stop + 1) - 1
        if stop <= self.start:
            if self.header_h + self.heights[self.start] <= self.frame_h:
                return []               # not even one row fits here: move to the next frame
            stop = self.start + 1       # only a header taller than a page gets here: never loop
        if stop >= self.stop:
            return [self._view(self.start, self.stop)]
        if self.flags[stop - 1] & GROUP and stop - 1 > self.start:
            stop -= 1                   # a group heading goes with its first row
        return [self._view(self.start, stop), self._view(stop, self.stop)]

    def draw(self):
        canv, size = self.canv, self.size
        leading = size * LEADING
        xs = [0.0]
        for w in self.widths:
            xs.append(xs[-1] + w)
        full = xs[-1]
        top = self.height
        canv.saveState()
        canv.setFillColor(colors.black)
        text = canv.beginText()
        # header: bold lines centred in their cells, the block centred vertically (as Table's VALIGN MIDDLE)
        text.setFont(face(bold=True), size, leading)
        y0 = top - self.header_h
        for cell, x, w in zip(self.header, xs, self.widths, strict=False):
            h = len(cell) * leading
            ly = y0 + (self.header_h + BOTTOM_PAD - TOP_PAD + h) / 2.0 - size
            for line, lw in cell:
                text.setTextOrigin(x + w / 2.0 - lw / 2.0, ly)
                text.textLine(line)
                ly -= leading
        # body: every line of the page in the same text object
        text.setFont(FAMILY, size, leading)
        rules = [top, y0]               # horizontal rules
        inner: list[tuple[float, float]] = []     # spans of inner vertical rules (not over group rows)
        span_top = top
        row_top = y0
        last = self.stop - 1
        for i in range(self.start, self.stop):
            flags = self.flags[i]
            y = row_top - (0.0 if flags & OPEN_TOP else TOP_PAD) - size
            if flags & GROUP:
                inner.append((span_top, row_top))
                text.setFont(face(bold=True), size, leading)
                for line, lw in self.rows[i][0]:
                    text.setTextOrigin(full / 2.0 - lw / 2.0, y)
                    text.textLine(line)
                    y -= leading
                text.setFont(FAMILY, size, leading)
            else:
                for cell, x, w, align in zip(self.rows[i], xs, self.widths, self.aligns, strict=False):
                    ly = y
                    for line, lw in cell:
                        if line:
                            if align == "CENTER":
                                lx = x + w / 2.0 - lw / 2.0
                            elif align == "RIGHT":
                                lx = x + w - CELL_PAD - lw
                            else:
                                lx = x + CELL_PAD
                            text.setTextOrigin(lx, ly)
                            text.textLine(line)   # no width bookkeeping, unlike textOut
                        ly -= leading
            row_top -= self.heights[i]
            if flags & GROUP:
                span_top = row_top
            if not flags & OPEN_BOTTOM or i == last:
                rules.append(row_top)
        inner.append((span_top, row_top))
        canv.drawText(text)
        # grid: drawn over the cells, as Table does
        canv.setStrokeColor(colors.black)
        canv.setLineWidth(0.5)
        canv.setLineCap(1)
        canv.setLineJoin(1)
        bottom = row_top
        lines = [(0.0, y, full, y) for y in rules]
        lines += [(0.0, bottom, 0.0, top), (full, bottom, full, top)]
        lines += [(x, lo, x, hi) for hi, lo in inner if hi > lo for x in xs[1:-1]]
        canv.lines(lines)
        canv.restoreState()


def _group_text(row: tuple[str, ...]) -> str:
    """A group row's text is its first cell; text left in other cells is kept, not dropped."""
    return " ".join(c for c in row if c.strip())


def build(b: TableBlock, width_mm: float, frame_h: float) -> list:
    """The flowables of one table: widths, lines and heights measured once; `frame_h` is the height
    of a page's frame, so a taller row is cut into lines that can continue on the next page."""
    tbl = b.table
    widths = [w * mm for w in column_widths(tbl, width_mm, b.size)]
    aligns = [a.upper() if a != "justify" else "LEFT" for a in column_aligns(tbl)]
    n = len(tbl.headers)
    size = b.size
    leading = size * LEADING
    pads = TOP_PAD + BOTTOM_PAD
    fits = [w - 2 * CELL_PAD - CELL_SLACK_PT for w in widths]
    full_fit = sum(widths) - 2 * CELL_PAD - CELL_SLACK_PT
    wrap, bold = typeset.wrap, face(bold=True)
    header = [wrap(h, w - 2 * CELL_PAD, bold, size) for h, w in zip(tbl.headers, widths, strict=True)]
    header_h = max(len(c) for c in header) * leading + pads
    limit = frame_h - header_h
    kinds = tbl.row_kinds or ()
    rows: list[list[Cell]] = []
    flags: list[int] = []
    heights: list[float] = []
    for r, row in enumerate(tbl.rows):
        if r < len(kinds) and kinds[r] == "group":
            cells = [wrap(_group_text(row), full_fit, bold, size)]
            kind = GROUP
        else:
            cells = [wrap(row[i] if i < len(row) else "", fits[i], FAMILY, size) for i in range(n)]
            kind = 0
        count = max(len(c) for c in cells)
        height = count * leading + pads
        if height <= limit:
            rows.append(cells)
            flags.append(kind)
            heights.append(height)
            continue
        # Taller than a page: one row per line, joined without rules, so a page can end between lines.
        for k in range(count):
            rows.append([c[k:k + 1] for c in cells])
            flags.append(kind | (OPEN_TOP if k else 0) | (OPEN_BOTTOM if k < count - 1 else 0))
            heights.append(leading + (TOP_PAD if k == 0 else 0) + (BOTTOM_PAD if k == count - 1 else 0))
    flow: list = [Spacer(1, b.before)] if b.before else []
    flow.append(PagedTable(header, rows, flags, heights, header_h, widths, aligns, size, frame_h))
    return flow
