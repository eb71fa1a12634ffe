"""Real headless Chromium (Debian's, never a downloaded one), driven by Playwright."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).parent / "screenshots"
# A browser that has seen the page before: it opens unfolded (the first visit opens folded and
# unfolds once; tests/web/test_inspector.py tests that visit on its own).
RETURNING_VISITOR = "localStorage.setItem('unroll.unfolded', '1')"


def returning_context(browser, **options):
    """A browser context of a returning visitor (the page opens unfolded)."""
    context = browser.new_context(**options)
    context.add_init_script(RETURNING_VISITOR)
    return context


def chromium_path() -> str | None:
    for candidate in ("/usr/lib/chromium/chromium", "/usr/bin/chromium"):
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing: in CI the browser tests must run (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_url):
    """A fresh page that records console errors and every request it makes."""
    context = returning_context(browser, viewport={"width": 1280, "height": 900}, base_url=live_url)
    page = context.new_page()
    page.console_errors = []
    page.requests = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    page.on("request", lambda r: page.requests.append(r.url))
    yield page
    context.close()


def screenshot(page, name: str):
    """Keep a full-page picture of the page in tests/web/screenshots/ to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def keep_picture(name: str, png: bytes):
    """Keep a PNG the page made (an export) beside the screenshots."""
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / f"{name}.png").write_bytes(png)
