"""Present mode in a real browser: moving through the slides by keyboard, and the speaker view with its notes."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_editing import sign_in
from tests.factories import make_member, make_page, make_user, publish
from wiki.services import presenting

PLAN = """# FY27 plan

Why the council presents the plan.

## Target segments

Regional banks come first: they have the oldest cores.

```notes
Ask who in the room sells to a credit union.
```

## Pricing

Three tiers, one per size of bank.
"""


def _plan(app) -> None:
    with app.app_context():
        lead = make_user(role="lead", email="maya@example.com", name="Maya Chen")
        sofia = make_user(role="field", email="sofia@example.com", name="Sofia Lindqvist")
        make_member(lead, sofia, "EMEA")
        make_user(role="field", email="aisha@example.com", name="Aisha Khan", region="EMEA")
        page = make_page(lead, title="FY27 plan", bodies=(PLAN,))
        publish(lead, page, 1)
        presenting.set_presenters(lead, page, {"target-segments": sofia.id})


def test_a_rep_moves_to_the_next_slide_with_the_arrow_key_and_gets_its_link(app, page):
    _plan(app)
    sign_in(page, "aisha@example.com")
    page.goto("/p/fy27-plan")
    page.get_by_role("link", name="Present").click()
    current = page.locator(".reveal .slides section.present")
    expect(current.get_by_role("heading", name="FY27 plan")).to_be_visible()
    expect(current).to_contain_text("Presented by Sofia Lindqvist, EMEA")

    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(r"/p/fy27-plan/present#/1$"))
    expect(current.get_by_role("heading", name="Target segments")).to_be_visible()
    expect(current.get_by_text("Regional banks come first")).to_be_visible()
    expect(page.get_by_text("Ask who in the room sells to a credit union.")).to_be_hidden()

    page.keyboard.press("PageDown")
    expect(page).to_have_url(re.compile(r"#/2$"))
    expect(current.get_by_text("Three tiers, one per size of bank.")).to_be_visible()


def test_the_speaker_view_shows_the_notes_and_follows_the_deck(app, page):
    _plan(app)
    sign_in(page, "aisha@example.com")
    page.goto("/p/fy27-plan/present#/1")
    expect(page.locator(".reveal .slides section.present")).to_contain_text("Regional banks come first")
    errors: list[str] = []
    with page.context.expect_page() as opened:
        page.keyboard.press("s")
    speaker = opened.value
    speaker.on("pageerror", lambda error: errors.append(str(error)))
    speaker.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    expect(speaker).to_have_url(re.compile(r"/p/fy27-plan/present/speaker$"))
    notes = speaker.locator(".speaker-controls-notes")
    expect(notes).to_be_visible()
    expect(notes).to_contain_text("Ask who in the room sells to a credit union.")
    # The upcoming slide is the deck itself, framed: the policy lets the wiki's own pages do that.
    upcoming = speaker.frame_locator("#upcoming-slide iframe")
    expect(upcoming.locator(".reveal .slides section.present")).to_contain_text("Three tiers")

    page.bring_to_front()
    page.keyboard.press("ArrowRight")
    # The next slide has no notes: the speaker view hides the box.
    expect(speaker.frame_locator("#current-slide iframe").locator(".reveal .slides section.present")).to_contain_text(
        "Three tiers"
    )
    expect(notes).to_be_hidden()
    assert errors == []


def test_a_preview_of_the_next_slide_that_loads_late_still_shows_the_next_slide(app, page):
    """reveal's speaker view moves the preview only when the deck moves; a preview still loading then would show
    the current slide until the next change. Held back here until the deck has told the speaker view where it is."""
    _plan(app)
    sign_in(page, "aisha@example.com")
    page.goto("/p/fy27-plan/present#/1")
    expect(page.locator(".reveal .slides section.present")).to_contain_text("Regional banks come first")

    def held_back(route) -> None:
        # The deck's first state reaches the speaker view within a second of its current-slide frame being ready.
        page.wait_for_timeout(2000)
        route.continue_()

    page.context.route(re.compile(r"/present\?receiver.*controls=false"), held_back)
    with page.context.expect_page() as opened:
        page.keyboard.press("s")
    speaker = opened.value
    expect(speaker.locator(".speaker-controls-notes")).to_contain_text("Ask who in the room sells to a credit union.")
    upcoming = speaker.frame_locator("#upcoming-slide iframe")
    expect(upcoming.locator(".reveal .slides section.present")).to_contain_text("Three tiers", timeout=10_000)
