"""The holder's side: the form's content (prefilled from the plan until first saved), saving a draft,
evidence files, submitting and resubmitting. Guards and effects of the report lifecycle live here too."""
from __future__ import annotations

from typing import Any

from ... import audit, policy
from ...errors import ConcurrentChange, PermissionDenied, TransitionNotAllowed, ValidationFailed
from ...extensions import db
from ...machines.base import FireContext, fire
from ...machines.status_report import report_lifecycle
from ...models.base import utcnow
from ...models.status_report import ReportKind, ReportStatus, StatusReport, StatusReportFile
from ..platform import files
from . import content as c
from . import plan

EVIDENCE_KINDS = files.DOCUMENTS | files.IMAGES
EVIDENCE_MAX_BYTES = 15 * files.MB
MAX_FILES = 30


def is_final(report: StatusReport) -> bool:
    return report.kind == ReportKind.final


def form_content(report: StatusReport) -> dict:
    """What the form shows: the saved content, or (never saved) the prefill from the holder's plan."""
    if report.content:
        return report.content
    return plan.prefill(report.award, report.period_year, is_final(report))


def _editable(actor: Any, report: StatusReport, expected_version: int | None) -> None:
    if not policy.can(actor, "report.edit", report):
        raise PermissionDenied("Этот отчёт сейчас нельзя изменять.")
    if expected_version is not None and report.version != expected_version:
        raise ConcurrentChange()


def save(actor: Any, report: StatusReport, data: dict, expected_version: int | None = None) -> StatusReport:
    """Save the holder's content (already parsed by `content.parse`); the first save of a due or
    overdue report starts it (→ draft)."""
    _editable(actor, report, expected_version)
    if report.status in (ReportStatus.due, ReportStatus.overdue):
        fire(report_lifecycle, report, "start", actor=actor)
    report.content = data
    db.session.flush()
    audit.record("report.saved", actor=actor, obj=report, payload={"state": report.status.name})
    return report


def submit(actor: Any, report: StatusReport, expected_version: int | None = None) -> StatusReport:
    """Submit a draft, or resubmit a returned report (the trigger follows the state)."""
    if expected_version is not None and report.version != expected_version:
        raise ConcurrentChange()
    trigger = "resubmit" if report.status == ReportStatus.returned else "submit"
    return fire(report_lifecycle, report, trigger, actor=actor)


def guard_complete(report: StatusReport, ctx: FireContext) -> str | None:
    gaps = c.missing(report.content or {}, is_final(report))
    if gaps:
        return "Отчёт не может быть представлен: " + "; ".join(gaps) + "."
    return None


def stamp_submitted(report: StatusReport, ctx: FireContext) -> None:
    report.submitted_at = utcnow()


def add_file(actor: Any, report: StatusReport, upload, title: str = "") -> StatusReportFile:
    """An evidence file, checked by its content (services/platform/files.py)."""
    _editable(actor, report, None)
    if len(report.files) >= MAX_FILES:
        raise ValidationFailed(f"К отчёту можно приложить не более {MAX_FILES} файлов.")
    stored = files.store_upload(upload, allowed=EVIDENCE_KINDS, max_bytes=EVIDENCE_MAX_BYTES, user=actor)
    att = StatusReportFile(report=report, file=stored, title=(title or "").strip()[:300] or stored.original_name)
    db.session.add(att)
    db.session.flush()
    audit.record("report.file_added", actor=actor, obj=report,
                 payload={"file": stored.original_name, "sha256": stored.sha256, "size": stored.size})
    return att


def remove_file(actor: Any, report: StatusReport, attachment_id: int) -> None:
    _editable(actor, report, None)
    att = next((a for a in report.files if a.id == attachment_id), None)
    if att is None:
        raise TransitionNotAllowed("Файл не найден в этом отчёте.")
    name = att.file.original_name
    report.files.remove(att)
    db.session.flush()
    audit.record("report.file_removed", actor=actor, obj=report, payload={"file": name})
