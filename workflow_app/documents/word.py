"""Render a layout `Spec` to DOCX with python-docx (editable: real paragraphs and tables).

Big tables are written by cloning one prepared row element with lxml instead of
`table.add_row()` per cell, which is orders of magnitude slower. Output is deterministic:
fixed core properties and fixed zip member timestamps.
"""
from __future__ import annotations

import copy
import datetime
import io
import zipfile

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .layout import (
    INDENT_MM,
    Columns,
    Gap,
    P,
    Picture,
    Run,
    Spec,
    TableBlock,
    TwoSide,
    column_aligns,
    column_widths,
)

FONT = "Times New Roman"      # LibreOffice maps it to the metric-compatible Liberation Serif
_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _set_fonts(rpr, size_pt: float | None = None) -> None:
    """Explicit font for every script slot (so Cyrillic does not fall back to a theme font)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    if size_pt is not None:
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr.append(el)
            el.set(qn("w:val"), str(int(round(size_pt * 2))))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for attr in list(lang.attrib):
        del lang.attrib[attr]
    lang.set(qn("w:val"), "ru-RU")
    lang.set(qn("w:eastAsia"), "ru-RU")
    lang.set(qn("w:bidi"), "ar-SA")


def _setup(doc, spec: Spec) -> None:
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    _set_fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), 14)
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    spacing.attrib.clear()
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    _set_fonts(normal.element.get_or_add_rPr(), 14)

    sec = doc.sections[0]
    pw, ph = spec.page_mm
    if spec.landscape:
        sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Mm(pw), Mm(ph)
    m = spec.margins
    sec.left_margin, sec.right_margin = Mm(m["left"]), Mm(m["right"])
    sec.top_margin, sec.bottom_margin = Mm(m["top"]), Mm(m["bottom"])
    sec.header_distance = Mm(10)
    sec.footer_distance = Mm(10)
    # Page number top centre from page 2: the first page has its own (empty) header.
    sec.different_first_page_header_footer = True
    sec.first_page_header.is_linked_to_previous = False     # an explicit, empty first header
    if spec.page_numbers:
        hp = sec.header.paragraphs[0]
        hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _page_field(hp)
    if spec.draft:
        for header in (sec.header, sec.first_page_header):
            mark = header.add_paragraph() if header.paragraphs[0].text or header.paragraphs[0].runs \
                else header.paragraphs[0]
            mark.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            r = mark.add_run("ПРОЕКТ")
            r.bold = True
            r.font.size = Pt(12)
            r.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
    if spec.border:
        _page_border(sec)

    core = doc.core_properties
    stamp = (datetime.datetime.combine(spec.stamp_date, datetime.time(), datetime.UTC)
             if spec.stamp_date else _EPOCH)
    core.title = spec.title
    core.author = spec.author
    core.subject = spec.subject
    core.last_modified_by = spec.author
    core.comments = ""
    core.keywords = ""
    core.category = ""
    core.language = "ru-RU"
    core.revision = 1
    core.created = stamp
    core.modified = stamp
    core.last_printed = stamp


def _page_field(paragraph) -> None:
    def run_with(child):
        r = paragraph.add_run()
        r.font.size = Pt(12)
        r._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = "2"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for el in (begin, instr, sep, shown, end):
        run_with(el)


def _page_border(section) -> None:
    borders = OxmlElement("w:pgBorders")
    borders.set(qn("w:offsetFrom"), "page")
    for side in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "double")
        el.set(qn("w:sz"), "12")
        el.set(qn("w:space"), "24")
        el.set(qn("w:color"), "26406F")
        borders.append(el)
    sectpr = section._sectPr
    # pgBorders must follow pgMar in CT_SectPr's sequence.
    anchor = sectpr.find(qn("w:pgMar"))
    anchor.addnext(borders)


# --------------------------------------------------------------------------- blocks


def _add_runs(paragraph, runs: tuple[Run, ...], size: float) -> None:
    for run in runs:
        lines = run.text.split("\n")
        for i, line in enumerate(lines):
            r = paragraph.add_run(line)
            r.bold = run.bold or None
            r.italic = run.italic or None
            r.font.size = Pt(size)
            if i < len(lines) - 1:
                r.add_break(WD_BREAK.LINE)


def _format(paragraph, align: str, before: float = 0, after: float = 0) -> None:
    pf = paragraph.paragraph_format
    paragraph.alignment = _ALIGN[align]
    if before:
        pf.space_before = Pt(before)
    if after:
        pf.space_after = Pt(after)


def _paragraph(doc, b: P, container=None) -> None:
    p = (container or doc).add_paragraph()
    _format(p, b.align, b.before, b.after)
    pf = p.paragraph_format
    if b.indent:
        pf.first_line_indent = Mm(INDENT_MM)
    if b.left_mm:
        pf.left_indent = Mm(b.left_mm)
    if b.keep_next:
        pf.keep_with_next = True
    if b.page_break:
        pf.page_break_before = True
    _add_runs(p, b.runs, b.size)


def _two_side(doc, b: TwoSide, width_mm: float) -> None:
    p = doc.add_paragraph()
    _format(p, "left", b.before, b.after)
    p.paragraph_format.tab_stops.add_tab_stop(Mm(width_mm), WD_TAB_ALIGNMENT.RIGHT)
    _add_runs(p, b.left, b.size)
    tab = p.add_run("\t")
    tab.font.size = Pt(b.size)
    _add_runs(p, b.right, b.size)


def _cell_text(tc, text: str, align: str, size: float, bold: bool = False) -> None:
    p = tc.find(qn("w:p"))
    ppr = p.get_or_add_pPr()
    jc = OxmlElement("w:jc")
    jc.set(qn("w:val"), {"justify": "both"}.get(align, align))
    ppr.append(jc)
    r = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    if bold:
        rpr.append(OxmlElement("w:b"))
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), str(int(round(size * 2))))
        rpr.append(el)
    r.append(rpr)
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    r.append(t)
    p.append(r)


def _fill(t, text: str) -> None:
    """Put `text` into a prepared w:t; newlines become w:br siblings in the same run."""
    if "\n" not in text:
        t.text = text
        return
    lines = text.split("\n")
    t.text = lines[0]
    anchor = t
    for line in lines[1:]:
        br = OxmlElement("w:br")
        nt = OxmlElement("w:t")
        nt.set(qn("xml:space"), "preserve")
        nt.text = line
        anchor.addnext(br)
        br.addnext(nt)
        anchor = nt


def _table(doc, b: TableBlock, width_mm: float) -> None:
    tbl_data = b.table
    n = len(tbl_data.headers)
    widths = column_widths(tbl_data, width_mm, b.size)
    aligns = column_aligns(tbl_data)
    if b.before:
        gap = doc.add_paragraph()
        gap.paragraph_format.space_before = Pt(b.before)
        gap.paragraph_format.line_spacing = Pt(1)
        gap.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    table = doc.add_table(rows=2, cols=n)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl = table._tbl
    tblpr = tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    tblw = tblpr.find(qn("w:tblW"))
    if tblw is None:
        tblw = OxmlElement("w:tblW")
        tblpr.append(tblw)
    tblw.set(qn("w:type"), "dxa")
    tblw.set(qn("w:w"), str(int(sum(widths) * 56.6929)))
    for gc, w in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=False):
        gc.set(qn("w:w"), str(int(w * 56.6929)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=False):
            cell.width = Mm(w)

    head_tr, proto_tr = tbl.tr_lst[0], tbl.tr_lst[1]
    trpr = head_tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:tblHeader"))     # repeat on every page
    for tc, h in zip(head_tr.tc_lst, tbl_data.headers, strict=False):
        _cell_text(tc, h, "center", b.size, bold=True)
        tcpr = tc.get_or_add_tcPr()
        va = OxmlElement("w:vAlign")
        va.set(qn("w:val"), "center")
        tcpr.append(va)
    for tc, a in zip(proto_tr.tc_lst, aligns, strict=False):
        _cell_text(tc, "", a, b.size)
    tbl.remove(proto_tr)

    group_tr = _group_row(proto_tr, n, sum(widths), b.size)
    kinds = tbl_data.row_kinds or ()
    deepcopy, append, t_tag = copy.deepcopy, tbl.append, qn("w:t")
    for i, row in enumerate(tbl_data.rows):
        if i < len(kinds) and kinds[i] == "group":
            tr = deepcopy(group_tr)
            _fill(next(tr.iter(t_tag)), " ".join(c for c in row if c.strip()))
        else:
            tr = deepcopy(proto_tr)
            for t, v in zip(tr.iter(t_tag), row, strict=False):
                _fill(t, v)
        append(tr)


def _group_row(proto_tr, n: int, width_mm: float, size: float):
    """A row of one cell merged over all `n` columns, bold and centred, kept with the next row and
    never split across pages. Its text is the group row's first cell (any other text joined to it)."""
    tr = copy.deepcopy(proto_tr)
    for tc in tr.tc_lst[1:]:
        tr.remove(tc)
    tc = tr.tc_lst[0]
    for child in list(tc):
        if child.tag == qn("w:p"):
            tc.remove(child)
    tcpr = tc.get_or_add_tcPr()
    tcpr.tcW.set(qn("w:w"), str(int(width_mm * 56.6929)))
    span = OxmlElement("w:gridSpan")
    span.set(qn("w:val"), str(n))
    tcpr.tcW.addnext(span)
    tc.append(OxmlElement("w:p"))
    _cell_text(tc, "", "center", size, bold=True)
    tc.find(qn("w:p")).get_or_add_pPr().insert(0, OxmlElement("w:keepNext"))
    tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    return tr


