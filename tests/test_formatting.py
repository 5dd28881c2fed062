"""Russian numbers, counts and sizes: the helpers (a table of cases) and where a user reads them."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from workflow_app import formatting as f
from workflow_app.documents import samples
from workflow_app.documents.protocols import build_protocol_docx, build_protocol_pdf
from workflow_app.extensions import db
from workflow_app.models import Role
from workflow_app.models.competition import CampaignStatus
from workflow_app.services.competition import campaigns as svc

from .factories import make_campaign, make_user
from .helpers import docx_text, login, norm, pdf_bytes, pdf_text, upload

ZAYAVKA = ("заявка", "заявки", "заявок")


@pytest.mark.parametrize("n, text", [
    (0, "0 заявок"), (1, "1 заявка"), (2, "2 заявки"), (4, "4 заявки"), (5, "5 заявок"),
    (11, "11 заявок"), (12, "12 заявок"), (14, "14 заявок"), (21, "21 заявка"), (22, "22 заявки"),
    (25, "25 заявок"), (101, "101 заявка"), (111, "111 заявок"), (112, "112 заявок"), (1001, "1001 заявка"),
])
def test_plural_agrees_with_the_number(n, text):
    assert f.plural(n, *ZAYAVKA) == text


def test_plural_in_other_cases_takes_the_callers_forms():
    experts = f.plural(3, "эксперт", "эксперта", "экспертов")
    entries = f.plural(1, "заявке", "заявкам", "заявкам")
    assert f"{experts} по {entries}" == "3 эксперта по 1 заявке"
    assert f.plural(5, "заявке", "заявкам", "заявкам") == "5 заявкам"


@pytest.mark.parametrize("value, places, text", [
    (Decimal("89"), 2, "89,00"), (89, 2, "89,00"), (Decimal("7.335"), 2, "7,34"), (7.125, 2, "7,13"),
    (Decimal("-0.001"), 2, "0,00"), (Decimal("12.345"), 1, "12,3"), (Decimal("1.5"), None, "1,5"),
    (Decimal("0.125"), None, "0,125"), (Decimal("10.00"), None, "10"), (Decimal("1E+1"), None, "10"),
    (None, 2, ""), ("", None, ""), ("abc", 2, ""),
])
def test_number_has_a_decimal_comma(value, places, text):
    assert f.number(value, places) == text


@pytest.mark.parametrize("value, text", [
    (7, "7"), (Decimal("7.50"), "7,5"), (Decimal("7.333"), "7,33"), (Decimal("9.999"), "10"), (None, ""),
])
def test_points_drop_trailing_zeros(value, text):
    assert f.points(value) == text


@pytest.mark.parametrize("value, places, text", [
    (60, 2, "60,00 %"), (Decimal("60.00"), None, "60 %"), (Decimal("25.5"), None, "25,5 %"),
    (Decimal("87.456"), 2, "87,46 %"), (None, 2, ""),
])
def test_percent(value, places, text):
    assert f.percent(value, places) == text


@pytest.mark.parametrize("value, text", [
    (Decimal("0.5"), "+0,50"), (Decimal("-1.25"), "−1,25"), (0, "0,00"), (Decimal("-0.001"), "0,00"),
])
def test_signed_deviation(value, text):
    assert f.signed(value) == text


@pytest.mark.parametrize("size, text", [
    (1, "1 КБ"), (500, "1 КБ"), (1024, "1 КБ"), (358_400, "350 КБ"), (1_048_000, "1023 КБ"), (1_048_500, "1 МБ"),
    (1024 * 1024, "1 МБ"), (1_258_291, "1,2 МБ"), (20 * 1024 * 1024, "20 МБ"), (10_500_000, "10 МБ"),
    (11_010_048, "10,5 МБ"), (0, "0 КБ"), (None, ""),
])
def test_filesize_in_kb_and_mb_with_a_comma(size, text):
    assert f.filesize(size) == text
    assert "0,0" not in f.filesize(size) and "." not in f.filesize(size)


def test_campaign_page_shows_sizes_and_thresholds_the_russian_way(app, client):
    with app.app_context():
        staff = make_user("staff@x.ru", Role.staff)
        c = make_campaign(status=CampaignStatus.draft)
        padded = pdf_bytes() + b"%" + b"0" * (1_258_291 - len(pdf_bytes()) - 1)
        svc.set_regulation(c, upload(padded, "Положение.pdf"), actor=staff, expected_version=c.version)
        c.shortlist_pct, c.divergence_pct = Decimal("60.00"), Decimal("25.50")
        cid = c.id
        db.session.commit()
    login(client, "staff@x.ru")
    page = norm(client.get(f"/campaigns/{cid}").get_data(as_text=True))
    assert "(1,2 МБ, загружено" in page
    assert "25,5 % максимума" in page and "60 % максимума" in page
    assert "25.5" not in page and "60.00" not in page


def test_protocol_lists_average_scores_to_two_places_with_a_comma():
    doc = samples.protocol()
    item = doc.items[0]
    result = item.results[0]
    winners = (dataclasses.replace(result.winners[0], score=Decimal("89")),
               dataclasses.replace(result.winners[1], score=Decimal("87.456")))
    item = dataclasses.replace(item, results=(dataclasses.replace(result, winners=winners), *item.results[1:]))
    doc = dataclasses.replace(doc, items=(item, *doc.items[1:]))
    for text in (norm(pdf_text(build_protocol_pdf(doc))), norm(docx_text(build_protocol_docx(doc)))):
        assert "89,00" in text and "87,46" in text
        assert "89.00" not in text and "87.46" not in text
