"""A phone (390×844): the expert's score sheet and the municipal coordinator's entry list fit the screen;
wide tables scroll inside their own box, the page itself never scrolls sideways."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from workflow_app.demo import DEMO_PASSWORD

from .conftest import login, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_expert_score_sheet_fits_a_phone(new_page):
    page, log = new_page(viewport=PHONE)
    login(page, "expert@iro.local", DEMO_PASSWORD)
    page.goto("/expert/")
    links = page.locator("a[href*='/sheet']")
    expect(links.first).to_be_attached()
    page.goto(links.first.get_attribute("href"))
    expect(page.get_by_role("heading", name=re.compile("Лист оценки"))).to_be_visible()
    expect(page.locator("input[name^=points_], td").first).to_be_visible()
    width = _page_width(page)
    screenshot(page, "phone-expert-score-sheet")
    assert width <= PHONE["width"], f"the score sheet scrolls sideways on a phone ({width}px)"
    log.assert_clean()


def test_coordinator_entry_list_fits_a_phone(new_page):
    page, log = new_page(viewport=PHONE)
    login(page, "coordinator@iro.local", DEMO_PASSWORD)
    page.goto("/entries/municipal")
    expect(page.locator("table tbody tr").first).to_be_visible()
    width = _page_width(page)
    screenshot(page, "phone-coordinator-entries")
    assert width <= PHONE["width"], f"the coordinator's entry list scrolls sideways on a phone ({width}px)"
    log.assert_clean()
