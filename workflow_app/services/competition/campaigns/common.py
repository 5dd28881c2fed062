"""Shared pieces of the campaign configuration service: editing rules' constants and small helpers."""
from __future__ import annotations

import enum
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ....errors import ConcurrentChange, TransitionNotAllowed, ValidationFailed
from ....machines.base import lock
from ....models.base import utcnow
from ....models.competition import Campaign, CampaignStatus, Stage, StageKind
from ...platform import files

S = CampaignStatus
STRUCTURE_EDITABLE = (S.draft, S.open)
# Stage kinds in calendar order: deadlines must follow it.
STAGE_ORDER = [StageKind.registration, StageKind.submission, StageKind.correction,
               StageKind.expert_review, StageKind.defence, StageKind.decision]
REGULATION_TYPES = {"pdf", "docx"}
REGULATION_MAX_BYTES = 20 * files.MB
# Settings that change how scores turn into results: once scoring started, changing them needs a reason.
SCORING_SETTINGS = ("divergence_pct", "shortlist_pct", "normalize_scores", "final_score_mode",
                    "blind_review", "comment_required", "experts_per_entry")
SETTINGS_FIELDS = ("name", "year", "kind", "description", "experts_per_entry", "expert_load_cap",
                   "divergence_pct", "shortlist_pct", "blind_review", "entries_per_org", "comment_required",
                   "normalize_scores", "final_score_mode", "code_prefix")
FIELD_LABELS = {
    "name": "Название", "year": "Год", "kind": "Вид конкурса", "description": "Описание",
    "experts_per_entry": "Экспертов на заявку", "expert_load_cap": "Предельная нагрузка эксперта",
    "divergence_pct": "Порог расхождения, %", "shortlist_pct": "Порог прохода на очный этап, %",
    "blind_review": "Слепая экспертиза", "entries_per_org": "Заявок от одной организации",
    "comment_required": "Комментарий к оценке обязателен", "normalize_scores": "Нормировка оценок экспертов",
    "final_score_mode": "Итоговая оценка", "code_prefix": "Префикс кода заявки",
}
_CODE_PREFIX = re.compile(r"^[0-9A-Za-zА-Яа-яЁё_-]{1,16}$")


# --- small helpers -----------------------------------------------------------------------------

def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # "10", "1.5": never "1E+1"
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _decimal(value: Any, label: str, errors: list[str]) -> Decimal | None:
    if value is None or value == "":
        errors.append(f"Укажите значение поля «{label}».")
        return None
    try:
        d = Decimal(str(value).replace(",", ".").strip())
    except InvalidOperation:
        errors.append(f"«{label}»: введите число.")
        return None
    if not d.is_finite():
        errors.append(f"«{label}»: введите число.")
        return None
    return d


def _int(value: Any, label: str, errors: list[str]) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        errors.append(f"«{label}»: введите целое число.")
        return None


def _fail(errors: list[str]) -> None:
    if errors:
        raise ValidationFailed(" ".join(errors))


def _begin_edit(campaign: Campaign, expected_version: int | None) -> Campaign:
    """Lock the campaign row and refuse a stale form (the version it was opened with has moved on)."""
    campaign = lock(campaign)
    if expected_version is not None and campaign.version != expected_version:
        raise ConcurrentChange(
            "Настройки конкурса были изменены другим пользователем, пока форма была открыта. "
            "Обновите страницу и внесите изменения заново.")
    if campaign.status == S.closed:
        raise TransitionNotAllowed("Конкурс завершён: его настройки больше не меняются.")
    return campaign


def _touch(campaign: Campaign) -> None:
    """Bump the campaign's version for any change of its configuration (tracks, stages, criteria…)."""
    campaign.updated_at = utcnow()


def _require_structure_editable(campaign: Campaign, what: str) -> None:
    if campaign.status not in STRUCTURE_EDITABLE:
        raise TransitionNotAllowed(
            f"{what} возможно только до начала экспертизы (сейчас конкурс в состоянии "
            f"«{campaign.status.value}»).")


def stage_of(campaign: Campaign, kind: StageKind) -> Stage | None:
    return next((s for s in campaign.stages if s.kind == kind), None)


def _as_int(v: Any) -> int | None:
    try:
        return int(v) if v not in (None, "") else None
    except (TypeError, ValueError):
        return None

