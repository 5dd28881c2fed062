"""The applicant's dossier in a real browser: rich text with bold, a table row, save, reload, autosave,
submit through the confirmation page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import login, screenshot

pytestmark = pytest.mark.browser

EMAIL = "dossier-browser@x.ru"
PASSWORD = "browser-pass-1"


def _applicant_with_draft(app) -> int:
    """Its own organisation, applicant and a draft that lacks only sections 2.2 and 3.2, so the test
    depends on no other test's data."""
    from sqlalchemy import select

    from workflow_app.extensions import db
    from workflow_app.models import Municipality, Organization, OrgType, Role, RoleGrant, User
    from workflow_app.models.competition import Campaign
    from workflow_app.services.competition import dossier as svc
    from workflow_app.services.platform.passwords import hash_password

    with app.app_context():
        campaign = db.session.execute(
            select(Campaign).where(Campaign.name == "Инновационный поиск 2026")).scalar_one()
        muni = db.session.execute(select(Municipality).where(Municipality.code == "krasnodar")).scalar_one()
        org = Organization(org_type=OrgType.OO, full_name="МБОУ СОШ № 77 (браузерный тест)",
                           short_name="МБОУ СОШ № 77", municipality=muni)
        user = User(email=EMAIL, full_name="Тестов Тест Тестович", organization=org,
                    password_hash=hash_password(PASSWORD))
        user.grants.append(RoleGrant(role=Role.applicant, organization=org))
        db.session.add_all([org, user])
        db.session.flush()
        track = next(t for t in campaign.tracks if t.code == "ОО")
        entry = svc.create_entry(user, org, campaign, track)
        dossier = {}
        for sec in campaign.dossier_schema:
            if sec["key"] in ("2.2", "3.2"):
                continue
            dossier[sec["key"]] = ([["Строка", "из", "фабрики"][:len(sec["columns"])]] if sec["kind"] == "table"
                                   else f"<p>Текст раздела {sec['key']}.</p>")
        entry.dossier = dossier
        entry.title = "Цифровая школа наставников"
        entry.lead_name = "Тестов Тест Тестович, директор"
        entry.team = [{"name": "Тестов Т. Т.", "position": "директор", "role": "руководитель"}]
        db.session.commit()
        return entry.id


def test_applicant_fills_saves_reloads_and_submits(page, live_server):
    entry_id = _applicant_with_draft(live_server.app)
    login(page, EMAIL, PASSWORD)
    page.goto(f"/entries/{entry_id}/edit")
    panel = page.locator("#completeness")
    expect(panel).to_contain_text("2.2. Основная идея")
    expect(panel).to_contain_text("3.2. Мероприятия")

    # rich text: the plain textarea became an editor with a toolbar
    expect(page.locator("textarea#sec-2\\.2")).to_be_hidden()
    editor = page.locator("#rt-sec-2\\.2")
    editor.click()
    page.keyboard.type("Главная идея — ")
    page.locator("#sec-block-2\\.2 [data-cmd=bold]").click()
    page.keyboard.type("наставничество")
    page.locator("#sec-block-2\\.2 [data-cmd=bold]").click()
    page.keyboard.type(" в каждой школе.")

    # table: add a row and fill it
    table = page.locator('table[data-rows="3.2"]')
    rows_before = table.locator("tbody tr").count()
    page.locator('[data-add-row="3.2"]').click()
    expect(table.locator("tbody tr")).to_have_count(rows_before + 1)
    first = table.locator("tbody tr").first.locator("input")
    first.nth(0).fill("Установочный семинар")
    first.nth(1).fill("Педагоги школы")
    first.nth(2).fill("Знакомство с моделью")

    # autosave posts the form in the background and reports the time
    page.evaluate("document.getElementById('dossier-form').autosaveNow()")
    expect(page.locator("#autosave-status")).to_have_text(re.compile(r"Сохранено в \d\d:\d\d"))
    expect(panel).not_to_contain_text("2.2. Основная идея")

    page.get_by_role("button", name="Сохранить", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Черновик сохранён")
    page.reload()
    expect(page.locator("#rt-sec-2\\.2 b, #rt-sec-2\\.2 strong")).to_have_text("наставничество")
    expect(page.locator("#rt-sec-2\\.2")).to_contain_text("Главная идея — наставничество в каждой школе.")
    expect(table.locator("tbody tr").first.locator("input").nth(0)).to_have_value("Установочный семинар")
    expect(page.locator("#complete-note")).to_be_visible()
    screenshot(page, "dossier-editor")

    page.get_by_role("button", name="Сохранить и перейти к подаче").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Подача заявки")
    page.once("dialog", lambda d: d.accept())
    page.get_by_test_id("confirm-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("Зафиксирована версия № 1")
    expect(page.locator("h1 [data-status]")).to_have_text("Подана")
    expect(page.locator(".dossier-text b, .dossier-text strong").first).to_have_text("наставничество")
    expect(page.get_by_role("link", name="Скачать")).to_have_count(1)
    page.log.assert_clean()
