"""A live server and Debian's Chromium driven by Playwright.

Locally the browser tests skip with a message when Chromium is missing; in CI (CI=true) that is a failure.
"""

from __future__ import annotations

import os

import pytest

from tests.live import serve

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Browser tests must run in CI, but {CHROMIUM} is missing (apt-get install chromium).")
        pytest.skip(f"Browser tests need Debian's Chromium at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    with serve(app) as base:
        yield base


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    # Generous: a waiting step ends as soon as its condition holds; only a busy CI machine ever gets near this.
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def on_console(message) -> None:
        # A 4xx document the test asked for on purpose is logged as an error too; those are expected.
        if message.type == "error" and "the server responded with a status of 4" not in message.text:
            errors.append(message.text)

    page.on("console", on_console)
    yield page
    context.close()
    assert errors == [], f"the page logged errors: {errors}"
