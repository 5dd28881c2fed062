"""Campaign lifecycle: draft → open → review → defence → decision → closed.

Opening needs a complete configuration (tracks, dates, criteria); starting the review locks the
criteria; the in-person stage needs a scored defence stage; closing needs a decision on every entry.
"""
from ..models.competition import CampaignStatus as S
from .base import Lifecycle, T

CAMPAIGNS = "workflow_app.services.competition.campaigns"

campaign_lifecycle = Lifecycle(
    "campaign", "Конкурс", S, S.draft,
    [
        T("open", "Объявить приём заявок", S.draft, S.open, guards=(f"{CAMPAIGNS}:guard_open",)),
        T("start_review", "Начать экспертизу", S.open, S.review, effects=(f"{CAMPAIGNS}:lock_criteria",)),
        T("start_defence", "Начать очный этап", S.review, S.defence, guards=(f"{CAMPAIGNS}:guard_defence",)),
        T("start_decision", "Перейти к решению комиссии", [S.review, S.defence], S.decision),
        T("close", "Завершить конкурс", S.decision, S.closed, guards=(f"{CAMPAIGNS}:guard_close",)),
    ],
)
