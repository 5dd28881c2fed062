"""Application for a network status (КРЦ/РЦОО, ЛСВ): draft → submitted → returned ↔ resubmitted →
under_review (accepted for the методический совет) → council_approved | council_rejected → granted.

The council's decision records its protocol (date, number, decision); «granted» is the system's, fired when
the granting order (OrderKind.assign_status) prepared from the application is signed.
"""
from ..models.status_application import ApplicationStatus as S
from .base import Lifecycle, T

APPS = "workflow_app.services.krc.applications"

application_lifecycle = Lifecycle(
    "status_application", "Заявка на статус", S, S.draft,
    [
        T("submit", "Подать заявку", S.draft, S.submitted, guards=(f"{APPS}:guard_complete",),
          effects=(f"{APPS}:stamp_submitted",)),
        T("return", "Вернуть на доработку", [S.submitted, S.resubmitted], S.returned, needs_reason=True,
          effects=(f"{APPS}:record_remarks",)),
        T("resubmit", "Подать повторно", S.returned, S.resubmitted, guards=(f"{APPS}:guard_complete",),
          effects=(f"{APPS}:stamp_submitted",)),
        T("accept", "Передать на методический совет", [S.submitted, S.resubmitted], S.under_review),
        T("council_approve", "Записать решение совета: присвоить статус", S.under_review, S.council_approved,
          guards=(f"{APPS}:guard_protocol",), effects=(f"{APPS}:record_protocol",)),
        T("council_reject", "Записать решение совета: отказать", S.under_review, S.council_rejected,
          guards=(f"{APPS}:guard_protocol",), effects=(f"{APPS}:record_protocol",)),
        T("grant", "Статус присвоен приказом", S.council_approved, S.granted,
          effects=(f"{APPS}:record_award",)),
    ],
    object_type="status_application",
)
