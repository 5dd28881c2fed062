"""Document builders: pure functions from data to PDF/DOCX bytes."""
