"""Results through the web layer: ranking page, exports, shortlist, decision, the applicant's view,
authorization and constant query counts (5 vs 50 entries)."""
from __future__ import annotations

import io
from contextlib import contextmanager
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select

from bench.generate import generate
from workflow_app.extensions import db
from workflow_app.models import Role
from workflow_app.models.competition import (
    Campaign,
    CampaignStatus,
    Criterion,
    Entry,
    EntryStatus,
    ReviewAssignment,
    Score,
    StageKind,
)

from .factories import make_campaign, make_entry, make_expert, make_user, org, sheet, stage
from .helpers import login, post_form


@contextmanager
def count_statements(app):
    seen = []

    def listener(conn, cursor, statement, *a):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def _staff(app):
    with app.app_context():
        make_user("staff@example.org", Role.staff, name="Сотрудник ИРО")
        db.session.commit()


def _generated(app, n):
    with app.app_context():
        info = generate(n_entries=n, n_orgs=max(5, n // 2), n_experts=4)
        db.session.commit()
        return info["campaign_id"]


@pytest.mark.slow
def test_ranking_page_and_export_use_constant_queries(app, client):
    _staff(app)
    small, big = _generated(app, 5), _generated(app, 50)
    login(client, "staff@example.org")
    counts = {}
    for cid in (small, big):
        for name, url in (("page", f"/results/campaigns/{cid}?per_page=50"),
                          ("xlsx", f"/results/campaigns/{cid}/export.xlsx")):
            client.get(url)  # warm caches (session user, metadata)
            with count_statements(app) as seen:
                resp = client.get(url)
            assert resp.status_code == 200
            counts[(name, cid)] = len(seen)
    assert counts[("page", small)] == counts[("page", big)] <= 12
    assert counts[("xlsx", small)] == counts[("xlsx", big)] <= 10


def test_xlsx_has_a_column_per_criterion_per_expert(app, client):
    _staff(app)
    cid = _generated(app, 6)
    login(client, "staff@example.org")
    resp = client.get(f"/results/campaigns/{cid}/export.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data), read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    assert head.count("Эксперт 1: итого") == 1 and "Эксперт 3: итого" in head and "Эксперт 4: итого" not in head
    crit_cols = [h for h in head if h.startswith("Эксперт 2: К")]
    assert len(crit_cols) == 10
    assert len(rows) == 7
    with app.app_context():
        c = db.session.get(Campaign, cid)
        first_code = rows[1][head.index("Код")]
        e = db.session.execute(select(Entry).where(Entry.code == first_code)).scalar_one()
        sheets = list(db.session.execute(select(ReviewAssignment).where(ReviewAssignment.entry_id == e.id)
                                         .order_by(ReviewAssignment.id)).scalars())
        crit = list(db.session.execute(select(Criterion).where(
            Criterion.stage_id == stage(c, StageKind.expert_review).id).order_by(Criterion.position)).scalars())
        pts = {(s.assignment_id, s.criterion_id): float(s.points) for s in db.session.execute(
            select(Score).where(Score.assignment_id.in_([a.id for a in sheets]))).scalars()}
        for k, a in enumerate(sheets, 1):
            assert rows[1][head.index(f"Эксперт {k}: ФИО")] == a.expert.full_name
            assert rows[1][head.index(f"Эксперт {k}: итого")] == float(a.total)
            for j, cr in enumerate(crit, 1):
                col = next(i for i, h in enumerate(head) if h.startswith(f"Эксперт {k}: К{j}. "))
                assert rows[1][col] == pts[(a.id, cr.id)]
        mean = sum(float(a.total) for a in sheets) / len(sheets)
        assert abs(rows[1][head.index("Средний балл экспертизы")] - mean) < 1e-3
    places = [r[head.index("Место")] for r in rows[1:] if r[0] == rows[1][0]]
    assert places == sorted(places) and places[0] == 1


def _story(app):
    """Staff, two applicants' entries scored by three experts; returns ids."""
    with app.app_context():
        c = make_campaign(status=CampaignStatus.review, shortlist_pct=Decimal(60))
        staff = make_user("staff@example.org", Role.staff, name="Сотрудник ИРО")
        o1, o2 = org(n=1), org(n=2)
        make_user("app1@example.org", (Role.applicant, o1), org=o1, name="Заявитель Первый")
        make_user("app2@example.org", (Role.applicant, o2), org=o2, name="Заявитель Второй")
        xs = [make_expert(name=n) for n in ("Орлова Анна", "Волков Пётр", "Зайцева Мария")]
        review = stage(c, StageKind.expert_review)
        good = make_entry(c, o1, status=EntryStatus.scored, title="Сильный проект")
        weak = make_entry(c, o2, status=EntryStatus.scored, title="Слабый проект")
        for x, p in zip(xs, (9, 8, 9), strict=False):
            sheet(good, x, review, points=[p] * 10, comments=[f"Замечание {x.full_name.split()[0][:3]}"] * 10)
        for x in xs:
            sheet(weak, x, review, points=[3] * 10)
        db.session.commit()
        return c.id, good.id, weak.id, [x.full_name for x in xs], staff.id


def test_shortlist_and_decision_through_the_web(app, client):
    cid, good, weak, names, _ = _story(app)
    login(client, "staff@example.org")
    page = client.get(f"/results/campaigns/{cid}?track=ОО").get_data(as_text=True)
    assert "Сильный проект" in page and "шорт-лист" in page
    preview = client.get(f"/results/campaigns/{cid}/shortlist").get_data(as_text=True)
    assert "Сформировать список очного этапа" in preview
    import re

    token = re.search(r'name="token" value="([0-9a-f]+)"', preview).group(1)
    resp = post_form(client, f"/results/campaigns/{cid}/shortlist", {"token": token})
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(Entry, good).status == EntryStatus.shortlisted
        assert db.session.get(Entry, weak).status == EntryStatus.not_selected
    # a proposal change needs a reason
    resp = post_form(client, f"/results/entries/{good}/proposal", {"decision": "not_selected", "reason": ""})
    assert resp.status_code == 422 and "Укажите причину" in resp.get_data(as_text=True)
    resp = post_form(client, f"/results/campaigns/{cid}/decision", {})
    assert resp.status_code == 302
    with app.app_context():
        e = db.session.get(Entry, good)
        assert e.status == EntryStatus.winner and e.final_rank == 1 and e.final_score is not None
        assert db.session.get(Campaign, cid).status == CampaignStatus.decision
    page = client.get(f"/results/campaigns/{cid}/decision").get_data(as_text=True)
    assert "Решение утверждено" in page and "Утвердить решение</button>" not in page


def test_applicant_sees_anonymous_result_only_after_decision(app, client):
    cid, good, weak, names, staff_id = _story(app)
    login(client, "app1@example.org")
    before = client.get(f"/results/entries/{good}")
    assert before.status_code == 200
    text = before.get_data(as_text=True)
    assert "после утверждения решения" in text and "Замечание" not in text
    assert client.get(f"/results/entries/{weak}").status_code == 403  # another organisation's entry
    assert client.get(f"/results/campaigns/{cid}").status_code == 403  # the ranking is staff-only
    with app.app_context():
        from workflow_app.models import User
        from workflow_app.services.competition import results

        results.approve_decision(db.session.get(Campaign, cid), actor=db.session.get(User, staff_id))
        db.session.commit()
    text = client.get(f"/results/entries/{good}").get_data(as_text=True)
    assert "Эксперт 1" in text and "Эксперт 3" in text and "Победитель" in text
    assert "Замечание" in text and "из 10" in text
    for n in names:
        assert n not in text
    assert "Место в треке" in text
    dash = client.get("/").get_data(as_text=True)
    assert "Результаты конкурсов" in dash


def test_strictness_page(app, client):
    cid, *_ = _story(app)
    login(client, "staff@example.org")
    text = client.get(f"/results/campaigns/{cid}/strictness").get_data(as_text=True)
    # Волков: 84 on the strong entry where the panel mean is 91 (−7), 0 on the weak one → −3.50
    assert text.index("Волков Пётр") < text.index("Орлова Анна")
    assert "−3,50" in text and "+1,75" in text and "3.50" not in text
