"""Uploads are judged by their bytes, stored under random names, and downloaded only through authorized views."""
import hashlib
import io
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select

from workflow_app.actors import SystemActor
from workflow_app.errors import ValidationFailed
from workflow_app.extensions import db
from workflow_app.models import Role
from workflow_app.models.competition import CampaignStatus
from workflow_app.models.files import StoredFile
from workflow_app.services.competition import campaigns as svc
from workflow_app.services.platform.files import MB, read_stored, store_upload

from .factories import make_campaign, make_org, make_user
from .helpers import EXE, HTML, docx_bytes, login, pdf_bytes, png_bytes, upload

DOCS = {"pdf", "docx", "png"}


def _files_on_disk() -> list[Path]:
    root = Path(current_app.config["UPLOAD_DIR"])
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.mark.parametrize("maker,name,ctype", [
    (pdf_bytes, "Положение 2026.pdf", "application/pdf"),
    (docx_bytes, "заявка.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (png_bytes, "схема.PNG", "image/png"),
])
def test_real_documents_are_accepted_and_stored_under_a_random_name(ctx, maker, name, ctype):
    data = maker()
    f = store_upload(upload(data, name), allowed=DOCS, max_bytes=MB, user=None)
    assert f.content_type == ctype
    assert f.original_name == name
    assert f.size == len(data)
    assert f.sha256 == hashlib.sha256(data).hexdigest()
    assert read_stored(f) == data
    # Sharded random path, never the user's name on disk.
    path = Path(current_app.config["UPLOAD_DIR"]) / f.storage_name
    assert path.is_file() and path.parent.parent.parent == Path(current_app.config["UPLOAD_DIR"])
    assert name.split(".")[0] not in f.storage_name and "." not in f.storage_name


@pytest.mark.parametrize("data,name,words", [
    (EXE, "положение.pdf", "исполняемый файл"),
    (EXE, "setup.exe", "исполняемый файл"),
    (HTML, "document.pdf", "веб-страница"),
    (b"just some text, not a PDF at all", "report.pdf", "не является файлом PDF"),
    (png_bytes(), "picture.pdf", "не соответствует"),
    (pdf_bytes(), "document.docx", "не соответствует"),
    (b"", "empty.pdf", "пустой"),
])
def test_bad_uploads_are_refused_in_russian_and_leave_nothing(ctx, data, name, words):
    before = _files_on_disk()
    with pytest.raises(ValidationFailed) as err:
        store_upload(upload(data, name), allowed=DOCS, max_bytes=MB)
    assert words in err.value.message
    assert "Допустимые типы файлов: PDF, DOCX, PNG" in err.value.message
    assert "не более 1 МБ" in err.value.message
    assert db.session.execute(select(func.count(StoredFile.id))).scalar_one() == 0
    assert _files_on_disk() == before


def test_a_rolled_back_upload_leaves_no_file(ctx):
    before = _files_on_disk()
    f = store_upload(upload(pdf_bytes(), "a.pdf"), allowed={"pdf"}, max_bytes=MB)
    path = Path(current_app.config["UPLOAD_DIR"]) / f.storage_name
    assert path.is_file()
    db.session.rollback()  # e.g. a later step of the same request was refused
    assert not path.exists() and _files_on_disk() == before
    kept = store_upload(upload(pdf_bytes(), "b.pdf"), allowed={"pdf"}, max_bytes=MB)
    db.session.commit()
    db.session.rollback()  # a rollback after the commit must not touch committed files
    assert (Path(current_app.config["UPLOAD_DIR"]) / kept.storage_name).is_file()


def test_size_limit_and_type_not_allowed(ctx):
    big = pdf_bytes() + b"%" * 3000
    with pytest.raises(ValidationFailed) as err:
        store_upload(upload(big, "big.pdf"), allowed={"pdf"}, max_bytes=2048)
    assert "слишком большой" in err.value.message and "не более 2 КБ" in err.value.message
    with pytest.raises(ValidationFailed) as err:
        store_upload(upload(png_bytes(), "scan.png"), allowed={"pdf", "docx"}, max_bytes=MB)
    assert "тип файла не допускается" in err.value.message and "PDF, DOCX;" in err.value.message
    # Exactly at the limit is fine.
    data = pdf_bytes()
    assert store_upload(upload(data, "ok.pdf"), allowed={"pdf"}, max_bytes=len(data)).size == len(data)


def test_download_is_authorized(app, client):
    with app.app_context():
        staff = make_user("staff@x.ru", Role.staff, name="Сотрудник")
        org = make_org()
        applicant = make_user("app@x.ru", (Role.applicant, org))
        other = make_user("other@x.ru", (Role.applicant, make_org("МБОУ СОШ № 2")))
        c = make_campaign(status=CampaignStatus.draft)
        svc.set_regulation(c, upload(pdf_bytes(), "Положение о конкурсе.pdf"), actor=staff,
                           expected_version=c.version)
        reg_id, cid = c.regulation_file_id, c.id
        private = store_upload(upload(docx_bytes(), "справка.docx"), allowed={"docx"}, max_bytes=MB, user=other)
        own = store_upload(upload(png_bytes(), "моё.png"), allowed={"png"}, max_bytes=MB, user=applicant)
        private_id, own_id = private.id, own.id
        db.session.commit()

    # Anonymous: to the login page, for every file and for a draft's regulation.
    for url in (f"/files/{private_id}", f"/files/{reg_id}", f"/campaigns/{cid}/regulation"):
        resp = client.get(url)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], url

    login(client, "app@x.ru")
    assert client.get(f"/files/{reg_id}").status_code == 403  # draft: regulation not yet public
    assert client.get(f"/files/{private_id}").status_code == 403  # someone else's file
    assert client.get(f"/files/{own_id}").status_code == 200  # their own upload
    assert client.get("/files/999999").status_code == 404

    with app.app_context():
        svc.transition(svc.get_campaign(cid), "open", actor=SystemActor("тест: объявление"))
        db.session.commit()
    resp = client.get(f"/files/{reg_id}")
    assert resp.status_code == 200
    assert resp.data.startswith(b"%PDF-")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    cd = resp.headers["Content-Disposition"]
    assert cd.startswith("attachment;")
    assert "filename*=UTF-8''%D0%9F%D0%BE%D0%BB%D0%BE%D0%B6%D0%B5%D0%BD%D0%B8%D0%B5" in cd
    assert client.get(f"/files/{private_id}").status_code == 403

    anon = client.application.test_client()
    resp = anon.get(f"/campaigns/{cid}/regulation")  # public once announced, no login
    assert resp.status_code == 200 and resp.headers["Content-Disposition"].startswith("attachment;")

    staff_client = client.application.test_client()
    login(staff_client, "staff@x.ru")
    assert staff_client.get(f"/files/{private_id}").status_code == 200


def test_regulation_upload_through_the_form(app, client):
    from .helpers import post_form

    with app.app_context():
        make_user("staff@x.ru", Role.staff)
        c = make_campaign(status=CampaignStatus.draft)
        cid, version = c.id, c.version
        db.session.commit()
    login(client, "staff@x.ru")
    page = f"/campaigns/{cid}"
    resp = post_form(client, f"/campaigns/{cid}/regulation",
                     {"version": version, "file": (io.BytesIO(HTML), "положение.pdf")}, form_url=page,
                     content_type="multipart/form-data", follow_redirects=True)
    assert "веб-страница" in resp.get_data(as_text=True)
    with app.app_context():
        assert svc.get_campaign(cid).regulation_file_id is None
    resp = post_form(client, f"/campaigns/{cid}/regulation",
                     {"version": version, "file": (io.BytesIO(pdf_bytes()), "положение.pdf")}, form_url=page,
                     content_type="multipart/form-data", follow_redirects=True)
    assert "Положение «положение.pdf» загружено" in resp.get_data(as_text=True)
    with app.app_context():
        c = svc.get_campaign(cid)
        assert c.regulation_file.content_type == "application/pdf"
        assert c.version == version + 1
