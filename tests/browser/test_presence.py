"""Who is editing (issue 15, part 4), in two real browsers: one council member opens the editor, the other's page
view says so, and stops saying so once the first has left."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_editing import sign_in
from tests.factories import make_page, make_user

BEAT_SECONDS = 1
# Far longer than the test waits for the line to go: it goes because the editor said goodbye, not because it timed out.
WINDOW_SECONDS = 60


@pytest.fixture
def colleague(chromium, live_server):
    """A second person's browser, beside the `page` fixture's."""
    context = chromium.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def _is_beat(response) -> bool:
    return response.request.method == "POST" and response.url.endswith("/p/fy27-plan/editing")


def test_a_colleague_sees_who_is_editing_until_they_leave(app, page, colleague):
    app.config.update(PRESENCE_BEAT_SECONDS=BEAT_SECONDS, PRESENCE_WINDOW_SECONDS=WINDOW_SECONDS)
    with app.app_context():
        sofia = make_user(role="council", name="Sofia Lindqvist", email="sofia@example.com")
        make_user(role="council", name="Marcus Hill", email="marcus@example.com")
        make_page(sofia, slug="fy27-plan", title="FY27 plan", bodies=("# FY27\n\nSegments are banks.\n",))
    sign_in(page, "sofia@example.com")
    sign_in(colleague, "marcus@example.com")

    colleague.goto("/p/fy27-plan")
    line = colleague.locator("#page-main [role=status].presence")
    expect(line).to_be_empty()

    with page.expect_response(_is_beat):
        page.goto("/p/fy27-plan/edit")
    expect(line).to_contain_text("Sofia Lindqvist is editing (since")
    expect(line.locator("time")).to_have_attribute("datetime", re.compile(r"T\d\d:\d\d:\d\d\+00:00$"))
    # Her own editor doesn't tell her about herself.
    expect(page.locator(".presence")).to_be_empty()

    # Straight after a beat, so none is on its way while she goes.
    with page.expect_response(_is_beat):
        pass
    page.goto("/")
    expect(line).to_be_empty(timeout=(WINDOW_SECONDS // 3) * 1000)


def test_an_editor_cut_off_without_a_goodbye_drops_out_after_the_window(app, page, colleague):
    app.config.update(PRESENCE_BEAT_SECONDS=BEAT_SECONDS, PRESENCE_WINDOW_SECONDS=3)
    with app.app_context():
        author = make_user(role="council", name="Sofia Lindqvist", email="sofia@example.com")
        make_user(role="council", name="Marcus Hill", email="marcus@example.com")
        make_page(author, slug="fy27-plan", title="FY27 plan", bodies=("# FY27\n\nSegments are banks.\n",))
    sign_in(page, "sofia@example.com")
    sign_in(colleague, "marcus@example.com")
    page.goto("/p/fy27-plan")
    line = page.locator("#page-main [role=status].presence")

    colleague.goto("/p/fy27-plan/edit")
    expect(line).to_contain_text("Marcus Hill is editing")
    # His laptop drops off the network: no more beats, and no goodbye either.
    colleague.context.set_offline(True)
    expect(line).to_be_empty(timeout=15_000)
