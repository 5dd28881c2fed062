"""Campaign lifecycle: draft → open → review → defence → decision → closed.

Guards that need queries live in services.campaigns and are attached there with `add_guard`.
"""
from ..models.competition import CampaignStatus as S
from .base import Lifecycle, T

campaign_lifecycle = Lifecycle(
    "campaign", "Конкурс", S, S.draft,
    [
        T("open", "Объявить приём заявок", S.draft, S.open),
        T("start_review", "Начать экспертизу", S.open, S.review),
        T("start_defence", "Начать очный этап", S.review, S.defence),
        T("start_decision", "Перейти к решению комиссии", [S.review, S.defence], S.decision),
        T("close", "Завершить конкурс", S.decision, S.closed),
    ],
)
