"""Files on pages (issue 11) in a real browser: the council uploads a deck and reads its outline, a lead approves
it, and a field rep downloads it."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.test_editing import sign_in
from tests.browser.test_review import sign_out
from tests.factories import make_page, make_user, publish
from tests.files.makers import make_deck

SLIDES = [
    ("Why regional banks choose us", "Three reasons\nEach with a client's name", "Start with the Lyon story."),
    ("Pricing in three tiers", "Starter, Team, Bank-wide", "Never quote Bank-wide on the first call."),
    ("Next steps", "A readiness check within two weeks", ""),
]
# Where the preview's screenshots go, for a person to look at (not compared by the test).
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/shots"))


def test_a_deck_is_uploaded_read_as_an_outline_approved_and_downloaded_by_the_field(app, page, tmp_path):
    with app.app_context():
        lead = make_user(role="lead", name="Lena Lead", email="lena@example.com")
        make_user(role="council", name="Cora Council", email="cora@example.com")
        make_user(role="field", name="Finn Field", email="finn@example.com")
        deck_page = make_page(lead, slug="customer-deck", title="Customer deck", kind="collateral")
        publish(lead, deck_page, 1)
    deck = tmp_path / "Customer Presentation.pptx"
    deck.write_bytes(make_deck(SLIDES))

    sign_in(page, "cora@example.com")
    page.goto("/p/customer-deck")
    page.get_by_role("link", name="Files", exact=True).click()
    expect(page.get_by_text("No files on this page yet.")).to_be_visible()
    page.get_by_label("File", exact=True).set_input_files(deck)
    page.get_by_label("What changed (optional)").fill("First cut for the field")
    page.get_by_role("button", name="Upload", exact=True).click()

    expect(page).to_have_url("/p/customer-deck/files/customer-presentation.pptx/preview")
    expect(page.get_by_text("Added “customer-presentation.pptx”")).to_be_visible()
    expect(page.get_by_role("heading", name="customer-presentation.pptx")).to_be_visible()
    slides = page.locator("ol.file-units > li")
    expect(slides).to_have_count(3)
    second = slides.nth(1)
    expect(second.get_by_role("heading")).to_have_text("Slide 2 · Pricing in three tiers")
    expect(second).to_contain_text("Starter, Team, Bank-wide")
    notes = second.get_by_text("Never quote Bank-wide on the first call.")
    expect(notes).to_be_hidden()
    second.get_by_text("Speaker notes").click()
    expect(notes).to_be_visible()
    expect(slides.nth(2).get_by_text("Speaker notes")).to_have_count(0)
    _screenshots(page, "file-preview")
    sign_out(page)

    sign_in(page, "lena@example.com")
    page.goto("/p/customer-deck/files/customer-presentation.pptx/preview")
    page.get_by_role("button", name="Approve version 1 for the field").click()
    expect(page.get_by_text("Approved version 1 of “customer-presentation.pptx”")).to_be_visible()
    sign_out(page)

    sign_in(page, "finn@example.com")
    page.goto("/p/customer-deck")
    page.get_by_role("link", name="Files", exact=True).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download version 1").click()
    download = download_info.value
    assert download.suggested_filename == "customer-presentation-v1.pptx"
    assert Path(download.path()).read_bytes() == deck.read_bytes()


def _screenshots(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the preview scrolls sideways by {overflow}px at {width}px wide"
    page.set_viewport_size({"width": 1280, "height": 900})
