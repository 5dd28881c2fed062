"""The demo's imported history of statuses gives the figures page the right counts on a past date, and the
demo has holders of КИП, КРЦ, ЛСВ, МИП and ФИП with terms in the past, present and future."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models.status_award import AwardStatus, StatusAward
from workflow_app.services.statuses import stats
from workflow_app.timeutil import today_local

from .api_client import bearer, issue_token
from .helpers import login

pytestmark = pytest.mark.demo


def test_figures_on_a_past_date_count_the_imported_history(app, client):
    # On 01.06.2021 the demo's registry file has in force: КИП — СОШ № 1 (ОО), д/с № 17 (ДОО), д/с № 45 (ДОО),
    # ЦДТ (ОДОД), СОШ № 2 (ОО); МИП — гимназия № 14 (ОО), д/с № 9 (ДОО); КРЦ — ИМЦ Тимашевский (ТМС).
    # The ЛСВ of ЦРО Анапа ended in 2020; the МИП of СОШ № 12 ст. Выселки starts in September 2021.
    with app.app_context():
        assert stats.awards_stats(date(2021, 6, 1), None, "type") == {
            "on": "2021-06-01", "groups": [{"key": "КИП", "count": 5}, {"key": "МИП", "count": 2},
                                           {"key": "КРЦ", "count": 1}], "total": 8}
        token = issue_token("staff@iro.local")
    resp = client.get("/api/v1/stats/awards?on=2021-06-01&group_by=org_type", headers=bearer(token))
    assert resp.json["groups"] == [{"key": "ДОО", "count": 3}, {"key": "ОО", "count": 3},
                                   {"key": "ОДОД", "count": 1}, {"key": "ТМС", "count": 1}]
    login(client, "staff@iro.local", "demo-2026")
    page = client.get("/statuses/figures?on=2021-06-01&type=КИП").get_data(as_text=True)
    assert "Всего действующих статусов «КИП»: <strong>5</strong> (2 ДОО, 2 ОО, 1 ОДОД)" in page


def test_demo_holders_span_types_and_times(app):
    with app.app_context():
        today = today_local()
        rows = db.session.execute(select(StatusAward)).scalars().all()
        kinds = {(a.status_type.short_name,
                  "past" if a.term_to < today else "future" if a.term_from > today else "present") for a in rows}
        for short in ("КИП", "КРЦ", "ЛСВ", "МИП", "ФИП"):
            assert any(k[0] == short for k in kinds), short
        assert {"past", "present", "future"} <= {k[1] for k in kinds}
        states = {a.status for a in rows}
        assert {AwardStatus.active, AwardStatus.completed, AwardStatus.scheduled, AwardStatus.suspended,
                AwardStatus.terminated} <= states
        for a in rows:  # every award grounded in an order
            assert a.granted_by is not None and a.granted_by.number


def test_seeding_again_adds_no_status(app):
    from workflow_app.demo.statuses import seed_statuses

    with app.app_context():
        before = len(db.session.execute(select(StatusAward.id)).all())
        assert seed_statuses() == {"statuses imported": 0, "status changes": 0}
        assert len(db.session.execute(select(StatusAward.id)).all()) == before
        db.session.rollback()


def test_demo_terminates_and_suspends_the_imported_awards_only(app):
    # The lyceum also holds a КИП from another demo campaign; only its imported one is ended by the demo.
    with app.app_context():
        rows = db.session.execute(select(StatusAward)).scalars().all()
        by_theme = {a.theme: a.status for a in rows}
        assert by_theme["Лаборатория естественных наук"] == AwardStatus.terminated
        assert by_theme["Сельская школа как центр села"] == AwardStatus.suspended
        lyceum = [a for a in rows if a.organization.short_name == "МБОУ лицей № 4"
                  and a.theme != "Лаборатория естественных наук"]
        assert lyceum and all(a.status != AwardStatus.terminated for a in lyceum)
