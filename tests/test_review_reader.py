"""The expert's reader: blind review hides the applicant everywhere; attachments get generic names;
the dashboard costs a constant number of SQL statements whatever the page size."""
import io
import zipfile
from decimal import Decimal
from urllib.parse import quote

import pytest
from docx import Document
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen import canvas
from sqlalchemy import event

from workflow_app.extensions import db
from workflow_app.models import Role
from workflow_app.models.base import utcnow
from workflow_app.models.competition import AssignmentStatus, EntryAttachment, EntryStatus, ReviewAssignment
from workflow_app.services.platform import files
from workflow_app.services.platform.doc_metadata import MetadataNotRemovable, strip_metadata
from workflow_app.services.platform.files import store_bytes

from .factories import accepted, admitted_entry, make_campaign, make_expert, make_user, org, review_stage
from .helpers import login, pdf_text


def _pdf_with_author() -> bytes:
    """A real PDF whose document information and XMP name the school and its staff."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setAuthor("Petrova Anna Ivanovna")
    c.setTitle("Ustav MBOU SOSH 77")
    c.setCreator("Sochi school 77")
    c.drawString(72, 720, "Project charter")
    c.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    writer.add_metadata({"/Company": "MBOU SOSH 77 Sochi"})
    writer.xmp_metadata = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
                           b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
                           b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Petrova XMP</dc:creator>'
                           b'</rdf:Description></rdf:RDF></x:xmpmeta>')
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _docx_with_author() -> bytes:
    """A real DOCX whose core and extended properties name the school and its staff."""
    d = Document()
    d.add_paragraph("План мероприятий проекта")
    props = d.core_properties
    props.author, props.last_modified_by = "Петрова Анна Ивановна", "Сидоров Пётр Ильич"
    props.title, props.comments = "Устав МБОУ СОШ № 77", "МБОУ СОШ № 77, Сочи"
    buf = io.BytesIO()
    d.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            data = src.read(name)
            if name == "docProps/app.xml":
                data = data.replace(b"</Properties>", "<Company>МБОУ СОШ № 77</Company>"
                                    "<Manager>Петрова А. И.</Manager></Properties>".encode())
            z.writestr(name, data)
    return out.getvalue()


SECRET_PDF = _pdf_with_author()
SECRET_DOCX = _docx_with_author()
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The organisation card: every field of it names the applicant.
CARD = {"inn": "2319012345", "address": "354000, Краснодарский край, г. Сочи, ул. Роз, д. 77",
        "email": "school77@edu.sochi.ru", "phone": "+7 (862) 264-77-77", "head_name": "Кузнецова Мария Петровна"}


def _entry_with_identity(app, blind: bool):
    with app.app_context():
        c = make_campaign(experts_per_entry=1, blind_review=blind)
        applicant = org("sochi", name="МБОУ СОШ № 77", **CARD)
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
            "1.2": "<p>Титульный лист. ИНН 2319012345. Адрес: 354000, Краснодарский край, г. Сочи, ул. Роз, "
                   "д. 77. Почта: school77@edu.sochi.ru, для справок — info@school77.ru. "
                   "Телефон: 8 862 2647777, приёмная 264-77-77. Директор Кузнецова Мария Петровна; "
                   "приказ подписан Кузнецовой М. П. Проект реализуется на ул. Роз.</p>",
            "3.2": [["Семинар для педагогов Сочи", "учителя", "обучение"]],
        }
        pdf = store_bytes(SECRET_PDF, original_name="Устав МБОУ СОШ 77.pdf", content_type="application/pdf")
        doc = store_bytes(SECRET_DOCX, original_name="План СОШ 77.docx", content_type=DOCX_TYPE)
        db.session.add(EntryAttachment(entry_id=e.id, file_id=pdf.id, title="Устав МБОУ СОШ № 77"))
        db.session.add(EntryAttachment(entry_id=e.id, file_id=doc.id, title="План"))
        x = make_expert("x@x.ru", "anapa")
        make_user("staff@x.ru", Role.staff)
        a = accepted(e, review_stage(c), x)
        db.session.commit()
        return a.id, e.code


IDENTITY = ("МБОУ СОШ № 77", "учреждение СОШ", "Сочи", "город-курорт", "Петрова", "Сидоров", "Устав",
            "2319012345", "354000", "ул. Роз", "school77", "@", "2647777", "264-77-77", "862",
            "Кузнецов")


def test_blind_reader_hides_organisation_municipality_and_people(app, client):
    aid, code = _entry_with_identity(app, blind=True)
    login(client, "x@x.ru")
    html = client.get(f"/expert/assignments/{aid}").get_data(as_text=True)
    assert code in html and "Цифровая школа будущего" in html
    for secret in IDENTITY:
        assert secret not in html, secret
    assert "Краснодарского края" in html  # the region is not the applicant's identity
    assert "<script>alert" not in html  # sanitised again on the way out
    assert "Приложение 1.pdf" in html and "Приложение 2.docx" in html
    assert "[скрыто]" in html

    resp = client.get(f"/expert/assignments/{aid}/attachments/1")
    assert resp.status_code == 200
    disposition = resp.headers["Content-Disposition"]
    assert quote("Приложение 1.pdf") in disposition and quote("Устав") not in disposition
    assert client.get(f"/expert/assignments/{aid}/pdf").status_code == 404
    assert client.get(f"/expert/assignments/{aid}/attachments/3").status_code == 404
    dash = client.get("/expert/").get_data(as_text=True)
    assert code in dash and "Цифровая школа будущего" not in dash
    assert "<td>Общеобразовательные организации</td>" in dash and "<td>ОО</td>" not in dash


def test_blind_review_sheet_page_and_pdf_carry_no_identity(app, client):
    aid, code = _entry_with_identity(app, blind=True)
    login(client, "x@x.ru")
    page = client.get(f"/expert/assignments/{aid}/sheet").get_data(as_text=True)
    assert code in page
    pdf = client.get(f"/documents/assignment/{aid}/sheet.pdf")
    assert pdf.status_code == 200, pdf.status_code
    text = pdf_text(pdf.data)
    assert code in text
    for secret in (*IDENTITY, "Цифровая школа"):
        assert secret not in page, secret
        assert secret not in text, secret


def test_blind_expert_downloads_attachments_without_author_or_company(app, client):
    aid, _ = _entry_with_identity(app, blind=True)
    login(client, "x@x.ru")
    pdf = client.get(f"/expert/assignments/{aid}/attachments/1")
    assert pdf.status_code == 200
    reader = PdfReader(io.BytesIO(pdf.data))
    assert not reader.metadata and reader.xmp_metadata is None
    assert "Project charter" in reader.pages[0].extract_text()
    for secret in (b"Petrova", b"SOSH", b"Sochi"):
        assert secret not in pdf.data, secret

    docx = client.get(f"/expert/assignments/{aid}/attachments/2")
    assert docx.status_code == 200
    d = Document(io.BytesIO(docx.data))
    props = d.core_properties
    assert (props.author, props.last_modified_by, props.title, props.comments) == ("", "", "", "")
    assert [p.text for p in d.paragraphs] == ["План мероприятий проекта"]
    app_xml = zipfile.ZipFile(io.BytesIO(docx.data)).read("docProps/app.xml").decode()
    assert "Company" not in app_xml and "Manager" not in app_xml and "СОШ" not in app_xml


def test_staff_get_the_original_attachment_and_the_stored_file_is_untouched(app, client):
    aid, _ = _entry_with_identity(app, blind=True)
    login(client, "x@x.ru")
    client.get(f"/expert/assignments/{aid}/attachments/1")
    client.get(f"/expert/assignments/{aid}/attachments/2")
    staff = app.test_client()
    login(staff, "staff@x.ru")
    assert staff.get(f"/expert/assignments/{aid}/attachments/1").data == SECRET_PDF
    assert staff.get(f"/expert/assignments/{aid}/attachments/2").data == SECRET_DOCX
    with app.app_context():
        a = db.session.get(ReviewAssignment, aid)
        stored = [files.read_stored(att.file) for att in a.entry.attachments]
    assert stored == [SECRET_PDF, SECRET_DOCX]


def test_blind_search_finds_nothing_by_the_hidden_title_or_organisation(app, client):
    aid, code = _entry_with_identity(app, blind=True)
    with app.app_context():
        e = db.session.get(ReviewAssignment, aid).entry
        e.title = "Цифровая школа МБОУ СОШ № 77"
        db.session.commit()
    login(client, "x@x.ru")
    for q in ("СОШ № 77", "Цифровая школа", "МБОУ"):
        page = client.get("/expert/", query_string={"q": q}).get_data(as_text=True)
        assert code not in page, q
    assert code in client.get("/expert/", query_string={"q": code}).get_data(as_text=True)


def test_open_campaign_search_still_finds_the_title(app, client):
    _, code = _entry_with_identity(app, blind=False)
    login(client, "x@x.ru")
    assert code in client.get("/expert/", query_string={"q": "Цифровая школа"}).get_data(as_text=True)


def test_open_reader_shows_the_applicant(app, client):
    aid, code = _entry_with_identity(app, blind=False)
    login(client, "x@x.ru")
    html = client.get(f"/expert/assignments/{aid}").get_data(as_text=True)
    assert "МБОУ СОШ № 77" in html and "город-курорт Сочи" in html and "Петрова Анна Ивановна" in html
    assert "Устав МБОУ СОШ № 77" in html
    assert "2319012345" in html and "Кузнецова Мария Петровна" in html  # nothing to hide
    resp = client.get(f"/expert/assignments/{aid}/attachments/1")
    assert quote("Устав МБОУ СОШ 77.pdf") in resp.headers["Content-Disposition"]
    assert resp.data == SECRET_PDF  # an open review hands the file over as it is


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


def test_an_unreadable_pdf_is_refused_to_a_blind_expert_not_passed_on():
    with pytest.raises(MetadataNotRemovable) as refused:
        strip_metadata(b"%PDF-1.4\n/Author (Petrova)\n", "application/pdf")
    assert "слепой экспертизы" in refused.value.message
    with pytest.raises(MetadataNotRemovable):
        strip_metadata(b"\xff\xd8\xff\xe1\x00", "image/jpeg")


def test_pictures_lose_their_text_and_exif_but_not_a_pixel():
    picture = Image.new("RGB", (8, 8), (200, 10, 10))
    info = PngInfo()
    info.add_text("Author", "Petrova SOSH77")
    info.add_itxt("Comment", "МБОУ СОШ № 77")
    buf = io.BytesIO()
    picture.save(buf, "PNG", pnginfo=info)
    png = strip_metadata(buf.getvalue(), "image/png")
    assert b"Petrova" not in png and "СОШ".encode() not in png
    back = Image.open(io.BytesIO(png))
    assert back.text == {} and back.tobytes() == picture.tobytes()

    exif = Image.Exif()
    exif[0x013B] = "Petrova Anna"  # Artist
    exif[0x8298] = "MBOU SOSH 77"  # Copyright
    buf = io.BytesIO()
    picture.save(buf, "JPEG", exif=exif.tobytes(), comment=b"SOSH 77")
    original = Image.open(io.BytesIO(buf.getvalue()))
    jpeg = strip_metadata(buf.getvalue(), "image/jpeg")
    assert b"Petrova" not in jpeg and b"SOSH" not in jpeg
    back = Image.open(io.BytesIO(jpeg))
    assert dict(back.getexif()) == {} and back.tobytes() == original.tobytes()
