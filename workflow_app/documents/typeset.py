"""Line breaking of table cells: words are moved whole to the next line, and a word wider than its
column is hyphenated by Russian rules (pyphen's ru_RU dictionary) — never cut without a hyphen.

A word may break after a hyphen, a dash or a slash it already contains («Январь-|февраль»,
«2027–|2028», «…/|path») without adding a sign, and between syllables with an added «-». Only when
no such point fits (a column narrower than one syllable) is a word cut between letters, and that cut
is marked with «-» too. Break points and wrapped cells are cached: the same municipality or period
repeats on thousands of rows.
"""
from __future__ import annotations

import re
from functools import lru_cache

import pyphen
from reportlab.pdfbase.pdfmetrics import stringWidth

_RU = pyphen.Pyphen(lang="ru_RU", left=2, right=2)
_NATURAL = "-–—/"           # a line may end after these inside a word, with no sign added
_SEGMENT = re.compile(r"[^-–—/]+")

Line = tuple[str, float]    # a line's text and its width in points


@lru_cache(maxsize=65_536)
def break_points(word: str) -> tuple[tuple[int, bool], ...]:
    """Where `word` may end a line: (position, a hyphen is added), in increasing order."""
    points: dict[int, bool] = {}
    for m in _SEGMENT.finditer(word):
        seg = m.group()
        if any(c.isalpha() for c in seg):
            for p in _RU.positions(seg):
                points[m.start() + int(p)] = True
        end = m.end()
        if 0 < end < len(word):                      # after a hyphen, dash or slash inside the word
            points[end + 1] = False
    return tuple(sorted((p, h) for p, h in points.items() if 0 < p < len(word)))


def pieces(word: str) -> list[str]:
    """The word cut at every break point, each piece as printed (with its added hyphen)."""
    out, start = [], 0
    for p, hyphen in break_points(word):
        out.append(word[start:p] + ("-" if hyphen else ""))
        start = p
    out.append(word[start:])
    return out


def _head(word: str, start: int, avail: float, font: str, size: float) -> tuple[str, int] | None:
    """The longest piece word[start:p] (plus its hyphen) that fits `avail`, or None."""
    best = None
    for p, hyphen in break_points(word):
        if p <= start:
            continue
        head = word[start:p] + ("-" if hyphen else "")
        if stringWidth(head, font, size) > avail:
            break
        best = (head, p)
    return best


def _force(word: str, start: int, width: float, font: str, size: float) -> tuple[str, int]:
    """A column narrower than a syllable: cut between letters, marked with a hyphen (at least one
    letter per line, so the loop always advances)."""
    p = start + 1
    while p + 1 < len(word) and stringWidth(word[start:p + 1] + "-", font, size) <= width:
        p += 1
    head = word[start:p]
    return (head if head[-1] in _NATURAL else head + "-"), p


def _wrap_paragraph(text: str, width: float, font: str, size: float) -> list[Line]:
    lines: list[Line] = []
    space = stringWidth(" ", font, size)
    cur, cur_w = "", 0.0
    for word in text.split():
        ww = stringWidth(word, font, size)
        if not cur and ww <= width:
            cur, cur_w = word, ww
            continue
        if cur and cur_w + space + ww <= width:
            cur, cur_w = cur + " " + word, cur_w + space + ww
            continue
        if ww <= width:                          # fits a line of its own: moved whole
            lines.append((cur, cur_w))
            cur, cur_w = word, ww
            continue
        # Wider than the column: fill the current line with its first syllables, then go on.
        start = 0
        if cur:
            head = _head(word, 0, width - cur_w - space, font, size)
            if head:
                cur, start = cur + " " + head[0], head[1]
            lines.append((cur, stringWidth(cur, font, size)))
        while stringWidth(word[start:], font, size) > width:
            head = _head(word, start, width, font, size) or _force(word, start, width, font, size)
            lines.append((head[0], stringWidth(head[0], font, size)))
            start = head[1]
        cur = word[start:]
        cur_w = stringWidth(cur, font, size)
    lines.append((cur, cur_w))
    return lines


@lru_cache(maxsize=16_384)
def wrap(text: str, width: float, font: str, size: float) -> tuple[Line, ...]:
    """`text` broken into lines no wider than `width` points; its own line breaks are kept."""
    out: list[Line] = []
    for part in text.replace("\t", " ").split("\n"):       # a tab pasted from a spreadsheet: a space
        w = stringWidth(part, font, size)
        out.extend([(part, w)] if w <= width else _wrap_paragraph(part, width, font, size))
    return tuple(out)


def min_width(words: set[str], font: str, size: float) -> float:
    """The narrowest width at which every word fits, hyphenated where it may be: the widest piece."""
    best = 0.0
    for w, word in sorted(((stringWidth(w, font, size), w) for w in words), reverse=True):
        if w <= best:       # a piece is never wider than its word: nothing further can win
            break
        best = max(best, max(stringWidth(p, font, size) for p in pieces(word)))
    return best
