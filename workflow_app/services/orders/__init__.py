"""Orders: drafting from data, approval visas, signing with a registry number, frozen files, effects.

Signing happens in one transaction: the number is taken from the year's counter (a row lock on
PostgreSQL, the database lock on SQLite), the PDF and DOCX are generated and stored with SHA-256, and
the order's effects are applied. If anything fails, none of it happened, and the number is not used.

Modules: drafting (document model, prefill, editing), approval (visa rounds), signing (number, frozen
files, effects, immutability of signed orders), kinds (each kind's prefill and effects), panels.
"""
from __future__ import annotations

from .approval import (
    ask_for_signature,
    close_order_requests,
    decide_visa,
    guard_ready,
    open_visa_round,
    pending_visa,
)
from .drafting import (
    DOCX,
    FINAL,
    PDF,
    control_clause,
    create_draft,
    default_signatory,
    document_bytes,
    file_name,
    items_text,
    parse_items,
    parse_table,
    prefill,
    render,
    signatory_problem,
    signature_block,
    signature_of,
    table_text,
    to_doc,
    update_draft,
)
from .signing import attach_scan, effect, guard_signatory, next_number, number_and_freeze, sign

__all__ = [
    "DOCX", "FINAL", "PDF", "ask_for_signature", "attach_scan", "close_order_requests", "control_clause",
    "create_draft", "decide_visa", "default_signatory", "document_bytes", "effect", "file_name", "guard_ready",
    "guard_signatory", "items_text", "next_number", "number_and_freeze", "open_visa_round", "parse_items",
    "parse_table", "pending_visa", "prefill", "render", "sign", "signatory_problem", "signature_block",
    "signature_of", "table_text", "to_doc", "update_draft",
]

from . import kinds as order_kinds  # noqa: E402,F401  (registers every kind's prefill and effects)
