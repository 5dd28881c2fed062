"""Statuses on a date: an award is in force only within its term (computed in SQL); every registry view
— the public registry, the staff statuses list, the registry extract — answers «на дату»."""
from __future__ import annotations

import io
from datetime import date

from docx import Document
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import Role
from workflow_app.models.status_award import AwardStatus, StatusAward
from workflow_app.timeutil import today_local

from .factories import make_org, make_user, status_type
from .helpers import login


def _awards():
    """A status in force now, one starting next year, one that ran three years ago and was completed,
    one still «active» in the database whose term ended last year."""
    year = today_local().year
    now_org = make_org("МБОУ СОШ № 1", "krasnodar")
    next_org = make_org("МАДОУ д/с № 7", "sochi")
    old_org = make_org("МБОУ СОШ № 9", "anapa")
    lapsed_org = make_org("МБОУ СОШ № 4", "krasnodar")
    rows = [
        StatusAward(organization=now_org, status_type=status_type("KIP"), theme="Тема текущая",
                    term_from=date(year - 1, 1, 1), term_to=date(year + 1, 12, 31), status=AwardStatus.active),
        StatusAward(organization=next_org, status_type=status_type("KRC"), theme="Тема будущая",
                    term_from=date(year + 1, 1, 1), term_to=date(year + 3, 12, 31), status=AwardStatus.active),
        StatusAward(organization=old_org, status_type=status_type("LSV"), theme="Тема прошлая",
                    term_from=date(year - 4, 1, 1), term_to=date(year - 2, 12, 31),
                    status=AwardStatus.completed),
        StatusAward(organization=lapsed_org, status_type=status_type("KIP"), theme="Тема истёкшая",
                    term_from=date(year - 3, 1, 1), term_to=date(year - 1, 12, 31), status=AwardStatus.active),
    ]
    db.session.add_all(rows)
    make_user("s@x.ru", Role.staff)
    db.session.commit()
    return year, {a.theme: a.id for a in rows}, now_org.id, next_org.id


def test_current_on_is_decided_in_sql_by_the_term(app):
    with app.app_context():
        year, ids, _, _ = _awards()

        def themes_on(day):
            return set(db.session.execute(select(StatusAward.theme).where(StatusAward.current_on(day))).scalars())

        assert themes_on(today_local()) == {"Тема текущая"}
        assert themes_on(date(year + 1, 6, 1)) == {"Тема текущая", "Тема будущая"}
        assert themes_on(date(year - 3, 6, 1)) == {"Тема прошлая", "Тема истёкшая"}
        future = db.session.get(StatusAward, ids["Тема будущая"])
        assert future.state_on(today_local()) == f"с 01.01.{year + 1}"
        lapsed = db.session.get(StatusAward, ids["Тема истёкшая"])
        assert lapsed.state_on(today_local()) == f"истёк 31.12.{year - 1}"
        assert lapsed.state_on(date(year - 2, 3, 1)) == "Действует"


def test_public_registry_lists_only_statuses_in_force_today_or_on_the_asked_date(app, client):
    with app.app_context():
        year, _, _, _ = _awards()
    today = client.get("/registry").get_data(as_text=True)
    assert "Тема текущая" in today
    assert "Тема будущая" not in today and "Тема прошлая" not in today and "Тема истёкшая" not in today
    past = client.get(f"/registry?on={year - 3}-06-01").get_data(as_text=True)
    assert "Тема прошлая" in past and "Тема истёкшая" in past
    assert "Тема текущая" not in past and "Тема будущая" not in past
    assert f"01.06.{year - 3}" in past
    nxt = client.get(f"/registry?on={year + 1}-06-01").get_data(as_text=True)
    assert "Тема будущая" in nxt and "Тема текущая" in nxt


def test_staff_list_reads_future_and_lapsed_terms_and_answers_on_a_date(app, client):
    with app.app_context():
        year, _, _, _ = _awards()
    login(client, "s@x.ru")
    page = client.get("/statuses").get_data(as_text=True)
    assert f"с 01.01.{year + 1}" in page and f"истёк 31.12.{year - 1}" in page
    assert "Тема прошлая" in page  # staff see every award until they ask for a date
    past = client.get(f"/statuses?on={year - 3}-06-01").get_data(as_text=True)
    assert "Тема прошлая" in past and "Тема текущая" not in past and "Тема будущая" not in past


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def test_registry_extract_states_each_status_on_its_date(app, client):
    with app.app_context():
        year, _, now_org, next_org = _awards()
    login(client, "s@x.ru")
    text = _docx_text(client.get(f"/documents/organization/{next_org}/extract.docx").data)
    assert f"с 01.01.{year + 1}" in text and "действует" not in text
    later = _docx_text(client.get(f"/documents/organization/{next_org}/extract.docx?on={year + 1}-03-01").data)
    assert "действует" in later and f"01.03.{year + 1}" in later
    current = _docx_text(client.get(f"/documents/organization/{now_org}/extract.docx").data)
    assert "действует" in current
