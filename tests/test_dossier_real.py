"""A real-sized dossier goes in whole and comes out right: 60,000 characters, a 54-row plan table with
group rows, continuation rows and multi-line cells, through the editor's form POST and through the JSON
form, back identical field by field; its PDF and DOCX show every heading, every row and every line."""
import html
import json
import re

from sqlalchemy import select

from workflow_app.documents import dossier as dossier_doc
from workflow_app.extensions import db
from workflow_app.models import User
from workflow_app.models.competition import Entry
from workflow_app.services.competition import dossier as svc
from workflow_app.services.competition import dossier_json, dossier_versions, richtext

from .data.real_dossier import LATIN_C_WORD, MIN_CHARS, YO_WORD, characters, real_dossier
from .factories import make_world
from .helpers import docx_blocks, docx_open, login, pdf_pages, post_form


def _user(email):
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def editor_post(data: dict, schema: list[dict], version: int) -> dict:
    """The editor's form for the JSON dossier, as the browser posts it: text sections as the HTML the
    editor holds after a plain-text paste, tables as the grid field's JSON."""
    tp = data["title_page"]
    form = {"title": tp["theme"], "lead_name": tp["lead_name"], "expected_version": str(version)}
    for col in ("name", "position", "role"):
        form[f"team-{col}"] = [m[col] for m in tp["team"]]
    by_code = {s["code"]: s for s in data["sections"]}
    for sec in schema:
        item = by_code[sec["code"]]
        is_table = "rows" in item
        if sec["kind"] == "table_or_text":
            form[f"mode-{sec['key']}"] = "table" if is_table else "text"
        if is_table:
            form[f"grid-{sec['key']}"] = json.dumps({k: item[k] for k in ("columns", "rows", "row_kinds")},
                                                    ensure_ascii=False)
        else:
            form[f"sec-{sec['key']}"] = richtext.from_text(item["text"])
    return form


def assert_same(got: dict, want: dict) -> None:
    """Field by field, so a failure names the field."""
    for k in ("theme", "lead_name", "team"):
        assert got["title_page"][k] == want["title_page"][k], k
    assert [s["code"] for s in got["sections"]] == [s["code"] for s in want["sections"]]
    for g, w in zip(got["sections"], want["sections"], strict=True):
        for k in w:
            assert g[k] == w[k], f"section {w['code']}, field {k}"
        assert set(g) == set(w), w["code"]


def test_fixture_is_the_documented_size():
    data = real_dossier()
    assert characters(data) >= MIN_CHARS
    plan = next(s for s in data["sections"] if s["code"] == "6")
    assert len(plan["rows"]) == 54 and {"group", "data", "continuation"} == set(plan["row_kinds"])
    assert any(c.count("\n") == 5 and len(c) >= 550 for r in plan["rows"] for c in r)
    flat = json.dumps(data, ensure_ascii=False)
    for ch in (YO_WORD, LATIN_C_WORD, "№", "«", "»", "—", "–", "  "):
        assert ch in flat


def test_real_dossier_through_the_editor_form_comes_back_identical(app, client):
    want = real_dossier()
    with app.app_context():
        w = make_world()
        e = db.session.get(Entry, w.entry_id)
        form = editor_post(want, e.campaign.dossier_schema, e.version)
    login(client, "appa@x.ru")
    resp = post_form(client, f"/entries/{w.entry_id}/edit", form)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    with app.app_context():
        e = db.session.get(Entry, w.entry_id)
        assert_same(dossier_json.dossier_to_json(e), want)
    # and the download button gives the same JSON
    got = json.loads(client.get(f"/entries/{w.entry_id}/dossier.json").get_data(as_text=True))
    assert_same(got, want)
    # the editor page shows every section with its table in the grid field
    page = client.get(f"/entries/{w.entry_id}/edit").get_data(as_text=True)
    field = re.search(r'<textarea name="grid-6"[^>]*>([^<]*)</textarea>', page).group(1)
    plan = next(s for s in want["sections"] if s["code"] == "6")
    shown = json.loads(html.unescape(field))
    assert (shown["columns"], shown["rows"], shown["row_kinds"]) == (plan["columns"], plan["rows"], plan["row_kinds"])
    assert 'name="mode-6" value="table" data-mode-for="6" checked' in page
    # every official heading in full, on the editor and on the entry page; chapters once each
    shown = client.get(f"/entries/{w.entry_id}").get_data(as_text=True)
    with app.app_context():
        schema = db.session.get(Entry, w.entry_id).campaign.dossier_schema
    for sec in schema:
        assert f">{sec['title']}<" in page and f">{sec['title']}<" in shown, sec["title"]
    for chapter in {s["chapter"] for s in schema if s.get("chapter")}:
        assert shown.count(f">{chapter}<") == 1 and page.count(f">{chapter}<") == 1, chapter


