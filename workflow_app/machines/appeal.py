"""Appeal lifecycle: submitted → under review → upheld | rejected; withdrawn by the applicant before the
decision.

Upholding needs the reason and applies the changes staff entered (criterion scores and/or the decision):
scores are rewritten, the standings recomputed and, when the results order is already signed, an amending
order draft is prepared. Every decision, and a withdrawal, ends the decision deadline's reminders and
tells the applicants.
"""
from ..models.appeal import AppealStatus as S
from .base import Lifecycle, T

APPEALS = "workflow_app.services.appeals.decisions"

appeal_lifecycle = Lifecycle(
    "appeal", "Апелляция", S, S.submitted,
    [
        T("take", "Принять к рассмотрению", S.submitted, S.under_review,
          effects=(f"{APPEALS}:on_taken",)),
        T("uphold", "Удовлетворить", S.under_review, S.upheld, needs_reason=True,
          guards=(f"{APPEALS}:guard_changes",),
          effects=(f"{APPEALS}:record_decision", f"{APPEALS}:apply_changes", f"{APPEALS}:on_decided")),
        T("reject", "Отклонить", S.under_review, S.rejected, needs_reason=True,
          effects=(f"{APPEALS}:record_decision", f"{APPEALS}:on_decided")),
        T("withdraw", "Отозвать апелляцию", [S.submitted, S.under_review], S.withdrawn,
          effects=(f"{APPEALS}:on_withdrawn",)),
    ],
)
