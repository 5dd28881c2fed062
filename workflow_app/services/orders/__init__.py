"""Orders: drafting from data, approval visas, signing with a registry number, frozen files, effects.

Signing happens in one transaction: the number is taken from the year's counter (a row lock on
PostgreSQL, the database lock on SQLite), the PDF and DOCX are generated and stored with SHA-256, and
the order's effects are applied. If anything fails, none of it happened, and the number is not used.

Modules: drafting (document model, prefill), content (checking and saving a draft's content), annexes
(annexes as documents of their own), approval (visa rounds, going back to the draft), signing (number,
frozen files, effects, immutability of signed orders), external (orders issued outside the system),
order_json (the order as JSON), kinds (each kind's prefill and effects), queries (read side).
"""
from __future__ import annotations

from .approval import (
    ask_for_signature,
    close_order_requests,
    decide_visa,
    guard_ready,
    open_visa_round,
    pending_visa,
    reset_visas,
)
from .content import OrderInvalid, letterhead_of, update_content
from .drafting import (
    DOCX,
    FINAL,
    PDF,
    NoDocument,
    control_clause,
    create_draft,
    default_signatory,
    document_bytes,
    file_name,
    items_text,
    parse_items,
    prefill,
    render,
    signatory_problem,
    signature_block,
    signature_of,
    to_doc,
)
from .external import guard_registrable, register, register_external
from .order_json import order_from_json, order_to_json
from .signing import attach_scan, effect, guard_signatory, next_number, number_and_freeze, sign

__all__ = [
    "DOCX", "FINAL", "PDF", "ask_for_signature", "attach_scan", "close_order_requests", "control_clause",
    "create_draft", "decide_visa", "default_signatory", "document_bytes", "effect", "file_name", "guard_ready",
    "guard_signatory", "items_text", "letterhead_of", "next_number", "NoDocument", "number_and_freeze",
    "open_visa_round", "OrderInvalid", "parse_items", "pending_visa", "prefill", "render", "sign",
    "signatory_problem", "signature_block", "signature_of", "to_doc", "update_content", "guard_registrable",
    "register", "register_external", "reset_visas", "order_from_json", "order_to_json",
]

from . import kinds as order_kinds  # noqa: E402,F401  (registers every kind's prefill and effects)
