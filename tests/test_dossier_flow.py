"""The applicant's dossier: creation rules, sanitising, completeness, deadlines and extensions,
frozen versions with PDF and diff, attachments, withdrawal."""
import io
import json
import re
from datetime import date, timedelta

import pypdf
import pytest
from sqlalchemy import func, select

from workflow_app.errors import TransitionNotAllowed, ValidationFailed
from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Organization, User
from workflow_app.models.base import utcnow
from workflow_app.models.competition import Campaign, CampaignStatus, Entry, EntryStatus, EntryVersion, StageKind
from workflow_app.services.competition import dossier as svc
from workflow_app.services.competition import dossier_content, dossier_versions, entry_check, richtext
from workflow_app.services.platform import files
from workflow_app.timeutil import end_of_day

from .factories import TITLE, make_world, stage, track
from .helpers import login, post_form


def _user(email):
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def _editor_data(entry: Entry, **override) -> dict:
    """The editor's fields as the browser would post them, from the entry's current content."""
    data = {"title": entry.title, "lead_name": entry.lead_name, "expected_version": str(entry.version)}
    for sec in entry.campaign.dossier_schema:
        value = (entry.dossier or {}).get(sec["key"])
        mode = dossier_content.mode_of(sec, value)
        if sec["kind"] == "table_or_text":
            data[f"mode-{sec['key']}"] = mode
        if mode == "table":
            data[f"grid-{sec['key']}"] = json.dumps(dossier_content.grid_of(sec, value).to_json(), ensure_ascii=False)
        else:
            data[f"sec-{sec['key']}"] = value or ""
    for col in ("name", "position", "role"):
        data[f"team-{col}"] = [m[col] for m in entry.team] + [""]
    data.update(override)
    return data


# --- sanitising --------------------------------------------------------------------------------

def test_sanitize_keeps_the_safe_subset_only():
    dirty = ('<p onclick="x()">Текст <b>жирный</b> <i>курсив</i><script>alert(1)</script>'
             '<img src=x onerror="alert(2)"><a href="javascript:alert(3)">плохая</a>'
             '<a href="https://iro23.ru" target="_blank">хорошая</a><span style="color:red">цвет</span></p>'
             '<ul><li>пункт</li></ul><iframe src="https://evil"></iframe>')
    clean = richtext.sanitize(dirty)
    for bad in ("script", "alert", "onerror", "onclick", "javascript:", "<img", "iframe", "style", "target"):
        assert bad not in clean
    assert '<a href="https://iro23.ru" rel="noopener">хорошая</a>' in clean
    assert "<b>жирный</b>" in clean and "<i>курсив</i>" in clean and "<li>пункт</li>" in clean
    assert richtext.sanitize("Первый абзац\nстрока\n\nВторой <абзац>") == \
        "<p>Первый абзац<br>строка</p><p>Второй &lt;абзац&gt;</p>"
    assert richtext.sanitize("<p> <br> </p>") == ""


def test_saving_through_the_editor_sanitises_and_drops_empty_rows(app, client):
    with app.app_context():
        w = make_world()
        e = db.session.get(Entry, w.entry_id)
        data = _editor_data(e)
    data["sec-2.2"] = ('<p>Идея <strong>проекта</strong><script>alert("x")</script></p>'
                       '<a href="javascript:evil()">ссылка</a>')
    data["mode-3.2"] = "table"
    data["grid-3.2"] = json.dumps({"columns": ["Мероприятие", "Целевая аудитория", "Задачи"],
                                   "rows": [["Семинар", "Педагоги", "Обучение"], ["", "", "  "], ["", "", ""]],
                                   "row_kinds": ["data", "data", "data"]})
    login(client, "appa@x.ru")
    resp = post_form(client, f"/entries/{w.entry_id}/edit", data)
    assert resp.status_code == 302
    with app.app_context():
        e = db.session.get(Entry, w.entry_id)
        assert e.dossier["2.2"] == '<p>Идея <strong>проекта</strong></p><a rel="noopener">ссылка</a>'
        assert e.dossier["3.2"]["rows"] == [["Семинар", "Педагоги", "Обучение"]]
        assert e.dossier["3.2"]["row_kinds"] == ["data"]
    page = client.get(f"/entries/{w.entry_id}").get_data(as_text=True)
    assert "<strong>проекта</strong>" in page and 'alert("x")' not in page and "javascript:" not in page


