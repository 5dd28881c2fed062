"""Browser fixtures: the real app on a live server, driven by Debian's chromium through Playwright.

Playwright cannot download its own browser here, so it launches /usr/bin/chromium. When that binary is
missing the browser tests are skipped, and tests/conftest.py says so loudly at the start and the end.

The live server runs the app on its own SQLite file (migrated with Alembic, seeded with the demo data of
`make run`) in a background thread on 127.0.0.1 and a free port. Each test gets a fresh browser context,
so cookies never leak between tests; the server's data is shared, so tests must not depend on each
other's changes.
"""
from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler

from ..conftest import CHROMIUM as _CHROMIUM  # one definition: the root conftest reports it missing

CHROMIUM = Path(_CHROMIUM)
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "bench-out" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 375, "height": 800}


def chromium_available() -> bool:
    return CHROMIUM.is_file()


@dataclass
class LiveServer:
    url: str
    app: object


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # a failing test's output should show the failure, not GETs
        pass


@contextmanager
def serving(app):
    """Serve `app` on a free local port in a thread; yields its base URL, stops it at the end."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    from flask_migrate import upgrade

    from workflow_app import create_app
    from workflow_app.config import TestConfig
    from workflow_app.demo import seed_demo
    from workflow_app.extensions import db

    instance = tmp_path_factory.mktemp("browser-instance")
    config = dict(
        {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'browser.sqlite3'}",
        UPLOAD_DIR=str(instance / "uploads"),
        SMTP_PORT=1,  # nothing listens: no mail leaves the machine
    )
    app = create_app(config, instance_path=str(instance))
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        seed_demo()
        db.session.commit()
    try:
        with serving(app) as url:
            yield LiveServer(url=url, app=app)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not chromium_available():
        pytest.skip(f"{CHROMIUM} is missing — browser tests SKIPPED")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageLog:
    """What a page did that a user never sees: console errors, CSP violations, requests."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests
                if not (u.startswith(self.origin + "/") or u == self.origin
                        or u.startswith(("data:", "about:", "blob:")))]

    def assert_clean(self) -> None:
        assert self.console_errors == [], "console errors"
        assert self.page_errors == [], "uncaught JavaScript errors"
        assert self.csp_violations == [], "Content-Security-Policy violations"
        assert self.foreign_requests() == [], "requests that left 127.0.0.1"


# Reports CSP violations through an exposed binding: it survives navigations, unlike a page variable.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__reportCsp(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item, so the page fixture knows whether the test failed.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def new_page(browser, live_server, request):
    """A factory: new_page(viewport=MOBILE) -> (page, log); each call opens a fresh browser context."""
    opened = []

    def make(viewport: dict | None = None):
        context = browser.new_context(base_url=live_server.url, viewport=viewport or DESKTOP,
                                      locale="ru-RU", timezone_id="Europe/Moscow")
        context.set_default_timeout(10_000)
        log = PageLog(origin=live_server.url)
        # Nothing may leave the machine: record every request and refuse the foreign ones.
        context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
        context.expose_binding("__reportCsp", lambda source, text: log.csp_violations.append(text))
        context.add_init_script(_CSP_LISTENER)
        page = context.new_page()
        page.on("console", lambda msg: log.console_errors.append(f"{msg.text} @ {msg.location}")
                if msg.type == "error" else None)
        page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
        page.on("request", lambda req: log.requests.append(req.url))
        opened.append((context, page))
        return page, log

    yield make
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for i, (context, page) in enumerate(opened):
        if failed:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::")[-1])
            page.screenshot(path=str(SCREENSHOTS / f"FAILED-{name}-{i}.png"), full_page=True)
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop page in a fresh browser context; its PageLog is `page.log`."""
    page, log = new_page()
    page.log = log
    return page


def login(page, email: str, password: str) -> None:
    """Sign in through the real login form, like a user."""
    page.goto("/login")
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def app_live_url(app):
    """A live server over the test's own `app` database (for tests that build their own data)."""
    with serving(app) as url:
        yield url
