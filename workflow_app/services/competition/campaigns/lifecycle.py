"""What a campaign needs before each lifecycle step (guards), what a step does (effects), transitions."""
from __future__ import annotations

from sqlalchemy import func, select

from ....extensions import db
from ....formatting import plural
from ....machines.base import fire
from ....machines.campaign import campaign_lifecycle
from ....models.base import utcnow
from ....models.competition import Campaign, Entry, EntryStatus, StageKind
from ....timeutil import format_datetime
from .common import stage_of
from .criteria import criteria_for
from .structure import check_stage_dates

# --- lifecycle ---------------------------------------------------------------------------------

def missing_for_open(campaign: Campaign) -> list[str]:
    """Everything that must be configured before the call for entries is announced."""
    missing: list[str] = []
    if not campaign.tracks:
        missing.append("не задано ни одного направления (номинации)")
    submission = stage_of(campaign, StageKind.submission)
    review = stage_of(campaign, StageKind.expert_review)
    if submission is None or submission.deadline is None:
        missing.append("не указан срок приёма заявок (этап «Приём заявок (заочный этап)»)")
    elif submission.deadline <= utcnow():
        missing.append(f"срок приёма заявок ({format_datetime(submission.deadline)}) уже прошёл")
    if review is None or review.deadline is None:
        missing.append("не указан срок экспертизы (этап «Экспертиза»)")
    scored = [s for s in campaign.stages if s.scored]
    if not scored:
        missing.append("нет ни одного оцениваемого этапа")
    for s in scored:
        for t in campaign.tracks:
            if not criteria_for(campaign, s, t):
                missing.append(f"нет критериев оценки для направления «{t.name}» на этапе «{s.title}»")
    missing += [e[0].lower() + e[1:] for e in check_stage_dates(
        [(s.kind, s.starts_on, s.deadline) for s in campaign.stages])]
    return missing


def guard_open(campaign: Campaign, ctx) -> str | None:
    missing = missing_for_open(campaign)
    if missing:
        return "Нельзя объявить приём заявок: " + "; ".join(missing) + "."
    return None


def guard_defence(campaign: Campaign, ctx) -> str | None:
    s = stage_of(campaign, StageKind.defence)
    if s is None:
        return ("Очного этапа в этом конкурсе нет: добавьте этап «Очный этап (защита)» "
                "или переходите сразу к решению комиссии.")
    if not s.scored:
        return "Очный этап не отмечен как оцениваемый: отметьте его и задайте критерии."
    return None


FINAL_ENTRY_STATES = (EntryStatus.winner, EntryStatus.not_selected, EntryStatus.withdrawn, EntryStatus.rejected)


def undecided_entries(campaign: Campaign) -> dict[EntryStatus, int]:
    """Entries that still wait for a decision, by state (never-submitted drafts take no part and don't count)."""
    rows = db.session.execute(
        select(Entry.status, func.count(Entry.id))
        .where(Entry.campaign_id == campaign.id, Entry.status.notin_(FINAL_ENTRY_STATES + (EntryStatus.draft,)))
        .group_by(Entry.status)).all()
    return {status: n for status, n in rows}


def guard_close(campaign: Campaign, ctx) -> str | None:
    pending = undecided_entries(campaign)
    total = sum(pending.values())
    if total:
        detail = ", ".join(f"«{s.value}» — {n}" for s, n in sorted(pending.items(), key=lambda x: x[0].name))
        return (f"Нельзя завершить конкурс: {plural(total, 'заявка', 'заявки', 'заявок')} без решения "
                f"({detail}). Примите решение по каждой заявке или отметьте её отозванной/отклонённой.")
    return None


def lock_criteria(campaign: Campaign, ctx) -> None:
    if campaign.criteria_locked_at is None:
        campaign.criteria_locked_at = utcnow()
        ctx.payload["criteria_locked"] = True


def transition(campaign: Campaign, trigger: str, *, actor, expected_version: int | None = None,
               reason: str = "") -> Campaign:
    """Fire a lifecycle trigger; `fire` asks the policy for the trigger's action (e.g. "campaign.open")."""
    return fire(campaign_lifecycle, campaign, trigger, actor=actor, reason=reason,
                expected_version=expected_version)

