"""Every generated document downloads from its page, with the right data and only for the right people."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from pypdf import PdfReader

from workflow_app.extensions import db
from workflow_app.models import Role
from workflow_app.models.base import utcnow
from workflow_app.models.competition import (
    AssignmentStatus,
    CampaignStatus,
    Decision,
    EntryStatus,
    ReviewAssignment,
    Score,
    StageKind,
)
from workflow_app.models.status_award import AwardStatus, StatusAward

from .factories import make_campaign, make_entry, make_org, make_user, stage, status_type
from .helpers import login, post_form


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for r in t.rows:
            parts.extend(c.text for c in r.cells)
    return "\n".join(parts)


def _setup():
    c = make_campaign(status=CampaignStatus.decision, blind_review=True)
    org = make_org("МБОУ СОШ № 1", "krasnodar")
    other = make_org("МБОУ СОШ № 2", "sochi")
    make_user("a@x.ru", (Role.applicant, org))
    make_user("b@x.ru", (Role.applicant, other))
    make_user("s@x.ru", Role.staff)
    expert = make_user("e@x.ru", Role.expert, name="Смирнов Андрей Викторович")
    make_user("e2@x.ru", Role.expert)
    e = make_entry(c, org, "ОО", EntryStatus.winner, title="Школа цифрового развития",
                   decision=Decision.winner, final_rank=1, final_score=Decimal("87.5"))
    st = stage(c, StageKind.expert_review)
    a = ReviewAssignment(entry=e, stage=st, expert=expert, status=AssignmentStatus.submitted,
                         total=Decimal("70"), submitted_at=utcnow(), comment="Сильный проект")
    db.session.add(a)
    db.session.flush()
    crit = [cr for cr in c.criteria if cr.stage_id == st.id]
    for cr in crit:
        db.session.add(Score(assignment_id=a.id, criterion_id=cr.id, points=Decimal("7"), comment="ок"))
    award = StatusAward(organization=org, status_type=status_type("KIP"), theme="Школа цифрового развития",
                        term_from=date(2027, 1, 1), term_to=date(2029, 12, 31), status=AwardStatus.active)
    db.session.add(award)
    db.session.commit()
    return {"campaign": c.id, "entry": e.id, "assignment": a.id, "award": award.id, "org": org.id,
            "track": e.track_id}


def test_certificate_for_the_organisation_only(app, client):
    with app.app_context():
        ids = _setup()
    login(client, "a@x.ru")
    resp = client.get(f"/documents/award/{ids['award']}/certificate.pdf")
    assert resp.status_code == 200
    text = pdf_text(resp.data)
    assert "МБОУ СОШ № 1 полное" in text.replace("\n", " ")
    assert "Школа цифрового развития" in text.replace("\n", " ")
    docx = client.get(f"/documents/award/{ids['award']}/certificate.docx")
    assert "Школа цифрового развития" in docx_text(docx.data)
    client.delete_cookie("session")
    login(client, "b@x.ru")
    assert client.get(f"/documents/award/{ids['award']}/certificate.pdf").status_code == 403


def test_registry_extract_lists_the_awards(app, client):
    with app.app_context():
        ids = _setup()
    login(client, "s@x.ru")
    resp = client.get(f"/documents/organization/{ids['org']}/extract.docx?on=2027-06-01")
    text = docx_text(resp.data)
    assert "МБОУ СОШ № 1 полное" in text and "2027–2029" in text and "действует" in text


def test_score_sheet_for_its_expert_and_blind(app, client):
    with app.app_context():
        ids = _setup()
    login(client, "e@x.ru")
    resp = client.get(f"/documents/assignment/{ids['assignment']}/sheet.pdf")
    text = pdf_text(resp.data).replace("\n", " ")
    assert "Смирнов Андрей Викторович" in text and "Сильный проект" in text
    assert "Школа цифрового развития" not in text  # blind review: the code only
    client.delete_cookie("session")
    login(client, "e2@x.ru")
    assert client.get(f"/documents/assignment/{ids['assignment']}/sheet.pdf").status_code == 403


@pytest.mark.parametrize("left", [AssignmentStatus.declined, AssignmentStatus.conflict, AssignmentStatus.revoked])
def test_an_expert_who_left_the_entry_no_longer_gets_its_sheet(app, client, left):
    with app.app_context():
        ids = _setup()
        db.session.get(ReviewAssignment, ids["assignment"]).status = left
        db.session.commit()
    login(client, "e@x.ru")
    assert client.get(f"/documents/assignment/{ids['assignment']}/sheet.pdf").status_code == 403


def test_letter_and_rating_sheet(app, client):
    with app.app_context():
        ids = _setup()
    login(client, "a@x.ru")
    text = docx_text(client.get(f"/documents/entry/{ids['entry']}/letter.docx").data)
    assert "признан победителем" in text and "87,50 %" in text and "87.50" not in text
    assert client.get(f"/documents/campaign/{ids['campaign']}/rating/{ids['track']}.pdf").status_code == 403
    client.delete_cookie("session")
    login(client, "s@x.ru")
    resp = client.get(f"/documents/campaign/{ids['campaign']}/rating/{ids['track']}.docx")
    text = docx_text(resp.data)
    assert "Школа цифрового развития" in text and "70" in text


def test_protocol_saved_with_validation_then_downloaded(app, client):
    with app.app_context():
        ids = _setup()
    login(client, "s@x.ru")
    url = f"/documents/campaign/{ids['campaign']}/protocol"
    base = {"number": "3", "held_on": "2026-11-20", "place": "г. Краснодар",
            "chair": "Гайдук Татьяна Алексеевна | ректор", "secretary": "Ковалёва Ирина Петровна | специалист",
            "members_present": "Смирнов Андрей Викторович | доцент", "agenda": "Об итогах конкурса",
            "decided": "Признать победителями", "vote_yes": "3", "vote_no": "0", "vote_abstained": "0"}
    resp = post_form(client, url, {**base, "members_total": "2"})
    assert resp.status_code == 422
    assert "больше, чем членов комиссии" in resp.get_data(as_text=True)
    resp = post_form(client, url, {**base, "members_total": "5"})
    assert resp.status_code == 302
    page = client.get(url).get_data(as_text=True)
    import re

    mid = re.search(r"/documents/meeting/(\d+)/protocol.pdf", page).group(1)
    text = pdf_text(client.get(f"/documents/meeting/{mid}/protocol.pdf").data).replace("\n", " ")
    assert "Гайдук" in text and "МБОУ СОШ № 1 полное" in text and "Школа цифрового развития" in text
