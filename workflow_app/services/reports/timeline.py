"""Reports on the organisation's timeline (a provider of services/statuses/profile.py)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ... import policy
from ...extensions import db
from ...models import Organization
from ...models.status_award import StatusAward
from ...models.status_report import StatusReport
from ...timeutil import local_date
from ..statuses.profile import TimelineItem, provider


@provider
def reports(org: Organization, viewer: Any) -> list[TimelineItem]:
    rows = db.session.execute(
        select(StatusReport).join(StatusAward, StatusAward.id == StatusReport.award_id)
        .where(StatusAward.organization_id == org.id).order_by(StatusReport.id)).scalars().all()
    out = []
    for r in rows:
        lines = [f"Состояние: {r.status.value}", f"Срок представления: {r.due_date:%d.%m.%Y}"]
        if r.submitted_at:
            lines.append(f"Представлен: {local_date(r.submitted_at):%d.%m.%Y}")
        link = ("reports.view", {"report_id": r.id}) if policy.can(viewer, "report.view", r) else None
        out.append(TimelineItem(day=local_date(r.submitted_at) or r.due_date, kind="Отчёт",
                                title=f"{r.title} — {r.award.status_type.short_name}", lines=lines, link=link))
    return out