def test_autosave_answers_json_with_time_version_and_missing_list(app, client):
    with app.app_context():
        w = make_world()
        data = _editor_data(db.session.get(Entry, w.entry_id), title="")
    login(client, "appa@x.ru")
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get(f"/entries/{w.entry_id}/edit").get_data(as_text=True)).group(1)
    resp = client.post(f"/entries/{w.entry_id}/edit", data=data,
                       headers={"X-CSRFToken": token, "X-Requested-With": "fetch"})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["ok"] and re.fullmatch(r"\d\d:\d\d", body["saved_at"])
    assert body["missing"] == ["Не указана тема проекта."]
    # a stale version (another tab saved first) is refused and changes nothing
    data["title"] = "Из старой вкладки"
    resp = client.post(f"/entries/{w.entry_id}/edit", data=data,
                       headers={"X-CSRFToken": token, "X-Requested-With": "fetch"})
    assert resp.status_code == 409 and "изменена другим пользователем" in resp.get_json()["error"]
    with app.app_context():
        assert db.session.get(Entry, w.entry_id).title == ""


# --- creating entries ------------------------------------------------------------------------------

def test_create_entry_rules(app, client):
    with app.app_context():
        w = make_world(entries_per_org=1)
        c = db.session.get(Campaign, w.campaign_id)
        b = db.session.get(Organization, w.org_b)
        appb = _user("appb@x.ru")
        doo = track(c, "ДОО")
        with pytest.raises(ValidationFailed, match="типа «ОО» не могут участвовать"):
            svc.create_entry(appb, b, c, doo)
        e = svc.create_entry(appb, b, c, track(c, "ОО"))
        assert e.code == f"ИП-{c.year}-0002" and e.status == EntryStatus.draft
        with pytest.raises(ValidationFailed, match="допустимое число заявок"):
            svc.create_entry(appb, b, c, track(c, "ОО"))
        c.entries_per_org = 2
        stage(c, StageKind.submission).deadline = utcnow() - timedelta(minutes=1)
        with pytest.raises(ValidationFailed, match="Срок подачи заявок .* истёк"):
            svc.create_entry(appb, b, c, track(c, "ОО"))
        stage(c, StageKind.submission).deadline = utcnow() + timedelta(days=1)
        c.status = CampaignStatus.draft
        with pytest.raises(ValidationFailed, match="не ведётся"):
            svc.create_entry(appb, b, c, track(c, "ОО"))
        db.session.rollback()
        assert db.session.execute(select(func.count(AuditEvent.id)).where(
            AuditEvent.event == "entry.create")).scalar_one() == 0

    # through the web: the list offers only the tracks allowed for the organisation's type
    login(client, "appb@x.ru")
    page = client.get("/entries/").get_data(as_text=True)
    assert "Общеобразовательные организации" in page and "Дошкольные образовательные организации" not in page
    with app.app_context():
        c = db.session.get(Campaign, w.campaign_id)
        target = f"{c.id}:{track(c, 'ОО').id}"
    resp = post_form(client, "/entries/new", {"org_id": w.org_b, "target": target}, form_url="/entries/")
    assert resp.status_code == 302 and "/edit" in resp.headers["Location"]
    resp = post_form(client, "/entries/new", {"org_id": w.org_b, "target": target}, form_url="/entries/",
                     follow_redirects=True)
    assert "допустимое число заявок" in resp.get_data(as_text=True)
    # another organisation's id in the form is refused
    resp = post_form(client, "/entries/new", {"org_id": w.org_a, "target": target}, form_url="/entries/",
                     follow_redirects=True)
    assert "Недостаточно прав" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count(Entry.id))).scalar_one() == 2


