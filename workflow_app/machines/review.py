"""Review assignment lifecycle: one expert, one entry, one scored stage."""
from ..models.competition import AssignmentStatus as S
from .base import Lifecycle, T

assignment_lifecycle = Lifecycle(
    "assignment", "Назначение эксперта", S, S.offered,
    [
        T("accept", "Принять", S.offered, S.accepted),
        T("decline", "Отказаться", S.offered, S.declined, needs_reason=True),
        T("declare_conflict", "Заявить конфликт интересов", [S.offered, S.accepted], S.conflict,
          needs_reason=True),
        T("submit", "Отправить оценку", [S.accepted, S.reopened], S.submitted),
        T("reopen", "Вернуть эксперту на пересмотр", S.submitted, S.reopened, needs_reason=True),
        T("revoke", "Снять назначение", [S.offered, S.accepted], S.revoked, needs_reason=True),
    ],
    object_type="review_assignment",
)
