"""Document builders alone (no database): big orders and one 10,000-row rating sheet, best of a few runs.

- order_pdf_500_rows_seconds / order_docx_500_rows_seconds — a results order with a 500-row annex
  (targets ≤ 2 s each);
- rating_pdf_10000_rows_seconds / rating_docx_10000_rows_seconds — one rating sheet with 10,000 rows
  of long entry labels (organisation, municipality, theme) in a single table. The whole pipeline for the
  10,000-entry campaign (query + build + HTTP) is `rating_sheet_10k_seconds` in bench.competition.
"""
from __future__ import annotations

import time

from workflow_app.documents import fonts, orders, samples, scoring

from . import with_targets

TARGETS = {"order_pdf_500_rows_seconds": 2.0, "order_docx_500_rows_seconds": 2.0,
           "rating_pdf_10000_rows_seconds": 10.0}


def _best(fn, arg, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn(arg)
        best = min(best, time.perf_counter() - t)
    return best


def run() -> dict[str, float]:
    fonts.register_fonts()      # one-off per process; not part of a build
    order = samples.results_order(500)
    rating = samples.rating_sheet(10_000, experts=3)
    return with_targets({
        "order_pdf_500_rows_seconds": _best(orders.build_order_pdf, order),
        "order_docx_500_rows_seconds": _best(orders.build_order_docx, order),
        "rating_pdf_10000_rows_seconds": _best(scoring.build_rating_sheet_pdf, rating, 1),
        "rating_docx_10000_rows_seconds": _best(scoring.build_rating_sheet_docx, rating, 1),
    }, TARGETS)
