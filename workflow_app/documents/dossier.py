"""The dossier of one frozen entry version as PDF: a pure builder, snapshot in, bytes out.

Sections come in the snapshot's order; rich text becomes paragraphs and lists, table sections become
tables. All user text is escaped before it reaches ReportLab's paragraph markup.
"""
from __future__ import annotations

import io
from html import escape
from html.parser import HTMLParser
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .fonts import register_fonts


def register_font() -> str:
    """The bundled Cyrillic serif family (documents/fonts), registered once; returns its name."""
    return register_fonts()


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=14, spaceAfter=4)
    return {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontSize=15, leading=19, alignment=TA_CENTER,
                                spaceAfter=8, fontName=font + "-Bold"),
        "meta": ParagraphStyle("meta", parent=base, fontSize=9.5, leading=12, textColor=colors.HexColor("#333")),
        "h": ParagraphStyle("h", parent=base, fontSize=12, leading=15, spaceBefore=10, spaceAfter=5,
                            fontName=font + "-Bold"),
        "li": ParagraphStyle("li", parent=base, leftIndent=14, bulletIndent=4, spaceAfter=2),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11, spaceAfter=0),
        "th": ParagraphStyle("th", parent=base, fontSize=9, leading=11, spaceAfter=0, fontName=font + "-Bold"),
        "empty": ParagraphStyle("empty", parent=base, textColor=colors.grey, fontName=font + "-Italic"),
    }


class _HtmlToBlocks(HTMLParser):
    """Our sanitised subset of HTML → [(kind, markup, bullet)], markup in ReportLab's paragraph dialect."""

    INLINE = {"b": "b", "strong": "b", "i": "i", "em": "i"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str, str]] = []
        self.buf: list[str] = []
        self.lists: list[list[Any]] = []  # stack of [kind, counter]
        self.open_inline: list[str] = []

    def _flush(self, kind: str = "p", bullet: str = ""):
        text = "".join(self.buf).strip()
        if text and text.replace("<br/>", "").strip():
            closing = "".join(f"</{t}>" for t in reversed(self.open_inline))
            self.blocks.append((kind, text + closing, bullet))
        self.buf = []
        if self.open_inline:  # carry open inline tags into the next block
            self.buf = [f"<{t}>" for t in self.open_inline]

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "ul", "ol", "li"):
            self._flush()
            if tag in ("ul", "ol"):
                self.lists.append([tag, 0])
        elif tag == "br":
            self.buf.append("<br/>")
        elif tag in self.INLINE:
            t = self.INLINE[tag]
            self.open_inline.append(t)
            self.buf.append(f"<{t}>")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith(("http://", "https://", "mailto:")):
                self.open_inline.append("link")
                self.buf.append(f'<link href="{escape(href, quote=True)}" color="blue">')

    def handle_endtag(self, tag):
        if tag == "li":
            lst: list[Any] = self.lists[-1] if self.lists else ["ul", 0]
            lst[1] += 1
            self._flush("li", "•" if lst[0] == "ul" else f"{lst[1]}.")
        elif tag == "p":
            self._flush()
        elif tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()
        elif tag in self.INLINE or tag == "a":
            t = "link" if tag == "a" else self.INLINE[tag]
            if t in self.open_inline:
                idx = len(self.open_inline) - 1 - self.open_inline[::-1].index(t)
                self.open_inline.pop(idx)
                self.buf.append(f"</{t}>")

    def handle_data(self, data):
        self.buf.append(escape(data, quote=False))

    def close(self):
        super().close()
        self.open_inline = []
        self._flush()


def html_blocks(html: str) -> list[tuple[str, str, str]]:
    parser = _HtmlToBlocks()
    parser.feed(html or "")
    parser.close()
    return parser.blocks


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text or "", quote=False), style)


def _table(columns: list[str], rows: list[list[str]], st: dict, width: float) -> Table:
    data = [[_p(c, st["th"]) for c in columns]]
    for row in rows:
        data.append([_p(row[i] if i < len(row) else "", st["cell"]) for i in range(len(columns))])
    t = Table(data, colWidths=[width / max(1, len(columns))] * len(columns), repeatRows=1)
    t.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf2")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]))
    return t


def build_dossier_pdf(content: dict, *, number: int, created: str, sha256: str) -> bytes:
    """content: an EntryVersion snapshot; number/created/sha256 describe the version in the footer."""
    font = register_font()
    st = _styles(font)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=20 * mm, rightMargin=15 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=content.get("title") or content.get("code", ""),
                            author=content.get("organization", ""))
    width = doc.width
    story: list = [
        _p(content.get("campaign", ""), st["meta"]),
        _p(content.get("title") or "Без темы", st["title"]),
    ]
    meta = [
        ("Регистрационный номер", content.get("code", "")),
        ("Организация", content.get("organization", "")),
        ("Муниципальное образование", content.get("municipality", "")),
        ("Направление", content.get("track", "")),
        ("Руководитель проекта", content.get("lead_name", "")),
        ("Версия", f"№ {number} от {created}"),
    ]
    mt = Table([[_p(k, st["th"]), _p(v, st["cell"])] for k, v in meta], colWidths=[width * 0.35, width * 0.65])
    mt.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc"))]))
    story += [mt, Spacer(1, 6)]

    story.append(_p("Команда проекта", st["h"]))
    team = content.get("team") or []
    if team:
        story.append(_table(["ФИО", "Должность", "Роль в проекте"],
                            [[m.get("name", ""), m.get("position", ""), m.get("role", "")] for m in team], st, width))
    else:
        story.append(_p("Не указана.", st["empty"]))

    for sec in content.get("sections", []):
        story.append(_p(sec.get("title", ""), st["h"]))
        if sec.get("kind") == "table":
            rows = sec.get("rows") or []
            story.append(_table(sec.get("columns") or [], rows, st, width) if rows
                         else _p("Раздел не заполнен.", st["empty"]))
            continue
        blocks = html_blocks(sec.get("html", ""))
        if not blocks:
            story.append(_p("Раздел не заполнен.", st["empty"]))
        for kind, markup, bullet in blocks:
            if kind == "li":
                story.append(Paragraph(markup, st["li"], bulletText=bullet))
            else:
                story.append(Paragraph(markup, st["body"]))

    attachments = content.get("attachments") or []
    if attachments:
        story.append(_p("Приложения", st["h"]))
        story.append(_table(["Название", "Файл", "SHA-256"],
                            [[a.get("title", ""), a.get("name", ""), a.get("sha256", "")[:16] + "…"]
                             for a in attachments], st, width))

    footer = f"{content.get('code', '')} · версия {number} · SHA-256 {sha256[:16]}…"

    def on_page(canvas, doc_):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawString(20 * mm, 10 * mm, footer)
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"стр. {doc_.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()
