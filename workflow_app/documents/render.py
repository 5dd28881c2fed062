"""Dispatch from a document's data class to its PDF/DOCX builder."""
from __future__ import annotations

from collections.abc import Callable

from . import certificates, letters, orders, protocols, registry, scoring
from .model import CertificateDoc, LetterDoc, OrderDoc, ProtocolDoc, RatingSheetDoc, RegistryExtractDoc, ScoreSheetDoc

KINDS: dict[type, tuple[Callable[..., bytes], Callable[..., bytes]]] = {
    OrderDoc: (orders.build_order_pdf, orders.build_order_docx),
    ScoreSheetDoc: (scoring.build_score_sheet_pdf, scoring.build_score_sheet_docx),
    RatingSheetDoc: (scoring.build_rating_sheet_pdf, scoring.build_rating_sheet_docx),
    ProtocolDoc: (protocols.build_protocol_pdf, protocols.build_protocol_docx),
    CertificateDoc: (certificates.build_certificate_pdf, certificates.build_certificate_docx),
    LetterDoc: (letters.build_letter_pdf, letters.build_letter_docx),
    RegistryExtractDoc: (registry.build_registry_extract_pdf,
                         registry.build_registry_extract_docx),
}


def build(doc, fmt: str) -> bytes:
    """`fmt` is "pdf" or "docx"."""
    pdf_fn, docx_fn = KINDS[type(doc)]
    return {"pdf": pdf_fn, "docx": docx_fn}[fmt](doc)
