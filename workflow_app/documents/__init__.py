"""Document builders: pure functions from data to PDF/DOCX bytes (no DB, no request).

Data classes: `model.py`. Builders (each `build_<kind>_pdf(doc) -> bytes` and `..._docx`):
`orders`, `scoring` (score sheet, rating sheet), `protocols`, `certificates`, `letters`,
`registry`. `render.build(doc, "pdf"|"docx")` dispatches on the data class. Every kind is laid
out once as blocks (`layout.py`) and rendered by `pdf.py` (ReportLab) and `word.py`
(python-docx), so both formats carry the same content in the same order.
"""
