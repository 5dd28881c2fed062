"""Score sheet, rating sheet, protocol, certificate, letter, registry extract: PDF and DOCX."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from docx.oxml.ns import qn

from workflow_app.documents import render, samples
from workflow_app.documents.certificates import build_certificate_docx, build_certificate_pdf
from workflow_app.documents.letters import build_letter_docx, build_letter_pdf
from workflow_app.documents.model import RatingRow, ScoreRow
from workflow_app.documents.protocols import build_protocol_docx, build_protocol_pdf, initials
from workflow_app.documents.registry import build_registry_extract_docx, build_registry_extract_pdf
from workflow_app.documents.scoring import (
    build_rating_sheet_docx,
    build_rating_sheet_pdf,
    build_score_sheet_docx,
    build_score_sheet_pdf,
)

from .helpers import assert_in_order, docx_blocks, docx_open, docx_text, pdf_fonts, pdf_pages, pdf_text


def both(pdf_fn, docx_fn, doc) -> tuple[str, str]:
    return pdf_text(pdf_fn(doc)), docx_text(docx_fn(doc))


def test_score_sheet_content_and_total():
    doc = samples.score_sheet()
    expected_total = sum(Decimal(str(r.points)) for r in doc.criteria)   # 58.5
    total = f"{expected_total}".replace(".", ",")
    for text in both(build_score_sheet_pdf, build_score_sheet_docx, doc):
        assert_in_order(text, [
            "ЭКСПЕРТНЫЙ ЛИСТ", doc.campaign, "Направление:", doc.track,
            "Шифр конкурсной работы:", doc.entry_code, "Конкурсная работа:",
            "№ Критерий Макс. балл Балл Комментарий эксперта",
            "1 " + doc.criteria[0].criterion, "7,5", "Итого: 75 " + total,
            "Заключение эксперта:", "Эксперт: Смирнова Ирина Викторовна", "Дата: 28.10.2025"])
        # A criterion comment with markup characters is shown as typed.
        assert "<2-й год>." in text


def test_blind_score_sheet_hides_the_entry_title():
    doc = samples.score_sheet(blind=True)
    for text in both(build_score_sheet_pdf, build_score_sheet_docx, doc):
        assert doc.entry_code in text
        assert "МБОУ СОШ № 8" not in text and "Формирование функциональной" not in text


def test_blank_score_sheet_leaves_points_empty():
    doc = dataclasses.replace(samples.score_sheet(),
                              criteria=(ScoreRow("1", "Актуальность", 10), ScoreRow("2", "Новизна", 5)))
    t = docx_open(build_score_sheet_docx(doc)).tables[0]
    assert [c.text for c in t.rows[1].cells] == ["1", "Актуальность", "10", "", ""]
    assert [c.text for c in t.rows[-1].cells] == ["", "Итого:", "15", "", ""]


def test_rating_sheet_variable_expert_columns_and_mean():
    rows = (RatingRow(1, "Работа А", (Decimal("70"), Decimal("65.5"), None, Decimal("71")),
                      shortlisted=True),
            RatingRow(2, "Работа <Б> & Co", (40, 45, 50, 41), mean=Decimal("44.25")))
    doc = dataclasses.replace(samples.rating_sheet(3, experts=4), rows=rows)
    for text in both(build_rating_sheet_pdf, build_rating_sheet_docx, doc):
        assert_in_order(text, [
            "СВОДНАЯ ВЕДОМОСТЬ", "Направление:",
            "Место Конкурсная работа Эксперт 1 Эксперт 2 Эксперт 3 Эксперт 4 Средний балл Отметка",
            # a missing score prints a dash; the mean is of the given totals (206.5 / 3); every score
            # in the columns to two places with a decimal comma
            "1 Работа А 70,00 65,50 — 71,00 68,83 в очный этап",
            "2 Работа <Б> & Co 40,00 45,00 50,00 41,00 44,25"])
    t = docx_open(build_rating_sheet_docx(doc)).tables[0]
    assert len(t.columns) == 2 + 4 + 2
    assert [c.text for c in t.rows[2].cells][-1] == ""       # not shortlisted: no mark


def test_rating_sheet_with_many_experts_turns_landscape():
    doc = samples.rating_sheet(5, experts=6)
    sec = docx_open(build_rating_sheet_docx(doc)).sections[0]
    assert sec.page_width > sec.page_height
    import io

    import pypdf

    box = pypdf.PdfReader(io.BytesIO(build_rating_sheet_pdf(doc))).pages[0].mediabox
    assert box.width > box.height


@pytest.mark.slow
def test_large_rating_sheet_repeats_header_and_keeps_every_row():
    doc = samples.rating_sheet(200, experts=3)
    pages = pdf_pages(build_rating_sheet_pdf(doc))
    assert len(pages) > 5
    for i, page in enumerate(pages, start=1):
        assert "Место Конкурсная работа Эксперт 1" in page, f"no header on page {i}"
    assert_in_order(" ".join(pages), [f"{r.rank} {r.entry[:20]}" for r in doc.rows])
    t = docx_open(build_rating_sheet_docx(doc)).tables[0]
    assert len(t.rows) == 201
    assert t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_protocol_structure():
    doc = samples.protocol()
    item = doc.items[0]
    for text in both(build_protocol_pdf, build_protocol_docx, doc):
        assert_in_order(text, [
            "ПРОТОКОЛ № 3", "заседания " + doc.body, "14.11.2025", "г. Краснодар",
            "Место проведения:", "Председатель:", doc.chair.name, "Секретарь:", doc.secretary.name,
            "Присутствовали члены комиссии:", doc.members_present[0].name,
            "Присутствовали 6 из 9 членов комиссии. Кворум имеется",
            "ПОВЕСТКА ДНЯ:", "1. " + doc.items[0].question, "2. " + doc.items[1].question,
            "СЛУШАЛИ:", "ВЫСТУПИЛИ:", "РЕШИЛИ:",
            "Направление «Общеобразовательные организации (ОО)»",
            "Место Образовательная организация Муниципальное образование",
            "1 " + item.results[0].winners[0].organization,
            "Направление «Дошкольные образовательные организации (ДОО)»",
            "Голосовали: «за» — 6, «против» — 0, «воздержались» — 0.",
            "Голосовали: «за» — 5, «против» — 0, «воздержались» — 1.",
            "Председатель", "Н.В. Костенко", "Секретарь", "А.С. Петрова"])
    assert len(docx_open(build_protocol_docx(doc)).tables) == 3


def test_protocol_without_quorum_says_so():
    doc = dataclasses.replace(samples.protocol(), members_present=(), members_total=9)
    for text in both(build_protocol_pdf, build_protocol_docx, doc):
        assert "Присутствовали 2 из 9 членов комиссии. Кворум отсутствует" in text


def test_initials():
    assert initials("Костенко Наталья Викторовна") == "Н.В. Костенко"
    assert initials("Т.А. Гайдук") == "Т.А. Гайдук"


def test_certificate_content():
    doc = samples.certificate()
    for text in both(build_certificate_pdf, build_certificate_docx, doc):
        assert_in_order(text, [
            "СВИДЕТЕЛЬСТВО", "№ КИП-2026/017", "Настоящее свидетельство подтверждает, что",
            doc.organization, "(г. Армавир)", "имеет статус", "КРАЕВАЯ ИННОВАЦИОННАЯ ПЛОЩАДКА",
            "по теме инновационного проекта", f"«{doc.theme}»",
            "Срок действия статуса: 2026–2028 гг.",
            "Основание: приказ министерства образования, науки и молодёжной политики "
            "Краснодарского края от 12.12.2025 № 3541", "Ректор", "Т.А. Гайдук",
            "г. Краснодар, 20.01.2026"])
    assert len(pdf_pages(build_certificate_pdf(doc))) == 1
    d = docx_open(build_certificate_docx(doc))
    assert d.sections[0]._sectPr.find(qn("w:pgBorders")) is not None


def test_letter_content():
    doc = samples.letter()
    for text in both(build_letter_pdf, build_letter_docx, doc):
        assert_in_order(text, [doc.institution.short_name, "от 21.11.2025 № 01-20/4512",
                               "Директору МБОУ СОШ № 8", "И.В. Кравченко", doc.subject,
                               "Уважаемая Ирина Викторовна!", "ГБОУ ИРО Краснодарского края сообщает",
                               "Просим в срок до 15.12.2025", "Ректор", "Т.А. Гайдук",
                               "Исполнитель:", "Петрова Анна Сергеевна"])
    blocks = docx_blocks(build_letter_docx(doc))
    assert blocks[0].startswith("[table]")          # letterhead | addressee side by side
    assert sum(1 for b in blocks if b.startswith("ГБОУ ИРО Краснодарского края сообщает")) == 1


def test_registry_extract_content():
    doc = samples.registry_extract()
    for text in both(build_registry_extract_pdf, build_registry_extract_docx, doc):
        assert_in_order(text, [
            "ВЫПИСКА № В-2026/042", "из реестра инновационной инфраструктуры",
            "по состоянию на 01.02.2026", "Полное наименование:", doc.organization.full_name,
            "ИНН: 2302031234", "Руководитель: Кравченко Ирина Викторовна",
            "Сведения о статусах организации", "№ п/п Статус Тема проекта Срок Основание Состояние",
            "1 Муниципальная инновационная площадка", "2 Краевая инновационная площадка",
            "действует", "3 Стажировочная площадка", "прекращён досрочно",
            "Первый проректор", "Н.В. Костенко"])
    empty = dataclasses.replace(doc, awards=())
    for text in both(build_registry_extract_pdf, build_registry_extract_docx, empty):
        assert "Сведения о присвоенных статусах в реестре отсутствуют." in text


@pytest.mark.parametrize("name", sorted(samples.all_samples()))
def test_every_sample_renders_deterministically_with_embedded_fonts(name):
    doc = samples.all_samples()[name]
    pdf = render.build(doc, "pdf")
    assert pdf.startswith(b"%PDF") and pdf == render.build(doc, "pdf")
    assert all(pdf_fonts(pdf).values())
    docx = render.build(doc, "docx")
    assert docx == render.build(doc, "docx")
    assert docx_open(docx).core_properties.author == "ГБОУ ИРО Краснодарского края"
