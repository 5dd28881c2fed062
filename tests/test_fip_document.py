"""The federal form's documents: item 8 measured in the rendered layout (just under / just over half an A4
page), and the application exported as PDF and DOCX with all 18 items in order."""
from __future__ import annotations

import pytest

from workflow_app.documents import fip as fip_doc
from workflow_app.services.fip import form as fip_form
from workflow_app.services.platform.validation import FieldErrors

from .fip_helpers import full_form, kip_holder, opened_case
from .helpers import assert_in_order, docx_text, pdf_text

WORDS = ("Проект развивает сетевое наставничество молодых педагогов сельских школ края через "
         "методические объединения и дистанционные консультации.")
WORDS_LIST = WORDS.split()


def _text_of(n_words: int) -> str:
    return " ".join(WORDS_LIST[i % len(WORDS_LIST)] for i in range(n_words))


def _largest_fitting() -> int:
    lo, hi = 1, 2000
    while lo < hi:   # the largest word count that still fits
        mid = (lo + hi + 1) // 2
        if fip_doc.fits_half_page(_text_of(mid)):
            lo = mid
        else:
            hi = mid - 1
    return lo


def test_item_8_limit_is_the_rendered_height_not_characters():
    n = _largest_fitting()
    under, over = _text_of(n), _text_of(n + 12)
    assert fip_doc.description_height_pt(under) <= fip_doc.half_page_pt() < fip_doc.description_height_pt(over)
    # Half of a 257 mm text area at 14 pt with 1.15 leading: about 22 lines — not a character count.
    lines = fip_doc.half_page_pt() / (14 * 1.15)
    assert 20 < lines < 24
    # The same characters split into many short paragraphs take more room than one paragraph.
    chopped = "\n\n".join(under[i:i + 40] for i in range(0, len(under), 40))
    assert not fip_doc.fits_half_page(chopped)


def test_the_form_refuses_an_item_8_over_half_a_page_and_keeps_one_under():
    n = _largest_fitting()
    assert fip_form.parse_items({"8": _text_of(n)})["8"] == _text_of(n)
    with pytest.raises(FieldErrors) as err:
        fip_form.parse_items({"8": _text_of(n + 12)})
    assert "половины страницы A4" in err.value.errors["item_8"]


def test_tables_keep_the_form_columns():
    with pytest.raises(FieldErrors, match="«Ссылка»"):
        fip_form.parse_items({"11": {"columns": ["Дата", "Мероприятие"], "rows": [["1", "2"]]}})
    with pytest.raises(FieldErrors, match="Пункта 19 нет"):
        fip_form.parse_items({"19": "x"})


def test_export_in_the_federal_layout(ctx):
    org, staff, applicant, award = kip_holder()
    case = opened_case(org, applicant, award)
    case.form = {**case.form, **fip_form.parse_items(full_form())}
    doc = fip_form.document(case)
    titles = [f"{i.number}. {i.title}" for i in fip_form.ITEMS]
    pdf = pdf_text(fip_doc.build_fip_pdf(doc))
    assert_in_order(pdf, ["ЗАЯВКА", "Паспорт заявки", org.full_name, *titles[:3], "Руководитель организации"])
    assert "Год Этап 4" in pdf.replace("\n", " ") or "Этап и его содержание 4" in pdf
    text = docx_text(fip_doc.build_fip_docx(doc))
    assert_in_order(text, ["ЗАЯВКА", *titles, "Руководитель организации"])
    assert "Мероприятие 11" in text


def test_the_infographic_is_in_both_formats(ctx):
    import io
    import zipfile

    from pypdf import PdfReader

    from workflow_app.services.fip import cases

    from .helpers import png_bytes, upload

    org, staff, applicant, award = kip_holder()
    case = opened_case(org, applicant, award)
    doc = fip_form.document(case)
    no_image = fip_doc.build_fip_pdf(doc)
    assert not any(page.images for page in PdfReader(io.BytesIO(no_image)).pages)
    cases.upload_infographic(applicant, case, upload(png_bytes(), "model.png"))
    doc = fip_form.document(case)
    pdf = fip_doc.build_fip_pdf(doc)
    assert sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages) == 1
    assert "Рис. Модель проекта (model.png)" in pdf_text(pdf)
    docx = zipfile.ZipFile(io.BytesIO(fip_doc.build_fip_docx(doc)))
    media = [n for n in docx.namelist() if n.startswith("word/media/")]
    assert len(media) == 1
