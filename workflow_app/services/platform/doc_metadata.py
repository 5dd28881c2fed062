"""Removing who-made-this metadata from a copy of a document: the PDF document information and XMP,
the DOCX core and extended properties, custom properties and the authors of comments and tracked changes.

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


STRIPPERS = {PDF: strip_pdf, DOCX: strip_docx}


def strip_metadata(data: bytes, content_type: str) -> bytes:
    """A copy of the file without its metadata; kinds that carry none we know of come back unchanged."""
    strip = STRIPPERS.get(content_type)
    return strip(data) if strip else data