def test_real_dossier_through_json_comes_back_identical_and_prints_whole(ctx):
    want = real_dossier()
    w = make_world()
    e = db.session.get(Entry, w.entry_id)
    appa = _user("appa@x.ru")
    dossier_json.apply_dossier_json(appa, e, real_dossier(), partial=False)
    assert_same(dossier_json.dossier_to_json(e), want)

    svc.submit(appa, e)
    v = dossier_versions.version(e, 1)
    assert_same(dossier_json.dossier_to_json(v), want)

    pdf = dossier_doc.build_dossier_pdf(v.content, number=1, created="01.12.2026 10:00", sha256=v.sha256)
    docx = dossier_doc.build_dossier_docx(v.content, number=1, created="01.12.2026 10:00", sha256=v.sha256)
    assert_documents_whole(pdf, docx, want, e.campaign.dossier_schema)


def assert_documents_whole(pdf: bytes, docx: bytes, want: dict, schema: list[dict]) -> None:
    """The dossier's PDF and DOCX show every official heading, every line of every paragraph in order,
    every line of every table cell, each table as one DOCX table with a row per row, and multi-line cells
    with their line breaks."""
    letters = _letters(" ".join(_without_page_number(t, n) for n, t in enumerate(pdf_pages(pdf), start=1)))
    blocks = docx_blocks(docx)
    docx_all = _letters(" ".join(blocks))
    headings = [s["title"] for s in schema] + sorted({s["chapter"] for s in schema if s.get("chapter")})
    for h in headings:
        assert _letters(h) in letters, h
        assert h in blocks, h     # a heading is a paragraph of its own in DOCX, in full
    # every line of every paragraph, in order; every line of every cell (a PDF draws a cell that needs a
    # word broken after the other cells of its page, so table lines are looked up, not followed)
    pos_pdf = pos_docx = 0
    for sec in want["sections"]:
        if "text" in sec:
            for piece in filter(None, (_letters(x) for p in sec["text"].split("\n\n") for x in p.split("\n"))):
                found = letters.find(piece, pos_pdf)
                assert found >= 0, f"PDF lacks, in section {sec['code']}: {piece[:80]}"
                pos_pdf = found + len(piece)
                found = docx_all.find(piece, pos_docx)
                assert found >= 0, f"DOCX lacks, in section {sec['code']}: {piece[:80]}"
                pos_docx = found + len(piece)
            continue
        lines = sec["columns"] + [line for r in sec["rows"] for c in r for line in c.split("\n")]
        for piece in filter(None, (_letters(x) for x in lines)):
            assert piece in letters, f"PDF lacks, in table {sec['code']}: {piece[:80]}"
            assert piece in docx_all, f"DOCX lacks, in table {sec['code']}: {piece[:80]}"
        # and in DOCX the table is one table with a row per row
        table = next(t for t in docx_open(docx).tables if t.rows[0].cells[-1].text == sec["columns"][-1]
                     and len(t.rows) == len(sec["rows"]) + 1)
        assert table.rows[0].cells[0].text == sec["columns"][0]
    # multi-line cells keep their lines in DOCX (line breaks, not one run-on paragraph)
    plan = next(s for s in want["sections"] if s["code"] == "6")
    six = next(c for r in plan["rows"] for c in r if c.count("\n") == 5)
    table = next(b for b in blocks if b.startswith("[table]") and "НАПРАВЛЕНИЕ ДЕЯТЕЛЬНОСТИ" in b
                 and "Ответственный" in b)
    assert six in table


def _letters(text: str) -> str:
    """Letters and digits only: PDF extraction breaks lines and may hyphenate words inside table cells."""
    return re.sub(r"[\W_]+", "", text)


def _without_page_number(text: str, n: int) -> str:
    """Page numbers stand at the top of every page from the second: not part of the dossier's text."""
    return text.removeprefix(f"{n} ") if n > 1 else text