# --- completeness, deadline, extension ------------------------------------------------------------

def test_completeness_lists_what_is_missing_and_blocks_submission(ctx):
    w = make_world()
    e = db.session.get(Entry, w.entry_id)
    e.title, e.lead_name, e.team = "", "", []
    e.dossier = dict(e.dossier, **{"1.1": "<p> </p>", "3.2": [], "4.5": ""})
    db.session.flush()
    missing = svc.missing(e)
    assert missing[:3] == ["Не указана тема проекта.", "Не указан руководитель проекта.",
                           "Не указан состав команды проекта."]
    assert any("1.1." in m for m in missing) and any("3.2." in m for m in missing)
    assert not any("4.5." in m for m in missing)  # optional section
    with pytest.raises(TransitionNotAllowed, match="Заявка заполнена не полностью: Не указана тема"):
        svc.submit(_user("appa@x.ru"), e)
    assert db.session.get(Entry, w.entry_id).status == EntryStatus.draft
    assert db.session.execute(select(func.count(EntryVersion.id))).scalar_one() == 0


def test_deadline_refuses_submission_until_staff_extend_it(app, client):
    with app.app_context():
        w = make_world()
        c = db.session.get(Campaign, w.campaign_id)
        stage(c, StageKind.submission).deadline = utcnow() - timedelta(hours=1)
        db.session.commit()
    login(client, "appa@x.ru")
    page = client.get(f"/entries/{w.entry_id}/submit").get_data(as_text=True)
    assert "Срок подачи истёк" in page and "confirm-submit" not in page
    resp = post_form(client, f"/entries/{w.entry_id}/submit", {}, form_url=f"/entries/{w.entry_id}/edit",
                     follow_redirects=True)
    assert "Срок подачи истёк" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Entry, w.entry_id).status == EntryStatus.draft
        # the applicant may not extend their own deadline
        with pytest.raises(Exception, match="Недостаточно прав"):
            entry_check.grant_extension(_user("appa@x.ru"), db.session.get(Entry, w.entry_id),
                                        date.today() + timedelta(days=3), "сам себе")
        db.session.rollback()

    staff = app.test_client()
    login(staff, "staff@x.ru")
    resp = post_form(staff, f"/entries/{w.entry_id}/extend", {"until": "", "reason": "Болезнь руководителя"},
                     form_url=f"/entries/{w.entry_id}", follow_redirects=True)
    assert "Укажите дату" in resp.get_data(as_text=True)
    until = date.today() + timedelta(days=3)
    with app.app_context():
        version = db.session.get(Entry, w.entry_id).version
    resp = post_form(staff, f"/entries/{w.entry_id}/extend",
                     {"until": until.isoformat(), "reason": "Болезнь руководителя", "expected_version": version},
                     form_url=f"/entries/{w.entry_id}", follow_redirects=True)
    assert f"продлён до {until:%d.%m.%Y}" in resp.get_data(as_text=True)
    with app.app_context():
        ev = db.session.execute(select(AuditEvent).where(AuditEvent.event == "entry.extension")).scalar_one()
        assert ev.reason == "Болезнь руководителя" and ev.payload["until"] == until.isoformat()
        assert ev.actor.email == "staff@x.ru"

    resp = post_form(client, f"/entries/{w.entry_id}/submit", {}, follow_redirects=True)
    assert "Зафиксирована версия № 1" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Entry, w.entry_id).status == EntryStatus.submitted


def test_returned_entry_is_due_by_correction_date(ctx):
    w = make_world()
    e = db.session.get(Entry, w.entry_id)
    appa, staff = _user("appa@x.ru"), _user("staff@x.ru")
    svc.submit(appa, e)
    entry_check.return_for_correction(staff, e, "Уточните план-график", date.today() + timedelta(days=5))
    assert svc.effective_deadline(e) == end_of_day(date.today() + timedelta(days=5))
    e.correction_due = utcnow() - timedelta(minutes=5)  # the due date has passed
    db.session.flush()
    with pytest.raises(TransitionNotAllowed, match="Срок подачи истёк"):
        svc.submit(appa, e)
    entry_check.grant_extension(staff, e, date.today() + timedelta(days=2), "Согласовано с директором ЦНИ")
    svc.submit(appa, e)
    assert e.status == EntryStatus.submitted and e.current_version == 2


