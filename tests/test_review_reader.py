"""The expert's reader: blind review hides the applicant everywhere; attachments get generic names;
the dashboard costs a constant number of SQL statements whatever the page size."""
import hashlib
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import event

from workflow_app.extensions import db
from workflow_app.models.base import utcnow
from workflow_app.models.competition import AssignmentStatus, EntryAttachment, EntryStatus
from workflow_app.models.files import StoredFile

from .factories import accepted, admitted_entry, make_campaign, make_expert, org, review_stage
from .helpers import login

SECRET_BYTES = b"%PDF-1.4\n% charter of the school\n"


def _entry_with_identity(app, blind: bool):
    with app.app_context():
        c = make_campaign(experts_per_entry=1, blind_review=blind)
        applicant = org("sochi", name="МБОУ СОШ № 77", )
        applicant.full_name = "Муниципальное бюджетное общеобразовательное учреждение СОШ № 77"
        e = admitted_entry(c, organization=applicant, title="Цифровая школа будущего",
                           lead_name="Петрова Анна Ивановна",
                           team=[{"name": "Сидоров Пётр Ильич", "position": "учитель", "role": "методист"}])
        e.status = EntryStatus.under_review
        e.dossier = {
            "1.1": "<p>Муниципальное бюджетное общеобразовательное учреждение СОШ № 77 (МБОУ СОШ № 77) "
                   "города-курорта Сочи реализует проект для системы образования Краснодарского края. "
                   "Руководитель — Петрова Анна Ивановна; в Сочи работает команда Сидорова.</p>"
                   "<script>alert(1)</script>",
            "3.2": [["Семинар для педагогов Сочи", "учителя", "обучение"]],
        }
        storage = f"{uuid.uuid4().hex}"
        upload_dir = Path(app.config["UPLOAD_DIR"])
        upload_dir.mkdir(parents=True, exist_ok=True)
        (upload_dir / storage).write_bytes(SECRET_BYTES)
        f = StoredFile(storage_name=storage, original_name="Устав МБОУ СОШ 77.pdf", content_type="application/pdf",
                       size=len(SECRET_BYTES), sha256=hashlib.sha256(SECRET_BYTES).hexdigest())
        db.session.add(f)
        db.session.flush()
        db.session.add(EntryAttachment(entry_id=e.id, file_id=f.id, title="Устав МБОУ СОШ № 77"))
        x = make_expert("x@x.ru", "anapa")
        a = accepted(e, review_stage(c), x)
        db.session.commit()
        return a.id, e.code


def test_blind_reader_hides_organisation_municipality_and_people(app, client):
    aid, code = _entry_with_identity(app, blind=True)
    login(client, "x@x.ru")
    html = client.get(f"/expert/assignments/{aid}").get_data(as_text=True)
    assert code in html and "Цифровая школа будущего" in html
    for secret in ("МБОУ СОШ № 77", "учреждение СОШ", "Сочи", "город-курорт", "Петрова", "Сидоров", "Устав"):
        assert secret not in html, secret
    assert "Краснодарского края" in html  # the region is not the applicant's identity
    assert "<script>alert" not in html  # sanitised again on the way out
    assert "Приложение 1.pdf" in html
    assert "[скрыто]" in html

    resp = client.get(f"/expert/assignments/{aid}/attachments/1")
    assert resp.status_code == 200 and resp.data == SECRET_BYTES
    disposition = resp.headers["Content-Disposition"]
    assert quote("Приложение 1.pdf") in disposition and quote("Устав") not in disposition
    assert client.get(f"/expert/assignments/{aid}/pdf").status_code == 404
    assert client.get(f"/expert/assignments/{aid}/attachments/2").status_code == 404
    dash = client.get("/expert/").get_data(as_text=True)
    assert code in dash and "Цифровая школа будущего" not in dash


def test_open_reader_shows_the_applicant(app, client):
    aid, code = _entry_with_identity(app, blind=False)
    login(client, "x@x.ru")
    html = client.get(f"/expert/assignments/{aid}").get_data(as_text=True)
    assert "МБОУ СОШ № 77" in html and "город-курорт Сочи" in html and "Петрова Анна Ивановна" in html
    assert "Устав МБОУ СОШ № 77" in html
    resp = client.get(f"/expert/assignments/{aid}/attachments/1")
    assert quote("Устав МБОУ СОШ 77.pdf") in resp.headers["Content-Disposition"]


def _count_statements(app, client, url: str) -> int:
    seen = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        resp = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert resp.status_code == 200
    return len(seen)


def _add_assignments(app, n: int, start: int) -> None:
    from sqlalchemy import select

    from workflow_app.models import User
    from workflow_app.models.competition import Campaign

    with app.app_context():
        c = db.session.execute(select(Campaign)).scalar_one()
        x = db.session.execute(select(User).where(User.email == "x@x.ru")).scalar_one()
        s = review_stage(c)
        for i in range(n):
            e = admitted_entry(c, title=f"Тема {start + i}")
            e.status = EntryStatus.under_review
            status = [AssignmentStatus.offered, AssignmentStatus.accepted, AssignmentStatus.submitted][i % 3]
            sent = {"total": Decimal("5"), "submitted_at": utcnow()} if status == AssignmentStatus.submitted else {}
            accepted(e, s, x, status=status, **sent)
        db.session.commit()


@pytest.mark.slow
def test_dashboard_statement_count_does_not_grow_with_the_page(app, client):
    with app.app_context():
        make_campaign()
        make_expert("x@x.ru", "anapa")
        db.session.commit()
    _add_assignments(app, 5, 0)
    login(client, "x@x.ru")
    few = _count_statements(app, client, "/expert/?per_page=50")
    _add_assignments(app, 45, 5)
    many = _count_statements(app, client, "/expert/?per_page=50")
    page = client.get("/expert/?per_page=50").get_data(as_text=True)
    assert page.count('data-testid="progress"') == 50
    assert few == many and many <= 12, (few, many)
