"""Removing who-made-this metadata from a copy of a document: the PDF document information and XMP,
the DOCX core and extended properties, custom properties and the authors of comments and tracked changes,
the text and EXIF of PNG and JPEG pictures.

Pure functions `bytes → bytes`: the stored file is never touched; blind review hands the expert a
scrubbed copy. A file that cannot be read is refused (MetadataNotRemovable), never passed on as it is.
"""
from __future__ import annotations

import io

from lxml import etree

from ...errors import DomainError

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_EXTENDED = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
# Extended properties (docProps/app.xml) that name a person or an organisation.
_APP_IDENTIFYING = ("Company", "Manager", "HyperlinkBase")
# Attributes of WordprocessingML elements naming the person who wrote a comment or made a change.
_AUTHOR_ATTRS = (f"{{{_W}}}author", f"{{{_W}}}initials")


class MetadataNotRemovable(DomainError):
    http_status = 422

    def __init__(self) -> None:
        super().__init__("Файл не удалось подготовить для слепой экспертизы (не читается как документ). "
                         "Обратитесь к сотрудникам ИРО.")


def strip_pdf(data: bytes) -> bytes:
    """The PDF without its /Info dictionary and XMP metadata (document, pages and images), rewritten
    whole so that earlier revisions of an incrementally updated file go too."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise MetadataNotRemovable()
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        writer.xmp_metadata = None
        for page in writer.pages:
            for key in ("/Metadata", "/PieceInfo"):
                if key in page:
                    del page[key]
            resources = page.get("/Resources")
            xobjects = resources.get_object().get("/XObject") if resources is not None else None
            for ref in (xobjects.get_object().values() if xobjects is not None else ()):
                xobject = ref.get_object()
                if "/Metadata" in xobject:
                    del xobject["/Metadata"]
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        out = io.BytesIO()
        writer.write(out)
    except MetadataNotRemovable:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise MetadataNotRemovable() from exc
    return out.getvalue()


def strip_docx(data: bytes) -> bytes:
    """The DOCX with blank core properties (author, last modified by, title, dates…), no company, manager
    or custom properties, and anonymous comments and tracked changes."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, etree.LxmlError, OSError) as exc:
        raise MetadataNotRemovable() from exc
    core = document.core_properties._element
    for child in list(core):
        core.remove(child)
    for part in document.part.package.iter_parts():
        name = str(part.partname)
        if name == "/docProps/app.xml":
            part._blob = _strip_app(part.blob)  # a plain Part in python-docx: its bytes are written back
        elif name == "/docProps/custom.xml":
            part._blob = _strip_custom(part.blob)
        elif name.startswith("/word/") and hasattr(part, "_element"):
            for el in part._element.iter():
                for attr in _AUTHOR_ATTRS:
                    if attr in el.attrib:
                        el.set(attr, "")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _parse(blob: bytes):
    return etree.fromstring(blob, parser=etree.XMLParser(resolve_entities=False, no_network=True))


def _strip_app(blob: bytes) -> bytes:
    root = _parse(blob)
    for local in _APP_IDENTIFYING:
        for el in root.findall(f"{{{_EXTENDED}}}{local}"):
            root.remove(el)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _strip_custom(blob: bytes) -> bytes:
    root = _parse(blob)
    for child in list(root):
        root.remove(child)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Text, EXIF and timestamp chunks: author, software, camera, place and time the picture was made.
_PNG_METADATA = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}
# JPEG segments with EXIF/XMP (APP1), Ducky (APP12), IPTC/Photoshop (APP13) and comments (COM).
_JPEG_METADATA = {0xE1, 0xEC, 0xED, 0xFE}


def strip_png(data: bytes) -> bytes:
    """The PNG without its text, EXIF and time chunks; the image itself is copied byte for byte."""
    if not data.startswith(_PNG_SIGNATURE):
        raise MetadataNotRemovable()
    out, pos = [_PNG_SIGNATURE], len(_PNG_SIGNATURE)
    while pos < len(data):
        if pos + 12 > len(data):
            raise MetadataNotRemovable()
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise MetadataNotRemovable()
        if kind not in _PNG_METADATA:
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            break
    return b"".join(out)


def strip_jpeg(data: bytes) -> bytes:
    """The JPEG without EXIF, XMP, IPTC and comment segments; the compressed image is copied as it is."""
    if not data.startswith(b"\xff\xd8"):
        raise MetadataNotRemovable()
    out, pos = [b"\xff\xd8"], 2
    while True:
        if pos + 4 > len(data) or data[pos] != 0xFF:
            raise MetadataNotRemovable()
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        end = pos + 2 + length
        if length < 2 or end > len(data):
            raise MetadataNotRemovable()
        if marker not in _JPEG_METADATA:
            out.append(data[pos:end])
        pos = end
        if marker == 0xDA:  # start of scan: the image data follows to the end
            out.append(data[pos:])
            return b"".join(out)


STRIPPERS = {PDF: strip_pdf, DOCX: strip_docx, "image/png": strip_png, "image/jpeg": strip_jpeg}


def strip_metadata(data: bytes, content_type: str) -> bytes:
    """A copy of the file without its metadata; kinds that carry none we know of come back unchanged."""
    strip = STRIPPERS.get(content_type)
    return strip(data) if strip else data