# --- versions, PDF, diff ------------------------------------------------------------------------

def test_submission_freezes_versions_that_never_change(app, client):
    with app.app_context():
        w = make_world()
        e = db.session.get(Entry, w.entry_id)
        appa, staff = _user("appa@x.ru"), _user("staff@x.ru")
        svc.submit(appa, e)
        db.session.commit()
        v1 = dossier_versions.version(e, 1)
        now_hash = dossier_versions.canonical_hash(dossier_versions.snapshot(e))
        assert v1.sha256 == dossier_versions.canonical_hash(v1.content) == now_hash
        v1_content, v1_sha = dict(v1.content), v1.sha256
        v1_pdf = files.read_stored(v1.pdf_file)
        text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(v1_pdf)).pages)
        assert TITLE in text and "3.2. Мероприятия, направленные на реализацию проекта." in text and e.code in text
        assert v1.pdf_file.sha256 and v1.pdf_file.content_type == "application/pdf"
        audit_submit = db.session.execute(select(AuditEvent).where(AuditEvent.event == "entry.submit")).scalar_one()
        assert audit_submit.payload["version"] == 1 and audit_submit.payload["sha256"] == v1_sha

        entry_check.return_for_correction(staff, e, "Дополните раздел 2.2", date.today() + timedelta(days=7))
        db.session.commit()

    # the applicant corrects section 2.2 and resubmits through the web
    login(client, "appa@x.ru")
    with app.app_context():
        data = _editor_data(db.session.get(Entry, w.entry_id))
    data["sec-2.2"] = "<p>Новая основная идея проекта.</p>"
    post_form(client, f"/entries/{w.entry_id}/edit", data)
    staff_client = app.test_client()
    login(staff_client, "staff@x.ru")
    page = staff_client.get(f"/entries/{w.entry_id}").get_data(as_text=True)
    # staff read the submitted version, not the applicant's work in progress
    assert "версия № 1" in page and "Новая основная идея" not in page
    resp = post_form(client, f"/entries/{w.entry_id}/submit", {}, follow_redirects=True)
    assert "Зафиксирована версия № 2" in resp.get_data(as_text=True)

    with app.app_context():
        e = db.session.get(Entry, w.entry_id)
        assert e.status == EntryStatus.submitted and e.current_version == 2
        v1 = dossier_versions.version(e, 1)
        assert v1.content == v1_content and v1.sha256 == v1_sha == dossier_versions.canonical_hash(v1.content)
        assert files.read_stored(v1.pdf_file) == v1_pdf
        v2 = dossier_versions.version(e, 2)
        assert v2.sha256 != v1_sha
        parts = {p["title"]: p for p in dossier_versions.diff_contents(v1.content, v2.content)}
        changed = [t for t, p in parts.items() if p["changed"]]
        title = "2.2. Основная идея инновационного проекта."
        assert changed == [title]
        (op, words), = parts[title]["lines"]
        assert op == "~" and ("+", "Новая основная идея проекта") in words
        assert any(o == "-" and t.startswith("Текст раздела") for o, t in words)

    page = staff_client.get(f"/entries/{w.entry_id}/diff?a=1&b=2").get_data(as_text=True)
    assert "Изменено частей: <strong>1</strong>" in page
    assert "<ins>Новая основная идея проекта</ins>" in page and "<del>Текст раздела 2</del>" in page
    pdf = staff_client.get(f"/entries/{w.entry_id}/versions/2.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert client.get(f"/entries/{w.entry_id}/versions/1.pdf").data == v1_pdf  # the applicant too


def test_diff_compares_tables_row_by_row():
    old = {"title": "A", "sections": [{"key": "6", "title": "6. План", "kind": "table", "columns": ["Год", "Что"],
                                       "rows": [["2026", "Старт"], ["2027", "Апробация"]]}]}
    new = {"title": "A", "sections": [{"key": "6", "title": "6. План", "kind": "table", "columns": ["Год", "Что"],
                                       "rows": [["2026", "Старт"], ["2027", "Апробация модели"], ["2028", "Итоги"]]}]}
    part = next(p for p in dossier_versions.diff_contents(old, new) if p["title"] == "6. План")
    assert part["lines"] == [(" ", "Год | Что"), (" ", "2026 | Старт"),
                             ("~", [(" ", "2027 | Апробация"), ("+", " модели")]), ("+", "2028 | Итоги")]


# --- attachments ---------------------------------------------------------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_attachments_are_checked_by_content_and_served_only_to_readers(app, client):
    with app.app_context():
        w = make_world()
    login(client, "appa@x.ru")
    url = f"/entries/{w.entry_id}/attachments"
    resp = post_form(client, url, {"file": (io.BytesIO(b"MZ\x90\x00 fake exe"), "приказ.pdf"), "title": "Приказ"},
                     form_url=f"/entries/{w.entry_id}/edit", content_type="multipart/form-data",
                     follow_redirects=True)
    assert "Файл «приказ.pdf» отклонён: это исполняемый файл Windows" in resp.get_data(as_text=True)
    resp = post_form(client, url, {"file": (io.BytesIO(PDF_BYTES), "../../приказ.pdf"), "title": "Приказ"},
                     form_url=f"/entries/{w.entry_id}/edit", content_type="multipart/form-data",
                     follow_redirects=True)
    assert "Файл приложен" in resp.get_data(as_text=True)
    with app.app_context():
        e = db.session.get(Entry, w.entry_id)
        (att,) = e.attachments
        assert att.file.original_name == "приказ.pdf" and att.file.content_type == "application/pdf"
        assert files.read_stored(att.file) == PDF_BYTES
        assert "static" not in str(files._path(att.file.storage_name))
        file_id = att.file_id
    got = client.get(f"/entries/{w.entry_id}/files/{file_id}")
    assert got.status_code == 200 and got.data == PDF_BYTES
    other = app.test_client()
    login(other, "appb@x.ru")
    assert other.get(f"/entries/{w.entry_id}/files/{file_id}").status_code == 403
    resp = post_form(client, url, {"file": (io.BytesIO(b"PK\x03\x04not a word file"), "план.docx")},
                     form_url=f"/entries/{w.entry_id}/edit", content_type="multipart/form-data",
                     follow_redirects=True)
    assert "не является файлом DOCX" in resp.get_data(as_text=True)
    with app.app_context():
        assert len(db.session.get(Entry, w.entry_id).attachments) == 1


# --- withdrawal ----------------------------------------------------------------------------------

def test_withdrawal_needs_a_reason_and_is_final(app, client):
    with app.app_context():
        w = make_world()
        svc.submit(_user("appa@x.ru"), db.session.get(Entry, w.entry_id))
        db.session.commit()
    login(client, "appa@x.ru")
    page = client.get(f"/entries/{w.entry_id}").get_data(as_text=True)
    assert 'data-confirm="Отозвать заявку' in page
    resp = post_form(client, f"/entries/{w.entry_id}/withdraw", {"reason": ""},
                     form_url=f"/entries/{w.entry_id}", follow_redirects=True)
    assert "Укажите причину" in resp.get_data(as_text=True)
    resp = post_form(client, f"/entries/{w.entry_id}/withdraw", {"reason": "Смена руководителя"},
                     form_url=f"/entries/{w.entry_id}", follow_redirects=True)
    assert "отозвана" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Entry, w.entry_id).status == EntryStatus.withdrawn
        ev = db.session.execute(select(AuditEvent).where(AuditEvent.event == "entry.withdraw")).scalar_one()
        assert ev.reason == "Смена руководителя" and ev.from_state == "submitted"
    assert "Отозвать заявку" not in client.get(f"/entries/{w.entry_id}").get_data(as_text=True)