def _columns(doc, b: Columns, width_mm: float) -> None:
    # A borderless two-cell table ("Normal Table" style has no borders).
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    widths = (width_mm * b.left_frac, width_mm * (1 - b.left_frac))
    for gc, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=False):
        gc.set(qn("w:w"), str(int(w * 56.6929)))
    for cell, w, stack in zip(table.rows[0].cells, widths, (b.left, b.right), strict=False):
        cell.width = Mm(w)
        first = cell.paragraphs[0]
        for p in stack:
            _paragraph(doc, p, container=cell)
        if stack:   # drop the cell's initial empty paragraph (a cell needs at least one)
            first._p.getparent().remove(first._p)
    if b.after:
        _gap(doc, Gap(b.after))


def _gap(doc, b: Gap) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.line_spacing = Pt(max(b.pt, 1))
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY


def _deterministic_zip(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def render(spec: Spec) -> bytes:
    doc = Document()
    _setup(doc, spec)
    width_mm = spec.text_width_mm
    for b in spec.blocks:
        if isinstance(b, P):
            _paragraph(doc, b)
        elif isinstance(b, TwoSide):
            _two_side(doc, b, width_mm)
        elif isinstance(b, TableBlock):
            _table(doc, b, width_mm)
        elif isinstance(b, Columns):
            _columns(doc, b, width_mm)
        elif isinstance(b, Gap):
            _gap(doc, b)
        elif isinstance(b, Picture):
            doc.add_picture(io.BytesIO(b.data), width=Mm(b.size_mm()[0]))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:  # pragma: no cover
            raise TypeError(f"unknown block {b!r}")
    buf = io.BytesIO()
    doc.save(buf)
    return _deterministic_zip(buf.getvalue())
