"""Report lifecycle: due → draft → submitted → accepted | returned (remarks, a new due date) → submitted
again …; owed reports past their due date become overdue (the scheduler's `mark_overdue`), and the
holder may still file them late (overdue → draft).
"""
from ..models.status_report import ReportStatus as S
from .base import Lifecycle, T

FILING = "workflow_app.services.reports.filing"
DEADLINES = "workflow_app.services.reports.deadlines"
REVIEW = "workflow_app.services.reports.review"

report_lifecycle = Lifecycle(
    "report", "Отчёт площадки", S, S.due,
    [
        T("start", "Начать заполнение", [S.due, S.overdue], S.draft),
        T("submit", "Представить отчёт", S.draft, S.submitted, guards=(f"{FILING}:guard_complete",),
          effects=(f"{FILING}:stamp_submitted", f"{DEADLINES}:handed_in")),
        T("resubmit", "Представить исправленный отчёт", S.returned, S.submitted,
          guards=(f"{FILING}:guard_complete",), effects=(f"{FILING}:stamp_submitted", f"{DEADLINES}:handed_in")),
        T("return_for_revision", "Вернуть на доработку", S.submitted, S.returned, needs_reason=True,
          guards=(f"{REVIEW}:guard_new_due_date",),
          effects=(f"{REVIEW}:record_return", f"{REVIEW}:notify_returned")),
        T("accept", "Принять отчёт", S.submitted, S.accepted, effects=(f"{REVIEW}:notify_accepted",)),
        T("mark_overdue", "Срок представления истёк", [S.due, S.draft, S.returned], S.overdue),
    ],
    object_type="status_report",
)
