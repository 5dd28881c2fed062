"""Reminders of a roadmap's two deadlines of its year (services/krc/deadlines.py), for the holder's
applicants, escalating to the municipality's coordinator and staff as the status type's rule says:

- kind "roadmap" — approval: while the roadmap is a draft or returned, until the year's approval deadline;
  handing it in (submit, resubmit) cancels them, a return plans them again;
- kind "report" — the completion report: once approved, until the year's completion report date (the
  holder's report like any other report, so the status type's «Отчёт» rule governs it); the report
  transition cancels them.

Lifecycle effects are named on machines/roadmap.py; creation and a change of the year's dates call
`replan` / `replan_year` directly.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from ...extensions import db
from ...models.roadmap import Roadmap, RoadmapStatus
from ...models.status_award import AwardStatus, StatusAward
from ...models.status_type import StatusType
from ...timeutil import end_of_day
from .deadlines import deadlines

OBJECT = "roadmap"
APPROVAL = "roadmap"
COMPLETION = "report"
# The network statuses whose holders keep roadmaps; their rules (by short name) apply.
NETWORK_CODES = ("KRC", "RCOO", "LSV")
AWAITING_APPROVAL = (RoadmapStatus.draft, RoadmapStatus.returned)


def _status_types(roadmaps: Sequence[Roadmap]) -> dict[tuple[int, int], str]:
    """(organisation, year) → the short name of its network status in force that year (the latest term);
    missing when it holds none (a roadmap staff keep for a newcomer: the default rule applies)."""
    orgs = {r.organization_id for r in roadmaps}
    rows = db.session.execute(
        select(StatusAward.organization_id, StatusAward.term_from, StatusAward.term_to, StatusType.short_name)
        .join(StatusType, StatusType.id == StatusAward.status_type_id)
        .where(StatusAward.organization_id.in_(orgs), StatusType.code.in_(NETWORK_CODES),
               StatusAward.status != AwardStatus.proposed)
        .order_by(StatusAward.term_from)).all()
    out: dict[tuple[int, int], str] = {}
    for r in roadmaps:
        for org_id, start, end, short in rows:
            if org_id == r.organization_id and start.year <= r.year <= end.year:
                out[(org_id, r.year)] = short
    return out


def replan(roadmaps: Roadmap | Sequence[Roadmap], ctx=None) -> int:
    """Plan (or move) the reminders each roadmap's state awaits: approval for a draft or a returned one,
    the completion report for an approved one; other states await nothing from the holder."""
    from ..reminders.hooks import HolderDeadline, plan_holder_deadlines

    items = [roadmaps] if isinstance(roadmaps, Roadmap) else list(roadmaps)
    types = _status_types(items)
    out = []
    for r in items:
        if r.status in AWAITING_APPROVAL:
            kind, day, what, link = (APPROVAL, deadlines(r.year).roadmap_approval, "утверждение",
                                     f"/krc/roadmaps/{r.id}")
        elif r.status == RoadmapStatus.approved:
            kind, day, what, link = (COMPLETION, deadlines(r.year).completion_report, "отчёт о выполнении",
                                     f"/krc/roadmaps/{r.id}/report")
        else:
            continue
        org = r.organization
        out.append(HolderDeadline(kind, OBJECT, r.id, end_of_day(day), org.id, org.municipality_id,
                                  types.get((org.id, r.year), ""),
                                  title=f"Дорожная карта {org.short_name} на {r.year} год: {what}", link=link))
    return plan_holder_deadlines(out)


def handed_in(roadmap: Roadmap, ctx=None) -> None:
    """Submitted, resubmitted or reported: nothing more is awaited from the holder until a return or an
    approval plans the next deadline."""
    from ..reminders import cancel

    cancel((APPROVAL, COMPLETION), OBJECT, roadmap.id)


def replan_year(year: int) -> int:
    """The year's dates changed: the open roadmaps of that year follow them."""
    rows = db.session.execute(select(Roadmap).where(
        Roadmap.year == year, Roadmap.status.in_([*AWAITING_APPROVAL, RoadmapStatus.approved]))
        .order_by(Roadmap.id)).scalars().all()
    return replan(rows)
