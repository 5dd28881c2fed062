"""A frozen version as PDF and DOCX (the same content, headings in full, paragraphs kept apart, group rows
passed to the renderers as such, lines of a cell kept), the download links, and the word-level diff."""
from sqlalchemy import select

from workflow_app.documents import dossier as dossier_doc
from workflow_app.documents.layout import P, TableBlock
from workflow_app.extensions import db
from workflow_app.models import User
from workflow_app.models.competition import Entry
from workflow_app.services.competition import dossier as svc
from workflow_app.services.competition import dossier_json, dossier_versions

from .factories import make_world
from .helpers import docx_blocks, docx_open, login, pdf_text

SIX = "\n".join(f"{i}) строка {i} ячейки" for i in range(1, 7))
CONTENT = {
    "code": "ИП-2026-0001", "campaign": "Инновационный поиск 2026", "title": "Тема", "organization": "МБОУ СОШ № 1",
    "sections": [
        {"key": "1.1", "code": "1.1", "chapter": "1. Обоснование темы проекта.", "kind": "text",
         "title": "1.1. Обоснование темы проекта. Актуальность для развития системы образования.",
         "html": ("<p>Первый  абзац<br>вторая строка</p><p>Второй абзац с <b>полужирным</b>.</p>"
                  "<ul><li>пункт</li></ul>")},
        {"key": "6", "code": "6", "chapter": "", "kind": "table", "title": "6. План-график выполнения работ.",
         "columns": ["№", "Год", "Мероприятие", "Сроки"],
         "rows": [["НАПРАВЛЕНИЕ ДЕЯТЕЛЬНОСТИ ОРГАНИЗАЦИОННЫЕ МЕРОПРИЯТИЯ", "", "", ""], ["1.1.", "2025", SIX, "май"],
                  ["", "", "продолжение", ""]],
         "row_kinds": ["group", "data", "continuation"]},
    ],
}


def test_one_layout_for_both_formats_with_headings_paragraphs_and_row_kinds():
    spec = dossier_doc.spec(CONTENT, number=2, created="01.12.2026 10:00", sha256="ab" * 32)
    texts = ["".join(r.text for r in b.runs) for b in spec.blocks if isinstance(b, P)]
    assert "1. Обоснование темы проекта." in texts and CONTENT["sections"][0]["title"] in texts
    assert texts.index("1. Обоснование темы проекта.") < texts.index(CONTENT["sections"][0]["title"])
    paras = [b for b in spec.blocks if isinstance(b, P) and "абзац" in "".join(r.text for r in b.runs)]
    assert ["".join(r.text for r in p.runs) for p in paras] == ["Первый  абзац\nвторая строка",
                                                                 "Второй абзац с полужирным."]
    assert all(p.after > 0 for p in paras)       # paragraphs stay apart
    assert any(r.bold and r.text == "полужирным" for r in paras[1].runs)
    table = next(b for b in spec.blocks if isinstance(b, TableBlock) and b.table.headers[0] == "№").table
    assert table.row_kinds == ("group", "data", "continuation") and table.rows[1][2] == SIX


def test_pdf_and_docx_carry_the_same_content():
    pdf = pdf_text(dossier_doc.build_dossier_pdf(CONTENT, number=2, created="01.12.2026 10:00", sha256="ab" * 32))
    docx = dossier_doc.build_dossier_docx(CONTENT, number=2, created="01.12.2026 10:00", sha256="ab" * 32)
    blocks = docx_blocks(docx)
    headings = ("1. Обоснование темы проекта.", CONTENT["sections"][0]["title"], "6. План-график выполнения работ.")
    for heading in headings:
        assert heading in blocks and " ".join(heading.split()) in pdf
    assert "Первый  абзац\nвторая строка" in blocks and "Второй абзац с полужирным." in blocks
    assert "• пункт" in blocks
    table = docx_open(docx).tables[-1]
    assert len(table.rows) == 4 and table.rows[2].cells[2].text == SIX    # the six lines kept in DOCX
    for i in range(1, 7):
        assert f"{i}) строка {i} ячейки" in pdf
    assert "НАПРАВЛЕНИЕ ДЕЯТЕЛЬНОСТИ ОРГАНИЗАЦИОННЫЕ МЕРОПРИЯТИЯ" in " ".join(blocks)


def test_a_theme_longer_than_docx_metadata_allows_still_builds():
    long = dict(CONTENT, title="Т" * 400)
    data = dossier_doc.build_dossier_docx(long, number=1, created="x", sha256="0" * 64)
    d = docx_open(data)
    assert len(d.core_properties.title) <= 255 and "Т" * 400 in docx_blocks(data)


def test_version_downloads_and_word_level_diff(app, client):
    with app.app_context():
        w = make_world()
        e = db.session.get(Entry, w.entry_id)
        appa = db.session.execute(select(User).where(User.email == "appa@x.ru")).scalar_one()
        staff = db.session.execute(select(User).where(User.email == "staff@x.ru")).scalar_one()
        dossier_json.apply_dossier_json(appa, e, {"sections": [
            {"code": "2.2", "text": "Проект охватывает 12 школ края.\n\nВторой абзац без изменений."}]})
        svc.submit(appa, e)
        from datetime import date, timedelta

        from workflow_app.services.competition import entry_check
        entry_check.return_for_correction(staff, e, "Уточните охват", date.today() + timedelta(days=5))
        dossier_json.apply_dossier_json(appa, e, {"sections": [
            {"code": "2.2", "text": "Проект охватывает 15 школ края.\n\nВторой абзац без изменений."}]})
        svc.submit(appa, e)
        db.session.commit()
    login(client, "staff@x.ru")
    page = client.get(f"/entries/{w.entry_id}").get_data(as_text=True)
    assert f"/entries/{w.entry_id}/versions/1.docx" in page and f"/entries/{w.entry_id}/versions/1.json" in page
    resp = client.get(f"/entries/{w.entry_id}/versions/2.docx")
    assert resp.status_code == 200 and resp.data[:2] == b"PK"
    assert "Проект охватывает 15 школ края." in docx_blocks(resp.data)
    assert client.get(f"/entries/{w.entry_id}/versions/9.docx").status_code == 404
    got = client.get(f"/entries/{w.entry_id}/versions/1.json").get_json()
    assert next(s for s in got["sections"] if s["code"] == "2.2")["text"].startswith("Проект охватывает 12")

    page = client.get(f"/entries/{w.entry_id}/diff?a=1&b=2").get_data(as_text=True)
    # the changed number is marked inside the paragraph; the rest of it and the other paragraph are plain
    assert "Проект охватывает <del>12</del><ins>15</ins> школ края." in page
    assert "<del>Проект" not in page and "Второй абзац без изменений." in page
    with app.app_context():
        e = db.session.get(Entry, w.entry_id)
        parts = dossier_versions.diff_contents(dossier_versions.version(e, 1).content,
                                               dossier_versions.version(e, 2).content)
        lines = next(p for p in parts if p["title"].startswith("2.2."))["lines"]
        assert lines == [("~", [(" ", "Проект охватывает "), ("-", "12"), ("+", "15"), (" ", " школ края.")]),
                         (" ", "Второй абзац без изменений.")]

    other = app.test_client()
    login(other, "appb@x.ru")
    assert other.get(f"/entries/{w.entry_id}/versions/1.docx").status_code == 403
    assert other.get(f"/entries/{w.entry_id}/versions/1.json").status_code == 403
