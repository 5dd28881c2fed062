"""ФИП preparation case: readiness → drafting → review ↔ revision → recommended (Координационный совет) →
submitted (to Минпросвещения России) → recognised | not_recognised; withdrawn from any open state.

Sending for review freezes the form as a numbered round; returning needs the methodologist's remarks on
that round; the council's and the ministry's outcomes ride in the payload and are written by effects (first, so
the row's state checks hold at every flush); «recognised» carries the ministry's order, registered, and
the ФИП award granted on its ground, in the same transaction (services/fip/cases.py `transition`).
"""
from ..models.fip_case import FipStatus as S
from .base import Lifecycle, T

CASES = "workflow_app.services.fip.cases"
ROUNDS = "workflow_app.services.fip.rounds"
REMIND = "workflow_app.services.fip.deadline"
OPEN = [S.readiness, S.drafting, S.review, S.revision, S.recommended, S.submitted]

fip_lifecycle = Lifecycle(
    "fip", "Подготовка заявки на статус ФИП", S, S.readiness,
    [
        T("start_drafting", "Перейти к заявке", S.readiness, S.drafting,
          guards=(f"{CASES}:guard_ready",), effects=(f"{REMIND}:plan_reminders",)),
        T("send_for_review", "Отправить методисту", [S.drafting, S.revision], S.review,
          guards=(f"{CASES}:guard_form_complete",), effects=(f"{ROUNDS}:freeze_round",)),
        T("return_for_revision", "Вернуть на доработку", S.review, S.revision,
          guards=(f"{ROUNDS}:guard_has_remarks",), effects=(f"{ROUNDS}:close_round",)),
        T("recommend", "Рекомендована Координационным советом", S.review, S.recommended,
          guards=(f"{CASES}:guard_council",), effects=(f"{CASES}:record_council", f"{ROUNDS}:close_round")),
        T("submit", "Подана в министерство", S.recommended, S.submitted,
          guards=(f"{CASES}:guard_submission",),
          effects=(f"{CASES}:record_submission", f"{REMIND}:cancel_reminders")),
        T("recognise", "Признана ФИП (приказ министерства)", S.submitted, S.recognised,
          guards=(f"{CASES}:guard_ministry_order",), effects=(f"{CASES}:record_recognition",)),
        T("not_recognise", "Не признана ФИП", S.submitted, S.not_recognised, needs_reason=True,
          effects=(f"{CASES}:record_outcome",)),
        T("withdraw", "Отозвать", OPEN, S.withdrawn, needs_reason=True,
          effects=(f"{CASES}:record_outcome", f"{REMIND}:cancel_reminders")),
    ],
    object_type="fip_case",
)
