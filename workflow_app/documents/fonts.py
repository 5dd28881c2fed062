"""The bundled serif family (Liberation Serif, SIL OFL): registration and text measuring.

Only the TTF files in `documents/fonts/` are used, never system fonts, so output is the same
on every machine.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "LiberationSerif"
_FACES = {
    FAMILY: "LiberationSerif-Regular.ttf",
    FAMILY + "-Bold": "LiberationSerif-Bold.ttf",
    FAMILY + "-Italic": "LiberationSerif-Italic.ttf",
    FAMILY + "-BoldItalic": "LiberationSerif-BoldItalic.ttf",
}


@lru_cache(maxsize=1)
def register_fonts() -> str:
    """Register the family with ReportLab once per process; returns the family name."""
    for name, fname in _FACES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / fname)))
    pdfmetrics.registerFontFamily(FAMILY, normal=FAMILY, bold=FAMILY + "-Bold",
                                  italic=FAMILY + "-Italic", boldItalic=FAMILY + "-BoldItalic")
    return FAMILY


def face(bold: bool = False, italic: bool = False) -> str:
    suffix = ("Bold" if bold else "") + ("Italic" if italic else "")
    return FAMILY + (f"-{suffix}" if suffix else "")


def text_width_pt(text: str, size: float, bold: bool = False) -> float:
    register_fonts()
    return pdfmetrics.stringWidth(text, face(bold), size)
