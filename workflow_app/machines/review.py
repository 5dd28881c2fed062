"""Review assignment lifecycle: one expert, one entry, one scored stage.

A sheet is submitted only by an expert without a conflict with the entry's organisation, and neither
submitted nor reopened once the commission's decision has frozen the entry's scores. Submitting the
last open sheet of an in-person panel completes the entry's defence.
"""
from ..models.competition import AssignmentStatus as S
from .base import Lifecycle, T

RESULTS = "workflow_app.services.competition.results"
REMIND = "workflow_app.services.reminders.hooks"
DONE = (f"{REMIND}:cancel_review",)  # the expert's reminders stop once the task is over
ANSWERED = ("workflow_app.services.competition.assignment:close_offer_requests",)

assignment_lifecycle = Lifecycle(
    "assignment", "Назначение эксперта", S, S.offered,
    [
        T("accept", "Принять", S.offered, S.accepted, effects=ANSWERED),
        T("decline", "Отказаться", S.offered, S.declined, needs_reason=True, effects=(*ANSWERED, *DONE)),
        T("declare_conflict", "Заявить конфликт интересов", [S.offered, S.accepted], S.conflict,
          needs_reason=True, effects=(*ANSWERED, *DONE)),
        T("submit", "Отправить оценку", [S.accepted, S.reopened], S.submitted,
          guards=(f"{RESULTS}:check_scores_open", f"{RESULTS}:check_scorer_allowed"),
          effects=(f"{RESULTS}:complete_defence_if_done", *DONE)),
        T("reopen", "Вернуть эксперту на пересмотр", S.submitted, S.reopened, needs_reason=True,
          guards=(f"{RESULTS}:check_scores_open",), effects=(f"{REMIND}:plan_review",)),
        T("revoke", "Снять назначение", [S.offered, S.accepted], S.revoked, needs_reason=True,
          effects=(*ANSWERED, *DONE)),
    ],
    object_type="review_assignment",
)
