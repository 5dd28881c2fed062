"""The expert's score sheet in a real browser (Debian's chromium through Playwright): the expert accepts
the offer, types points, submits after the confirmation and sees the sheet read-only with its total.

Runs against the test's own database through `app_live_url`; skipped loudly when chromium is missing.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from workflow_app.extensions import db
from workflow_app.models.competition import AssignmentStatus, EntryStatus, ReviewAssignment

from ..factories import PASSWORD, accepted, admitted_entry, criteria, make_campaign, make_expert, review_stage

pytestmark = pytest.mark.browser


def test_expert_scores_and_submits_in_the_browser(app, app_live_url, browser):
    from playwright.sync_api import expect

    live_url = app_live_url

    with app.app_context():
        c = make_campaign(experts_per_entry=1)
        e = admitted_entry(c, title="Тема для браузера")
        e.status = EntryStatus.under_review
        x = make_expert("browser-expert@x.ru", "anapa")
        a = accepted(e, review_stage(c), x, status=AssignmentStatus.offered)
        crits = criteria(c, e)
        weights = [cr.weight for cr in crits]
        db.session.commit()
        aid, code = a.id, e.code

    context = browser.new_context()
    try:
        page = context.new_page()
        dialogs: list[str] = []
        answer = {"accept": True}

        def on_dialog(d):  # the «Отправить оценку?» confirmation
            dialogs.append(d.message)
            d.accept() if answer["accept"] else d.dismiss()

        page.on("dialog", on_dialog)
        page.goto(f"{live_url}/login")
        page.fill("input[name=email]", "browser-expert@x.ru")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit], input[type=submit]")
        page.goto(f"{live_url}/expert/")
        expect(page.get_by_text(code)).to_be_visible()
        page.get_by_test_id("expert-assignments").get_by_role("link", name="Открыть заявку").click()
        expect(page.get_by_role("heading", name=f"Заявка {code}")).to_be_visible()
        page.get_by_role("button", name="Принять назначение").click()
        expect(page.get_by_role("heading", name=f"Лист оценки заявки {code}")).to_be_visible()

        inputs = page.locator("input[name^=points_]")
        assert inputs.count() == len(weights)
        inputs.nth(0).fill("12")  # out of range first: a Russian error on that row
        page.get_by_test_id("send").click()
        expect(page.get_by_text("Балл должен быть от 0 до 10.")).to_be_visible()

        points = ["8", "7,5"] + ["6"] * (len(weights) - 2)
        for i, value in enumerate(points):
            inputs.nth(i).fill(value)
        # «Отправить» asks first; saying «Отмена» sends nothing.
        answer["accept"] = False
        asked = len(dialogs)
        page.get_by_test_id("send").click()
        assert len(dialogs) == asked + 1 and dialogs[-1].startswith("Отправить оценку?")
        expect(page.get_by_test_id("send")).to_be_visible()
        with app.app_context():
            assert db.session.get(ReviewAssignment, aid).status != AssignmentStatus.submitted
        answer["accept"] = True
        page.get_by_test_id("send").click()
        assert dialogs[-1].startswith("Отправить оценку?")
        expect(page.get_by_test_id("readonly-note")).to_contain_text("только для просмотра")
        expect(page.get_by_test_id("sheet-status")).to_have_text("Оценка отправлена")
        assert page.locator("input[name^=points_]").first.get_attribute("readonly") is not None
        assert page.get_by_test_id("send").count() == 0
        shown_total = page.get_by_test_id("sheet-total").inner_text()
    finally:
        context.close()

    expected = sum(Decimal(v.replace(",", ".")) * w for v, w in zip(points, weights, strict=False))
    with app.app_context():
        a = db.session.get(ReviewAssignment, aid)
        assert a.status == AssignmentStatus.submitted and a.total == expected
    assert Decimal(shown_total.replace(",", ".")) == expected
