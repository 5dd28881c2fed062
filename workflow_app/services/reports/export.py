"""A report as a document (PDF, DOCX) in the institute's layout: from the models to the builder's data."""
from __future__ import annotations

from ... import formatting
from ...documents.model import Table
from ...documents.reports import ReportDoc, ReportTable, build_report_docx, build_report_pdf
from ...models.status_report import StatusReport
from ...timeutil import local_date
from ..documents.data import institution_doc
from . import content as c
from .filing import form_content, is_final
from .review import requirement_checks


def _table(grid) -> Table:
    return Table(headers=tuple(grid.columns), rows=tuple(tuple(r) for r in grid.rows),
                 row_kinds=tuple(grid.row_kinds))


def report_doc(report: StatusReport) -> ReportDoc:
    data = form_content(report)
    award = report.award
    checks = requirement_checks(report)
    req_table = Table(
        headers=("Требование", "Минимум", "Указано в отчёте", "Оценка"),
        rows=tuple((r.name, f"{formatting.number(r.minimum)} {r.unit}".strip(),
                    formatting.number(r.stated) if r.stated is not None else "не указано", r.verdict)
                   for r in checks),
        align=("left", "center", "center", "left")) if checks else None
    share = data.get(c.TEACHERS) or ""
    return ReportDoc(
        institution=institution_doc(), title=report.title, status_label=award.status_type.label,
        organization=award.organization.full_name, municipality=award.organization.municipality.name,
        theme=award.theme, term=f"{award.term_from:%d.%m.%Y} – {award.term_to:%d.%m.%Y}",
        state=report.status.value, due_date=report.due_date, submitted=local_date(report.submitted_at),
        tables=tuple(ReportTable(spec.title, _table(c.grid_of(data, spec))) for spec in c.tables_for(is_final(report))),
        texts=tuple((title, data.get(key) or "") for key, title in c.TEXTS),
        teachers_trained=f"{share} %" if share else "", requirements=req_table, remarks=report.remarks,
        evidence_files=tuple(f.title for f in report.files))


def document_bytes(report: StatusReport, fmt: str) -> bytes:
    doc = report_doc(report)
    return build_report_pdf(doc) if fmt == "pdf" else build_report_docx(doc)


def file_name(report: StatusReport, fmt: str) -> str:
    org = report.award.organization.short_name
    kind = "Итоговый отчёт" if is_final(report) else "Отчёт"
    return f"{kind} {report.period_year} — {org}.{fmt}"
