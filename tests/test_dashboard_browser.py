"""The HTML dashboard in a real headless Chromium: it renders, its charts load, nothing errs, nothing runs.

Needs Debian's chromium (/usr/bin/chromium) and the Python playwright package (no browser
download: the system Chromium is launched directly). Skipped with the reason when either is
missing, unless XGOV_REQUIRE_BROWSER=1, in which case the test fails instead.
"""
from __future__ import annotations

import importlib.util
import os
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.digest.html import render_dashboard
from tests.test_dashboard_html import HOSTILE_OWNER, HOSTILE_TITLE, HOSTILE_UNIT, build_digest, tiny_png

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]
CHARTS = {"trends.png": tiny_png(160, 90), "frictions.png": tiny_png(120, 60), "maturity.png": tiny_png(80, 80)}
SCREENSHOTS = {"en": Path("/tmp/dashboard-en.png"), "pl": Path("/tmp/dashboard-pl.png")}


def _unavailable() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install -y chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright Python package is not installed (pip install playwright; no browser download needed)"
    return None


@pytest.fixture(scope="module")  # Playwright's sync loop must not outlive this module's tests
def browser():
    reason = _unavailable()
    if reason:
        if os.environ.get("XGOV_REQUIRE_BROWSER") == "1":
            pytest.fail(f"XGOV_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature of the base class
        pass


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The English and Polish dashboards written to a folder and served over http://127.0.0.1:<free port>."""
    folder = tmp_path_factory.mktemp("dashboard")
    for locale in ("en", "pl"):
        (folder / f"dashboard-{locale}.html").write_text(render_dashboard(build_digest(), locale, CHARTS),
                                                         encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def _open(browser, url: str):
    """A fresh context and page at `url`, with every console error, page error, failed request and dialog."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(f"console: {message.text}") if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url}"))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.goto(url, wait_until="load")
    return context, page, problems


def _images(page) -> list[dict]:
    return page.eval_on_selector_all(
        "img", "images => images.map(i => ({alt: i.alt, complete: i.complete, width: i.naturalWidth}))")


def test_the_served_english_dashboard_renders_with_its_figures_and_charts(browser, site):
    _folder, base = site
    context, page, problems = _open(browser, f"{base}/dashboard-en.html")
    try:
        assert page.title() == "Governance digest 2026-W13"
        assert page.locator("h1").inner_text() == "Governance digest 2026-W13"
        assert page.locator("h1").is_visible()
        assert page.get_attribute("html", "lang") == "en"
        body = page.inner_text("body")
        enps = page.locator("tr", has=page.locator("th", has_text="eNPS")).first.inner_text()
        assert "−12" in enps and "n = 161" in enps
        assert "3.41" in body and "n = 160" in body
        assert "Hidden: fewer than 5 answers" in body
        for heading in ("Signals", "Employees (EX)", "Friction reports", "Owners", "Operating-model diagnostic"):
            assert page.get_by_role("heading", name=heading).is_visible()
        images = _images(page)
        assert len(images) == 3
        assert all(image["complete"] and image["width"] > 0 and image["alt"] for image in images), images
        assert HOSTILE_TITLE in body and HOSTILE_OWNER in body and HOSTILE_UNIT in body
        assert page.locator("script").count() == 0
        assert problems == []
        page.screenshot(path=str(SCREENSHOTS["en"]), full_page=True)
    finally:
        context.close()


def test_the_polish_dashboard_opens_from_a_file(browser, site):
    folder, _base = site
    context, page, problems = _open(browser, (folder / "dashboard-pl.html").as_uri())
    try:
        assert page.title() == page.locator("h1").inner_text()
        assert page.get_attribute("html", "lang") == "pl"
        body = page.inner_text("body")
        assert "3,41" in body and "2,34" in body and "3.41" not in body
        assert "n = 161" in body
        assert HOSTILE_TITLE in body
        images = _images(page)
        assert len(images) == 3 and all(image["width"] > 0 for image in images), images
        assert problems == []
        page.screenshot(path=str(SCREENSHOTS["pl"]), full_page=True)
    finally:
        context.close()


def test_the_printed_page_drops_the_navigation_and_keeps_the_tables(browser, site):
    _folder, base = site
    context, page, problems = _open(browser, f"{base}/dashboard-en.html")
    try:
        page.emulate_media(media="print")
        assert not page.locator("nav").is_visible()
        assert page.locator("table").first.is_visible()
        page.pdf()  # headless Chromium can print it
        assert problems == []
    finally:
        context.close()


@pytest.fixture
def bot_server(sqlite_url):
    """The bot's own web server (aiohttp) on 127.0.0.1 with a digest of known figures, and an admin's link."""
    from app.web import build_web_app
    from bot.clock import SimulatedClock
    from bot.config import Settings
    from bot.services.dashboard_links import make_token
    from tests import digest_world as w
    from tests.web_server import RunningApp

    db = w.build(sqlite_url)
    settings = Settings(database_url=sqlite_url, web_secret="browser-test-" + "s" * 32, default_locale="en")
    with db.unit_of_work() as session:
        token = make_token(session=session, secret=settings.web_secret, email=w.ADMIN)
    running = RunningApp(build_web_app(db=db, settings=settings, clock=SimulatedClock(w.at(8))))
    yield running, token
    running.stop()
    db.dispose()


def test_the_bot_serves_the_dashboard_to_an_admin_link_with_real_charts(browser, bot_server):
    running, token = bot_server
    context, page, problems = _open(browser, f"{running.base}/dashboard?token={token}&period=2026-W10&lang=pl")
    try:
        assert page.title() == "Przegląd governance 2026-W10"
        enps = page.locator("tr", has=page.locator("th", has_text="eNPS")).first.inner_text()
        assert "+20" in enps and "n = 10" in enps
        body = page.inner_text("body")
        assert "Iga <!channel> Inna" in body and "Retyping <b>invoices</b>" in body
        images = _images(page)
        assert images and all(image["complete"] and image["width"] > 400 for image in images), images
        assert page.locator("script").count() == 0
        assert problems == []
        page.screenshot(path="/tmp/dashboard-served-pl.png", full_page=True)
    finally:
        context.close()
