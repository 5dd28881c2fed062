"""Roadmap (ДК) of a network-status holder for a year: draft → submitted → returned ↔ resubmitted →
approved (by staff, by the year's August deadline) → reported (the November completion report)."""
from ..models.roadmap import RoadmapStatus as S
from .base import Lifecycle, T

ROADMAPS = "workflow_app.services.krc.roadmaps"
REMINDERS = "workflow_app.services.krc.reminders"

roadmap_lifecycle = Lifecycle(
    "roadmap", "Дорожная карта", S, S.draft,
    [
        T("submit", "Представить на утверждение", S.draft, S.submitted, guards=(f"{ROADMAPS}:guard_plan",),
          effects=(f"{ROADMAPS}:stamp_submitted", f"{REMINDERS}:handed_in")),
        T("return", "Вернуть на доработку", [S.submitted, S.resubmitted], S.returned, needs_reason=True,
          effects=(f"{ROADMAPS}:record_remarks", f"{REMINDERS}:replan")),
        T("resubmit", "Представить повторно", S.returned, S.resubmitted, guards=(f"{ROADMAPS}:guard_plan",),
          effects=(f"{ROADMAPS}:stamp_submitted", f"{REMINDERS}:handed_in")),
        T("approve", "Утвердить", [S.submitted, S.resubmitted], S.approved,
          effects=(f"{ROADMAPS}:stamp_approved", f"{REMINDERS}:replan")),
        T("report", "Представить отчёт о выполнении", S.approved, S.reported,
          guards=(f"{ROADMAPS}:guard_completion",), effects=(f"{ROADMAPS}:stamp_reported", f"{REMINDERS}:handed_in")),
    ],
    object_type="roadmap",
)
