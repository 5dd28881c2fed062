"""Demo campaigns: «Инновационный поиск 2025» (closed) and «Инновационный поиск 2026» (open, copied from 2025).

Dates are real calendar dates around the demo's "today" (late November 2026): the 2026 call for entries
closes in the future, so applicants can still draft and submit. Idempotent: found by name, never duplicated.
"""
from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from ..actors import SystemActor
from ..extensions import db
from ..models import User
from ..models.competition import Campaign, CampaignKind, CampaignStatus, StageKind
from ..services.competition import campaigns as svc
from ..services.platform import files
from ..timeutil import deadline_utc, format_datetime
from . import demo_seeder

NAME_2025 = "Инновационный поиск 2025"
NAME_2026 = "Инновационный поиск 2026"
DESCRIPTION = (
    "Ежегодный образовательный конкурс «Инновационный поиск» для образовательных организаций и "
    "муниципальных методических служб Краснодарского края. Победители получают статус краевой "
    "инновационной площадки (КИП).")

# (stage kind, starts on, deadline day) for the 2025 campaign; the 2026 copy is shifted by one year
# and then its call for entries is prolonged so that submission is still open on the demo's today.
DATES_2025 = {
    StageKind.registration: (date(2025, 6, 13), date(2025, 9, 30)),
    StageKind.submission: (date(2025, 6, 13), date(2025, 12, 1)),
    StageKind.correction: (date(2025, 12, 2), date(2025, 12, 10)),
    StageKind.expert_review: (date(2025, 12, 11), date(2026, 1, 31)),
    StageKind.defence: (date(2026, 2, 9), date(2026, 2, 20)),
    StageKind.decision: (date(2026, 2, 24), date(2026, 2, 27)),
}
DATES_2026 = {
    StageKind.registration: (date(2026, 6, 15), date(2026, 12, 10)),
    StageKind.submission: (date(2026, 6, 15), date(2026, 12, 15)),
    StageKind.correction: (date(2026, 12, 16), date(2026, 12, 25)),
    StageKind.expert_review: (date(2027, 1, 11), date(2027, 2, 12)),
    StageKind.defence: (date(2027, 2, 24), date(2027, 3, 5)),
    StageKind.decision: (date(2027, 3, 10), date(2027, 3, 12)),
}


def _set_dates(c: Campaign, dates: dict, shift: timedelta = timedelta(0)) -> None:
    for s in c.stages:
        if s.kind in dates:
            starts, day = (d + shift for d in dates[s.kind])
            s.starts_on = starts
            s.deadline = deadline_utc(day, time(18, 0) if s.kind == StageKind.submission else None)


def _by_name(name: str) -> Campaign | None:
    return db.session.execute(select(Campaign).where(Campaign.name == name)).scalar_one_or_none()


def _demo_regulation(c: Campaign, staff) -> None:
    """A short regulation document so the public page's download works in the demo."""
    import io

    from docx import Document

    doc = Document()
    doc.add_heading(f"Положение об образовательном конкурсе «{c.name}»", level=1)
    doc.add_paragraph(DESCRIPTION)
    doc.add_heading("Направления", level=2)
    for t in c.tracks:
        doc.add_paragraph(t.name, style="List Bullet")
    doc.add_heading("Сроки (московское время)", level=2)
    for s in c.stages:
        doc.add_paragraph(f"{s.title}: до {format_datetime(s.deadline)}", style="List Bullet")
    buf = io.BytesIO()
    doc.save(buf)
    stored = files.store_bytes(buf.getvalue(), original_name=f"Положение {c.name}.docx",
                               content_type=files.KINDS["docx"].content_type, user=staff)
    c.regulation_file_id = stored.id


@demo_seeder(order=10)
def seed_campaigns() -> dict[str, int]:
    staff = db.session.execute(select(User).where(User.email == "staff@iro.local")).scalar_one_or_none()
    added = 0
    old = _by_name(NAME_2025)
    if old is None:
        old = svc.create_campaign(name=NAME_2025, year=2025, kind=CampaignKind.innovation_search,
                                  description=DESCRIPTION, actor=staff)
        _set_dates(old, DATES_2025)
        for t in old.tracks:
            t.winners_quota = 3
        # History, not a live run: the past campaign is recorded as closed directly.
        old.status = CampaignStatus.closed
        old.criteria_locked_at = deadline_utc(date(2025, 12, 11), time(0, 0))
        db.session.flush()
        added += 1
    if _by_name(NAME_2026) is None:
        new = svc.copy_campaign(old, year=2026, name=NAME_2026, actor=staff)
        new.description = DESCRIPTION
        # Seeded later than planned? Move the whole calendar so the call is still open for two weeks.
        late = date.today() + timedelta(days=14) - DATES_2026[StageKind.submission][1]
        _set_dates(new, DATES_2026, max(late, timedelta(0)))
        db.session.flush()
        _demo_regulation(new, staff)
        # Opened through the lifecycle, so the demo shows the same audit trail a real campaign gets.
        svc.transition(new, "open", actor=staff or SystemActor("демонстрационные данные"))
        added += 1
    return {"campaigns": added}


def open_demo_campaign() -> Campaign:
    """The open «Инновационный поиск 2026» the other demo seeders fill; seeded here if it is missing."""
    c = _by_name(NAME_2026)
    if c is None:
        seed_campaigns()
        c = _by_name(NAME_2026)
    return c
