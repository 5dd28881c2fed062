"""Status award lifecycle: proposed → scheduled (term not started) → active → completed | terminated,
extended (a new term) and suspended ↔ active where the type allows it.

Every change a person makes is grounded in an order (signed here or registered from outside): the guard
refuses a change without a signed order in its payload. The term starting and ending are the system's
(the scheduler's `refresh_awards`), caused by the granting order's term.
"""
from ..models.status_award import AwardStatus as S
from .base import Lifecycle, T

AWARDS = "workflow_app.services.statuses.awards"
GROUNDED = f"{AWARDS}:guard_grounded"

award_lifecycle = Lifecycle(
    "award", "Статус площадки", S, S.proposed,
    [
        T("schedule", "Присвоить статус (срок ещё не начался)", S.proposed, S.scheduled, guards=(GROUNDED,)),
        T("activate", "Присвоить статус", S.proposed, S.active, guards=(GROUNDED,),
          effects=("workflow_app.services.reports.schedule:on_award_active",)),
        T("start", "Начало срока статуса", S.scheduled, S.active),
        T("suspend", "Приостановить", S.active, S.suspended, needs_reason=True,
          guards=(GROUNDED, f"{AWARDS}:guard_suspension_allowed")),
        T("resume", "Возобновить", S.suspended, S.active, guards=(GROUNDED,)),
        T("extend", "Продлить (новый срок)", [S.scheduled, S.active, S.suspended], S.active,
          guards=(GROUNDED,), effects=(f"{AWARDS}:set_new_term",)),
        T("complete", "Завершить", [S.active, S.suspended], S.completed, guards=(GROUNDED,),
          effects=(f"{AWARDS}:record_end",)),
        T("expire", "Срок статуса истёк", [S.active, S.suspended], S.completed),
        T("terminate", "Прекратить досрочно", [S.scheduled, S.active, S.suspended], S.terminated,
          needs_reason=True, guards=(GROUNDED,), effects=(f"{AWARDS}:record_end",)),
    ],
    object_type="status_award",
)
