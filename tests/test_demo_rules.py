"""The demo data obeys the app's own rules, and README tells a new user how to sign in as everyone in it."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import Organization, User
from workflow_app.models.base import utcnow
from workflow_app.models.competition import Campaign, CampaignStatus, Entry, ReviewAssignment, StageKind

README = Path(__file__).resolve().parents[1] / "README.md"
FULL_NAME = re.compile(r"^[А-ЯЁ][а-яё]+(-[А-ЯЁ][а-яё]+)? [А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+(вич|вна|ична|тична|ич)$")


def as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


PLACEHOLDER = re.compile(r"\d|Эксперт|Пользователь|Администратор|Систем|Тест|Демо|Проректор", re.I)


@pytest.mark.demo
def test_no_demo_expert_reviews_an_entry_from_their_own_municipality(app):
    with app.app_context():
        expert_org, entry_org = db.aliased(Organization), db.aliased(Organization)
        rows = db.session.execute(
            select(User.email, Entry.code, entry_org.municipality_id)
            .select_from(ReviewAssignment)
            .join(User, User.id == ReviewAssignment.expert_id)
            .join(expert_org, expert_org.id == User.organization_id)
            .join(Entry, Entry.id == ReviewAssignment.entry_id)
            .join(entry_org, entry_org.id == Entry.organization_id)
            .where(expert_org.municipality_id == entry_org.municipality_id)).all()
        assert not rows, f"experts assigned inside their own municipality: {rows}"
        assert db.session.execute(select(ReviewAssignment.id)).first()  # the check saw assignments


@pytest.mark.demo
def test_demo_campaign_dates_agree_with_their_state(app):
    with app.app_context():
        now = as_utc(utcnow())
        seen = set()
        for c in db.session.execute(select(Campaign)).scalars():
            submission = next((s for s in c.stages if s.kind == StageKind.submission), None)
            if submission is None or submission.deadline is None or c.status == CampaignStatus.draft:
                continue
            seen.add(c.status)
            deadline = as_utc(submission.deadline)
            if c.status == CampaignStatus.open:
                assert deadline > now, f"«{c.name}» takes entries, but its deadline {deadline} has passed"
            else:
                assert deadline < now, f"«{c.name}» is «{c.status.value}», but entries are due {deadline}"
            if c.status == CampaignStatus.closed:
                last = max(as_utc(s.deadline) for s in c.stages if s.deadline is not None)
                assert last < now, f"«{c.name}» is closed, but its stage ends {last}"
        assert {CampaignStatus.open, CampaignStatus.closed} <= seen


@pytest.mark.demo
def test_demo_people_have_real_russian_names(app):
    with app.app_context():
        names = db.session.execute(select(User.email, User.full_name)).all()
        bad = [(e, n) for e, n in names if not FULL_NAME.match(n) or PLACEHOLDER.search(n)]
        assert not bad, f"not a realistic full name: {bad}"


@pytest.mark.demo
def test_readme_lists_every_demo_account_with_its_role_and_place(app):
    readme = README.read_text(encoding="utf-8")
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `([^`]+@[^`]+)` \|.*$", readme, re.M)}
    with app.app_context():
        users = db.session.execute(select(User)).scalars().all()
        missing = sorted(u.email for u in users if u.email not in rows)
        assert not missing, f"README.md does not list the demo accounts {missing}"
        for u in users:
            row = rows[u.email]
            assert u.full_name in row, (u.email, row)
            if u.organization is not None:
                assert u.organization.short_name in row, (u.email, row)
        assert "demo-2026" in readme


@pytest.mark.demo
def test_institute_people_in_demo_documents_are_the_demo_accounts(app):
    # The commission annex and the protocol name the first pro-rector who approves the orders in the demo.
    from workflow_app.models.commission import CommissionMeeting
    from workflow_app.models.orders import Order

    with app.app_context():
        prorector = db.session.execute(select(User.full_name).where(User.email == "prorector@iro.local")).scalar_one()
        rows = [row for o in db.session.execute(select(Order)).scalars() for a in o.annexes or []
                for row in a.get("rows") or [] if row and "проректор" in " ".join(map(str, row))]
        named = [next(str(c) for c in row if not str(c).strip().isdigit()) for row in rows]
        named += [m["name"] for mt in db.session.execute(select(CommissionMeeting)).scalars()
                  for m in mt.members_present or [] if "проректор" in m.get("position", "")]
        assert named and set(named) == {prorector}
