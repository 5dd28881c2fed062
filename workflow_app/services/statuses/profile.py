"""An organisation's profile: one timeline across the years of its competition entries (with scores by
criterion once results are decided and the viewer may read them), its statuses and the orders about it.

The timeline is assembled from providers: functions (organisation, viewer) → items. Reports and roadmaps
add theirs with `@provider` and appear without changes here.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select

from ... import policy
from ...extensions import db
from ...models import Organization
from ...models.competition import AssignmentStatus, Campaign, Criterion, Entry, ReviewAssignment, Score
from ...models.orders import Order
from ...models.status_award import StatusAward
from ...timeutil import local_date
from . import grounding
from .registry import holder_awards


@dataclass
class TimelineItem:
    day: date
    kind: str  # «Заявка», «Статус», «Приказ», …
    title: str
    lines: list[str] = field(default_factory=list)
    link: tuple[str, dict] | None = None  # (endpoint, arguments): views turn it into a URL
    scores: list[tuple[str, Any]] = field(default_factory=list)  # (criterion, mean points)


Provider = Callable[[Organization, Any], list[TimelineItem]]
PROVIDERS: list[Provider] = []


def provider(fn: Provider) -> Provider:
    PROVIDERS.append(fn)
    return fn


def timeline(org: Organization, viewer: Any) -> OrderedDict[int, list[TimelineItem]]:
    """{year: items newest first}, years newest first."""
    items = [item for p in PROVIDERS for item in p(org, viewer)]
    items.sort(key=lambda i: i.day, reverse=True)
    years: OrderedDict[int, list[TimelineItem]] = OrderedDict()
    for item in items:
        years.setdefault(item.day.year, []).append(item)
    return years


@provider
def entries(org: Organization, viewer: Any) -> list[TimelineItem]:
    rows = list(db.session.execute(
        select(Entry, Campaign.name).join(Campaign, Campaign.id == Entry.campaign_id)
        .where(Entry.organization_id == org.id).order_by(Entry.id)).all())
    decided = [e.id for e, _ in rows if e.decision is not None and policy.can(viewer, "results.entry", e)]
    means: dict[int, list[tuple[str, Any]]] = {}
    if decided:  # one grouped query for the mean points per criterion of every decided entry
        a = ReviewAssignment
        for entry_id, name, points in db.session.execute(
                select(a.entry_id, Criterion.name, func.avg(Score.points))
                .join(Score, Score.assignment_id == a.id).join(Criterion, Criterion.id == Score.criterion_id)
                .where(a.entry_id.in_(decided), a.status == AssignmentStatus.submitted)
                .group_by(a.entry_id, Criterion.name, Criterion.position)
                .order_by(a.entry_id, Criterion.position)).all():
            means.setdefault(entry_id, []).append((name, round(float(points), 2) if points is not None else None))
    out = []
    for e, campaign in rows:
        lines = [f"Состояние: {e.status.value}"]
        if e.id in decided and e.final_score is not None:
            lines.append(f"Итоговый балл: {float(e.final_score):.2f}".replace(".", ","))
        out.append(TimelineItem(day=local_date(e.submitted_at or e.created_at), kind="Заявка",
                                title=f"«{e.title or 'без темы'}» — {campaign}", lines=lines,
                                link=("results.entry_result", {"entry_id": e.id}) if e.id in decided else None,
                                scores=means.get(e.id, [])))
    return out


@provider
def statuses(org: Organization, viewer: Any) -> list[TimelineItem]:
    out = []
    for a in holder_awards(org.id):
        lines = [f"Тема: {a.theme}", f"Срок: {a.term_from:%d.%m.%Y} – {a.term_to:%d.%m.%Y}",
                 f"Состояние: {a.status.value}"]
        if a.end_reason:
            lines.append(f"Основание окончания: {a.end_reason}")
        out.append(TimelineItem(day=a.term_from, kind="Статус", title=a.status_type.label, lines=lines,
                                link=("registry.holder", {"org_id": org.id})))
    return out


@provider
def orders(org: Organization, viewer: Any) -> list[TimelineItem]:
    """Orders that granted, changed or ended the organisation's statuses."""
    ids = (select(Order.id).join(StatusAward, or_(StatusAward.granted_by_order_id == Order.id,
                                                  StatusAward.ended_by_order_id == Order.id))
           .where(StatusAward.organization_id == org.id))
    found = db.session.execute(select(Order).where(Order.id.in_(ids), Order.order_date.is_not(None))).scalars()
    staff = policy.can(viewer, "order.view")
    return [TimelineItem(day=o.order_date, kind="Приказ", title=f"№ {o.number} от {o.order_date:%d.%m.%Y}: {o.title}",
                         lines=[f"Издан: {grounding.issuer_of(o)}"],
                         link=("orders.view", {"order_id": o.id}) if staff else None) for o in found]
