"""What tests do besides building data: sign in and post forms like a browser (real form, CSRF), make
sample upload files, and read generated PDF/DOCX back. Data builders live in tests/factories.py."""
from __future__ import annotations

import io
import re
import struct
import zlib

import docx
import pypdf
from docx import Document
from docx.oxml.ns import qn
from reportlab.pdfgen import canvas
from werkzeug.datastructures import FileStorage

from .factories import PASSWORD

# --- the browser's side: forms and CSRF -------------------------------------------------------------------

_CSRF = re.compile(r'name="csrf_token"[^>]*? value="([^"]+)"')


def csrf_token(client, url: str) -> str:
    page = client.get(url)
    m = _CSRF.search(page.get_data(as_text=True))
    assert m, f"no CSRF token on {url}"
    return m.group(1)


def login(client, email: str, password: str = PASSWORD, remember: bool = False):
    token = csrf_token(client, "/login")
    data = {"csrf_token": token, "email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


def post_form(client, url: str, data: dict, form_url: str | None = None, **kw):
    """POST like a browser: take the CSRF token from the page that shows the form."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={"csrf_token": token, **data}, **kw)


# --- sample files for uploads (real documents made by the libraries that read them) -----------------------

def pdf_bytes(text: str = "Положение о конкурсе") -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, text.encode("ascii", "ignore").decode() or "Regulation")
    c.save()
    return buf.getvalue()


def docx_bytes(text: str = "Положение") -> bytes:
    buf = io.BytesIO()
    d = Document()
    d.add_paragraph(text)
    d.save(buf)
    return buf.getvalue()


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"\x00\xff\x00\x00"  # one red pixel, filter byte 0
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run in DOS mode"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


# --- reading generated PDF/DOCX back ----------------------------------------------------------------------

def norm(text: str) -> str:
    """Whitespace-insensitive text (line breaks depend on wrapping)."""
    return " ".join(text.split())


def pdf_pages(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [norm(p.extract_text()) for p in reader.pages]


def pdf_text(data: bytes) -> str:
    return " ".join(pdf_pages(data))


def assert_in_order(text: str, parts: list[str]) -> None:
    """Each part occurs in `text`, each after the previous one."""
    pos = 0
    for part in parts:
        part = norm(part)
        found = text.find(part, pos)
        assert found >= 0, f"{part!r} not found after position {pos}: …{text[pos:pos + 300]!r}"
        pos = found + len(part)


def docx_open(data: bytes):
    return docx.Document(io.BytesIO(data))


def _el_text(el) -> str:
    parts = []
    for run in el.iter(qn("w:r")):   # w:tab also names tab-stop definitions outside runs
        for node in run:
            if node.tag == qn("w:t"):
                parts.append(node.text or "")
            elif node.tag == qn("w:tab"):
                parts.append("\t")
            elif node.tag == qn("w:br"):
                parts.append("\n")
    return "".join(parts)


def docx_blocks(data: bytes) -> list[str]:
    """Body content in document order: paragraphs' text, a table as '[table] cell | cell …'."""
    d = docx_open(data)
    out = []
    for el in d.element.body.iterchildren():
        if el.tag == qn("w:p"):
            out.append(_el_text(el))
        elif el.tag == qn("w:tbl"):
            cells = []
            for tr in el.iter(qn("w:tr")):
                for tc in tr.iter(qn("w:tc")):
                    cells.append(_el_text(tc))
            out.append("[table] " + " | ".join(cells))
    return out


def docx_text(data: bytes) -> str:
    """All body text in order, table cells separated by spaces like the PDF's extraction."""
    blocks = (b.removeprefix("[table] ").replace(" | ", " ") for b in docx_blocks(data))
    return norm(" ".join(blocks))


def pdf_fonts(data: bytes) -> dict[str, bool]:
    """BaseFont name → whether the font program is embedded (FontFile2 in its descriptor)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    fonts = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            desc = font.get("/FontDescriptor")
            embedded = desc is not None and "/FontFile2" in desc.get_object()
            fonts[str(font["/BaseFont"])] = embedded
    return fonts


def pdf_top_texts(data: bytes, band_mm: float = 20.0) -> list[list[str]]:
    """Per page, the texts drawn in the top margin band (where page numbers go)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    out = []
    for page in reader.pages:
        height = float(page.mediabox.height)
        found: list[str] = []

        def visit(text, cm, tm, font, size, found=found, height=height):
            y = cm[5] + tm[5] * cm[3] if cm else tm[5]
            if text.strip() and y > height - band_mm * 72 / 25.4:
                found.append(text.strip())

        page.extract_text(visitor_text=visit)
        out.append(found)
    return out
