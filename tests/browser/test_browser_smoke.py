"""Browser smoke test: every demo role signs in through the real form, sees its dashboard and signs out."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from workflow_app.demo import DEMO_PASSWORD, USERS
from workflow_app.models import Role

from .conftest import MOBILE, login, screenshot

pytestmark = pytest.mark.browser

# The heading of the first panel each role's dashboard shows.
PANEL_HEADING = {
    Role.admin: "Администрирование",
    Role.staff: "Работа ЦНИ и ИД",
    Role.signatory: "На подпись",
    Role.expert: "Экспертиза",
    Role.coordinator: "Мой муниципалитет",
    Role.applicant: "Моя организация",
}
DEMO = {roles[0][0]: (email, name) for email, name, _pos, _org, roles in USERS}


def allowed_nav_labels(app, email: str) -> tuple[list[str], list[str]]:
    """Registered navbar items split into (allowed, denied) for this user by the policy."""
    from sqlalchemy import select

    from workflow_app import policy
    from workflow_app.extensions import db
    from workflow_app.models import User
    from workflow_app.views.nav import ITEMS

    with app.app_context():
        user = db.session.execute(select(User).where(User.email == email)).scalar_one()
        allowed = [i.label for i in ITEMS if policy.can(user, i.action)]
        denied = [i.label for i in ITEMS if i.label not in allowed]
    return allowed, denied


@pytest.mark.parametrize("role", list(PANEL_HEADING), ids=lambda r: r.name)
def test_each_role_signs_in_sees_dashboard_and_signs_out(page, live_server, role):
    email, full_name = DEMO[role]
    login(page, email, DEMO_PASSWORD)

    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Здравствуйте, {full_name}")
    section = page.locator(f'section[data-role="{role.name}"]')
    expect(section.get_by_role("heading", level=2)).to_have_text(role.value)
    # Other areas may add panels after the platform's; the role's own panel must be among them.
    expect(section.get_by_role("heading", level=3, name=PANEL_HEADING[role], exact=True)).to_be_visible()

    nav = page.get_by_role("navigation", name="Основное меню")
    # Every allowed section is in the menu: at the top level or inside a dropdown (staff and admins).
    links = nav.locator("#mainNav .navbar-nav.me-auto a[href]:not([href='#'])")
    allowed, denied = allowed_nav_labels(live_server.app, email)
    assert "Главная" in allowed  # every role has a home
    assert sorted(t.strip() for t in links.all_inner_texts()) == sorted(allowed)
    # The bar fits the window: with many sections they fold into dropdowns instead of spilling sideways.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"dashboard scrolls sideways ({width}px)"
    for label in denied:
        expect(nav.get_by_role("link", name=label, exact=True)).to_have_count(0)
    expect(nav.get_by_role("link", name="Уведомления")).to_be_visible()
    expect(nav.get_by_role("link", name="Главная")).to_have_attribute("aria-current", "page")
    screenshot(page, f"dashboard-{role.name}")

    nav.get_by_test_id("user-menu").click()
    expect(nav.get_by_test_id("user-menu")).to_have_text(re.compile(re.escape(full_name)))
    expect(nav.locator(".dropdown-menu-end")).to_be_visible()
    expect(nav.locator(".dropdown-menu-end")).to_contain_text(role.label)
    nav.get_by_role("button", name="Выйти").click()

    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("alert")).to_contain_text("Вы вышли из системы.")
    page.goto("/")  # the session is really gone
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))
    expect(page.get_by_role("heading", name="Вход в систему")).to_be_visible()
    page.log.assert_clean()


def test_login_page_is_clean(page):
    page.goto("/login")
    expect(page).to_have_title("Вход — Инновационная инфраструктура")
    expect(page.get_by_role("heading", name="Вход в систему")).to_be_visible()
    expect(page.get_by_test_id("user-menu")).to_have_count(0)  # no menu for a visitor
    screenshot(page, "login")
    page.log.assert_clean()
    assert any(u.endswith("/static/vendor/bootstrap/bootstrap.bundle.min.js") for u in page.log.requests)


def test_wrong_password_shows_russian_error_next_to_field(page, live_server):
    email, _ = DEMO[Role.staff]
    login(page, email, "not-the-password")

    expect(page).to_have_url(re.compile(r"/login$"))
    password = page.get_by_label("Пароль")
    expect(password).to_have_attribute("aria-invalid", "true")
    error = page.locator("#password-err")
    expect(error).to_be_visible()
    expect(error).to_have_text("Неверный адрес электронной почты или пароль.")
    expect(password).to_have_attribute("aria-describedby", "password-err")
    expect(page.get_by_label("Электронная почта")).to_have_value(email)  # the user need not retype it
    expect(password).to_have_value("")
    screenshot(page, "login-wrong-password")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next="))  # still signed out
    # The refused form comes back with status 400; the browser reports that, nothing else.
    assert [e for e in page.log.console_errors if "status of 400" not in e] == []
    assert page.log.page_errors == [] and page.log.csp_violations == []
    assert page.log.foreign_requests() == []


def test_mobile_navbar_collapses_and_opens_with_toggler(new_page):
    page, log = new_page(viewport=MOBILE)
    email, full_name = DEMO[Role.applicant]
    login(page, email, DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text(full_name)

    toggler = page.get_by_role("button", name="Показать меню")
    menu = page.locator("#mainNav")
    expect(toggler).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(menu.get_by_role("link", name="Главная")).to_be_hidden()

    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(menu).to_have_class(re.compile(r"(^|\s)show(\s|$)"))  # the opening animation has finished
    expect(menu.get_by_role("link", name="Главная")).to_be_visible()
    expect(menu.get_by_test_id("user-menu")).to_be_visible()
    menu_box = menu.bounding_box()
    assert menu_box["width"] <= MOBILE["width"]  # nothing spills off a phone screen
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], f"page scrolls sideways on a phone ({width}px)"
    screenshot(page, "mobile-menu-open")
    log.assert_clean()


def test_expert_list_does_not_scroll_sideways_on_a_phone(new_page):
    # The wide table scrolls inside its box; the page itself must not (a hidden caption once widened it).
    page, log = new_page(viewport=MOBILE)
    email, _ = DEMO[Role.expert]
    login(page, email, DEMO_PASSWORD)
    page.goto("/expert/")
    expect(page.get_by_test_id("expert-assignments")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], f"page scrolls sideways on a phone ({width}px)"
    screenshot(page, "mobile-expert-list")
    log.assert_clean()
