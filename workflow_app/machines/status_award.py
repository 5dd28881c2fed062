"""Status award lifecycle. Every change of an award is the effect of a signed order."""
from ..models.status_award import AwardStatus as S
from .base import Lifecycle, T

award_lifecycle = Lifecycle(
    "award", "Статус площадки", S, S.proposed,
    [
        T("activate", "Присвоить статус", S.proposed, S.active),
        T("suspend", "Приостановить", S.active, S.suspended, needs_reason=True),
        T("resume", "Возобновить", S.suspended, S.active),
        T("extend", "Продлить", S.active, S.active),
        T("complete", "Завершить", [S.active, S.suspended], S.completed),
        T("terminate", "Прекратить досрочно", [S.active, S.suspended], S.terminated, needs_reason=True),
    ],
    object_type="status_award",
)
