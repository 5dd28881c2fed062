"""Word-level difference of two texts: what a reader compares between review rounds."""
from __future__ import annotations

import difflib
import re

_TOKEN = re.compile(r"\S+|\n")


def tokens(text: str) -> list[str]:
    """Words (anything between spaces, punctuation attached) and line breaks."""
    return _TOKEN.findall(text or "")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """[(op, text)] with op ' ' (kept), '-' (removed), '+' (added); consecutive words of one op are
    joined by spaces, so a changed phrase reads as one piece."""
    a, b = tokens(old), tokens(new)
    out: list[tuple[str, str]] = []

    def add(op: str, words: list[str]) -> None:
        if words:
            out.append((op, " ".join(words).replace(" \n ", "\n")))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            add(" ", a[i1:i2])
        else:
            add("-", a[i1:i2])
            add("+", b[j1:j2])
    return out


def changed(parts: list[tuple[str, str]]) -> bool:
    return any(op != " " for op, _ in parts)
