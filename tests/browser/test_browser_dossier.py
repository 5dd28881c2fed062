"""The applicant's dossier in a real browser: rich text with bold, a table in the grid field, save, reload,
autosave, submit through the confirmation page; plain-text paste stored character for character."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from .conftest import login, screenshot

pytestmark = pytest.mark.browser

EMAIL = "dossier-browser@x.ru"
PASSWORD = "browser-pass-1"
GRID = {"columns": ["№", "Мероприятие", "Целевая аудитория", "Задачи"],
        "rows": [["ЭТАП 1. ОРГАНИЗАЦИЯ", "", "", ""],
                 ["1.", "Установочный семинар", "Педагоги школы", "1) знакомство с моделью;\n2) роли в команде"]],
        "row_kinds": ["group", "data"]}


def _applicant_with_draft(app, email: str = EMAIL) -> int:
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
        org = Organization(org_type=OrgType.OO, full_name=f"МБОУ СОШ № 77 (браузерный тест, {email})",
                           short_name="МБОУ СОШ № 77", municipality=muni)
        user = User(email=email, full_name="Тестов Тест Тестович", organization=org,
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
            dossier[sec["key"]] = ([["Строка", "из", "фабрики"][:len(sec["columns"])]] if sec["kind"] != "text"
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
    expect(panel).to_contain_text("2.2. Основная идея инновационного проекта.")
    expect(panel).to_contain_text("3.2. Мероприятия, направленные на реализацию проекта.")

    # rich text: the plain textarea became an editor with a toolbar
    expect(page.locator("textarea#sec-2\\.2")).to_be_hidden()
    editor = page.locator("#rt-sec-2\\.2")
    editor.click()
    page.keyboard.type("Главная идея — ")
    page.locator("#sec-block-2\\.2 [data-cmd=bold]").click()
    page.keyboard.type("наставничество")
    page.locator("#sec-block-2\\.2 [data-cmd=bold]").click()
    page.keyboard.type(" в каждой школе.")

    # table: the section's grid field holds the applicant's own table (a «№» column added, a group row)
    page.evaluate("""(grid) => {
        const field = document.querySelector('textarea[name="grid-3.2"]');
        field.value = JSON.stringify(grid);
        field.dispatchEvent(new Event("input", {bubbles: true}));
    }""", GRID)

    # autosave posts the form in the background and reports the time
    page.evaluate("document.getElementById('dossier-form').autosaveNow()")
    expect(page.locator("#autosave-status")).to_have_text(re.compile(r"Сохранено в \d\d:\d\d"))
    expect(panel).not_to_contain_text("2.2. Основная идея")

    page.get_by_role("button", name="Сохранить", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Черновик сохранён")
    page.reload()
    expect(page.locator("#rt-sec-2\\.2 b, #rt-sec-2\\.2 strong")).to_have_text("наставничество")
    expect(page.locator("#rt-sec-2\\.2")).to_contain_text("Главная идея — наставничество в каждой школе.")
    assert json.loads(page.locator('textarea[name="grid-3.2"]').input_value())["rows"] == GRID["rows"]
    expect(page.locator("#complete-note")).to_be_visible()
    screenshot(page, "dossier-editor")

    page.get_by_role("button", name="Сохранить и перейти к подаче").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Подача заявки")
    page.once("dialog", lambda d: d.accept())
    page.get_by_test_id("confirm-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("Зафиксирована версия № 1")
    expect(page.locator("h1 [data-status]")).to_have_text("Подана")
    expect(page.locator(".dossier-text b, .dossier-text strong").first).to_have_text("наставничество")
    expect(page.locator(".row-group")).to_have_text("ЭТАП 1. ОРГАНИЗАЦИЯ")
    expect(page.get_by_role("link", name="Скачать DOCX версии № 1")).to_have_count(1)
    page.log.assert_clean()


PASTED = ("Первый абзац:  два пробела, «ѐлочка», Cовременная школа № 5 — итог; 2024–2027.\n"
          "Вторая строка того же абзаца.\n\n"
          "Второй абзац <не тег> & амперсанд.\n\n"
          "Третий абзац.")


def _paste(page, selector: str, text: str) -> None:
    """What the browser does on Ctrl+V with plain text on the clipboard: a paste event carrying it."""
    page.locator(selector).evaluate("""(ed, text) => {
        const data = new DataTransfer();
        data.setData("text/plain", text);
        ed.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
    }""", text)


def _stored_text(app, entry_id: int, key: str) -> str:
    from workflow_app.extensions import db
    from workflow_app.models.competition import Entry
    from workflow_app.services.competition import richtext

    with app.app_context():
        value = db.session.get(Entry, entry_id).dossier[key]
        db.session.remove()
        return richtext.to_text(value)


def test_plain_text_paste_is_stored_exactly_and_drops_old_formatting(page, live_server):
    entry_id = _applicant_with_draft(live_server.app, "dossier-paste@x.ru")
    login(page, "dossier-paste@x.ru", PASSWORD)
    page.goto(f"/entries/{entry_id}/edit")
    editor = page.locator("#rt-sec-1\\.1")
    # old content in bold, then everything selected and pasted over
    editor.click()
    page.keyboard.press("Control+A")
    page.locator("#sec-block-1\\.1 [data-cmd=bold]").click()
    page.keyboard.type("старый текст")
    page.keyboard.press("Control+A")
    _paste(page, "#rt-sec-1\\.1", PASTED)
    expect(editor.locator("b, strong")).to_have_count(0)
    expect(editor.locator("p")).to_have_count(3)
    # typing two spaces by hand stays two spaces (no NBSP)
    editor.press("End")
    page.keyboard.type("  конец")
    page.get_by_role("button", name="Сохранить", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Черновик сохранён")
    assert _stored_text(live_server.app, entry_id, "1.1") == PASTED + "  конец"

    # pasting into the middle of bold text: the pasted words are not bold, the text around stays
    editor = page.locator("#rt-sec-2\\.1")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.locator("#sec-block-2\\.1 [data-cmd=bold]").click()
    page.keyboard.type("началоконец")
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    _paste(page, "#rt-sec-2\\.1", "  вставка\n\nновый абзац  ")
    expect(editor.locator("b, strong").first).to_have_text("начало")
    page.get_by_role("button", name="Сохранить", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Черновик сохранён")
    assert _stored_text(live_server.app, entry_id, "2.1") == "начало  вставка\n\nновый абзац  конец"
    # pasting into a list item: the pasted paragraphs become lines of that item, the list stays one list
    editor = page.locator("#rt-sec-2\\.3")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.locator("#sec-block-2\\.3 [data-cmd=insertUnorderedList]").click()
    page.keyboard.type("пункт: ")
    _paste(page, "#rt-sec-2\\.3", "один\n\nдва")
    expect(editor.locator("li")).to_have_count(1)
    page.get_by_role("button", name="Сохранить", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Черновик сохранён")
    assert _stored_text(live_server.app, entry_id, "2.3") == "пункт: один\nдва"
    # a final line break and blank lines at the ends are kept too
    page.locator("#rt-sec-2\\.4").click()
    page.keyboard.press("Control+A")
    _paste(page, "#rt-sec-2\\.4", "\n\nстрока\nпоследняя\n\n\nхвост\n")
    page.get_by_role("button", name="Сохранить", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Черновик сохранён")
    assert _stored_text(live_server.app, entry_id, "2.4") == "\n\nстрока\nпоследняя\n\n\nхвост\n"
    # reloading shows the text as stored (white-space kept on screen)
    page.reload()
    assert page.locator("#rt-sec-1\\.1").evaluate("e => getComputedStyle(e).whiteSpace") == "pre-wrap"
    page.log.assert_clean()
