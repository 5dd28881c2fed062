"""The dossier of one frozen entry version as PDF and DOCX: a pure builder, snapshot in, bytes out.

Laid out once as a `layout.Spec`, so the PDF and the (editable) DOCX carry the same content: the title
page, the team, every section under the form's heading in full (chapter headings once before their
first section), text as paragraphs with their line breaks, bold and italics, lists as items, and the
applicant's tables with their own columns, group rows and multi-line cells (`Table.row_kinds`).
"""
from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from . import pdf, word
from .layout import P, Run, Spec, TableBlock, clean, para
from .model import Table

BODY = 12.0
TABLE = 10.5
META_TITLE_MAX = 250     # document properties only (DOCX refuses a title over 255 characters)


class _Blocks(HTMLParser):
    """The stored subset of HTML (services/competition/richtext) → paragraphs of runs.

    Every <p> is a paragraph (an empty one too: the author's blank lines stay), <br> a line break,
    <b>/<strong> and <i>/<em> bold and italic runs, list items paragraphs with their marker; links
    print their text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paras: list[tuple[str, list[Run]]] = []
        self.runs: list[Run] | None = None
        self.kind = "p"
        self.bold = self.italic = 0
        self.lists: list[list[Any]] = []      # [tag, counter]

    def _open(self, kind: str, marker: str = ""):
        self._close()
        self.runs, self.kind = ([Run(marker)] if marker else []), kind

    def _close(self, keep_empty: bool = False):
        if self.runs and self.runs[-1].text == "\n":
            self.runs.pop()      # a closing <br> is the browser's placeholder, not a line (richtext)
        if self.runs is not None:
            text = "".join(r.text for r in self.runs)
            if keep_empty or text.strip():
                self.paras.append((self.kind, self.runs))
        self.runs, self.kind = None, "p"

    def handle_starttag(self, tag, attrs):
        if tag == "p":
            self._open("p")
        elif tag in ("ul", "ol"):
            self._close()
            self.lists.append([tag, 0])
        elif tag == "li":
            lst: list[Any] = self.lists[-1] if self.lists else ["ul", 0]
            lst[1] += 1
            self._open("li", "• " if lst[0] == "ul" else f"{lst[1]}. ")
        elif tag == "br":
            self._text("\n")
        elif tag in ("b", "strong"):
            self.bold += 1
        elif tag in ("i", "em"):
            self.italic += 1

    def handle_endtag(self, tag):
        if tag == "p":
            if self.runs is None:
                self.runs = []
            self._close(keep_empty=True)
        elif tag == "li":
            self._close()
        elif tag in ("ul", "ol") and self.lists:
            self._close()
            self.lists.pop()
        elif tag in ("b", "strong"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("i", "em"):
            self.italic = max(0, self.italic - 1)

    def handle_data(self, data):
        self._text(data)

    def _text(self, text: str):
        if self.runs is None:
            if not text.strip():
                return           # whitespace between blocks
            self.runs, self.kind = [], "p"
        self.runs.append(Run(clean(text), bool(self.bold), bool(self.italic)))

    def close(self):
        super().close()
        self._close()


def text_blocks(html: str) -> list[P]:
    """Stored section HTML → body paragraphs (justified, first-line indent, space after each)."""
    parser = _Blocks()
    parser.feed(html or "")
    parser.close()
    out = []
    for kind, runs in parser.paras:
        runs = runs or [Run("")]
        if kind == "li":
            out.append(P(tuple(runs), align="left", size=BODY, left_mm=6, after=2))
        else:
            out.append(P(tuple(runs), align="justify", size=BODY, indent=True, after=6))
    return out


def _heading(text: str, size: float = BODY, before: float = 12, keep_next: bool = False) -> P:
    # Only short blocks are kept with the next one: ReportLab moves a heading and a long first
    # paragraph together to the next page, leaving most of a page empty.
    return para(text, bold=True, align="left", size=size, before=before, after=6, keep_next=keep_next)


def _empty() -> P:
    return para("Раздел не заполнен.", italic=True, align="left", size=BODY, after=6)


def section_table(sec: dict) -> Table:
    columns = [clean(c) for c in sec.get("columns") or []] or ["Содержание"]
    rows = [tuple(clean(c) for c in (list(r) + [""] * (len(columns) - len(r)))[:len(columns)])
            for r in sec.get("rows") or []]
    kinds = list(sec.get("row_kinds") or [])
    kinds = (kinds + ["data"] * len(rows))[:len(rows)]
    return Table(headers=tuple(columns), rows=tuple(rows), row_kinds=tuple(kinds))


def spec(content: dict, *, number: int, created: str, sha256: str) -> Spec:
    """content: an EntryVersion snapshot; number/created/sha256 describe the version."""
    title = clean(content.get("title")) or "Без темы"
    meta_title = title if len(title) <= META_TITLE_MAX else title[:META_TITLE_MAX - 1] + "…"
    s = Spec(title=meta_title, author=clean(content.get("organization", "")),
             subject=clean(content.get("campaign", "")))
    s.add(para(content.get("campaign", ""), align="center", size=BODY, after=6))
    s.add(para(title, bold=True, align="center", size=14, after=12))
    for label, value in (("Регистрационный номер", content.get("code", "")),
                         ("Организация", content.get("organization", "")),
                         ("Муниципальное образование", content.get("municipality", "")),
                         ("Направление", content.get("track", "")),
                         ("Руководитель проекта", content.get("lead_name", "")),
                         ("Версия", f"№ {number} от {created}, SHA-256 {sha256}")):
        s.add(P((Run(f"{label}: ", bold=True), Run(clean(value))), align="left", size=BODY, after=2))

    s.add(_heading("Команда проекта"))
    team = content.get("team") or []
    if team:
        s.add(TableBlock(Table(headers=("ФИО", "Должность", "Роль в проекте"),
                               rows=tuple((clean(m.get("name")), clean(m.get("position")), clean(m.get("role")))
                                          for m in team)), size=TABLE))
    else:
        s.add(para("Не указана.", italic=True, align="left", size=BODY))

    chapter = ""
    for sec in content.get("sections", []):
        if sec.get("chapter") and sec["chapter"] != chapter:
            s.add(_heading(sec["chapter"], size=13, before=18, keep_next=True))
        chapter = sec.get("chapter") or ""
        s.add(_heading(sec.get("title", "")))
        if sec.get("kind") == "table":
            s.add(TableBlock(section_table(sec), size=TABLE) if sec.get("rows") else _empty())
            continue
        blocks = text_blocks(sec.get("html", ""))
        s.add(*(blocks or [_empty()]))

    attachments = content.get("attachments") or []
    if attachments:
        s.add(_heading("Приложения"))
        s.add(TableBlock(Table(headers=("Название", "Файл", "SHA-256"),
                               rows=tuple((clean(a.get("title")), clean(a.get("name")), a.get("sha256", "")[:16] + "…")
                                          for a in attachments)), size=TABLE))
    return s


def build_dossier_pdf(content: dict, *, number: int, created: str, sha256: str) -> bytes:
    return pdf.render(spec(content, number=number, created=created, sha256=sha256))


def build_dossier_docx(content: dict, *, number: int, created: str, sha256: str) -> bytes:
    return word.render(spec(content, number=number, created=created, sha256=sha256))


__all__ = ["build_dossier_docx", "build_dossier_pdf", "spec", "text_blocks"]
