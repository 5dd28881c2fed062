"""Roadmap (ДК) of a network-status holder for a year: draft → submitted → returned ↔ resubmitted →
approved (by staff, by the year's August deadline) → reported (the November completion report)."""
from ..models.roadmap import RoadmapStatus as S
from .base import Lifecycle, T

ROADMAPS = "workflow_app.services.krc.roadmaps"

roadmap_lifecycle = Lifecycle(
    "roadmap", "Дорожная карта", S, S.draft,
    [
        T("submit", "Представить на утверждение", S.draft, S.submitted, guards=(f"{ROADMAPS}:guard_plan",),
          effects=(f"{ROADMAPS}:stamp_submitted",)),
        T("return", "Вернуть на доработку", [S.submitted, S.resubmitted], S.returned, needs_reason=True,
          effects=(f"{ROADMAPS}:record_remarks",)),
        T("resubmit", "Представить повторно", S.returned, S.resubmitted, guards=(f"{ROADMAPS}:guard_plan",),
          effects=(f"{ROADMAPS}:stamp_submitted",)),
        T("approve", "Утвердить", [S.submitted, S.resubmitted], S.approved,
          effects=(f"{ROADMAPS}:stamp_approved",)),
        T("report", "Представить отчёт о выполнении", S.approved, S.reported,
          guards=(f"{ROADMAPS}:guard_completion",), effects=(f"{ROADMAPS}:stamp_reported",)),
    ],
    object_type="roadmap",
)
