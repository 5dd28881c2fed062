"""Document builders: time to build big orders and rating sheets (best of a few runs)."""
from __future__ import annotations

import time

from workflow_app.documents import fonts, orders, samples, scoring


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
    return {
        "order_pdf_500_rows_seconds": _best(orders.build_order_pdf, order),     # target ≤ 2 s
        "order_docx_500_rows_seconds": _best(orders.build_order_docx, order),   # target ≤ 2 s
        "rating_pdf_10000_rows_seconds": _best(scoring.build_rating_sheet_pdf, rating, 1),
        "rating_docx_10000_rows_seconds": _best(scoring.build_rating_sheet_docx, rating, 1),
    }
