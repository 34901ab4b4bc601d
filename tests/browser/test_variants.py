"""A rep makes their own version of the customer deck, changes it, sends a change back, and the owner accepts it."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_editing import sign_in
from tests.browser.test_review import sign_out
from tests.factories import make_member, make_page, make_tactic, make_user, publish

DECK = "# Customer deck\n\nSlide 1: who we are.\n\nSlide 7: generic pricing.\n"


def test_make_my_version_edit_it_send_a_change_back_and_the_owner_accepts_it(app, page):
    with app.app_context():
        lead = make_user(role="lead", name="Lena Lead", email="lena@example.com")
        owner = make_user(role="council", name="Tom Becker", email="tom@example.com")
        make_user(role="field", name="Aisha Khan", email="aisha@example.com", region="EMEA")
        plan = make_page(lead, slug="fy27-plan", title="FY27 plan")
        deck = make_page(lead, slug="deck", title="Customer deck", kind="collateral", bodies=(DECK,))
        publish(lead, deck, 1)
        make_member(lead, owner, "North America West")
        make_tactic(lead, plan, "Customer presentation", owner=owner, pages=(deck,))

    sign_in(page, "aisha@example.com")
    page.goto("/p/deck")
    page.get_by_role("link", name="Reps’ own versions for their clients").click()
    page.get_by_label("Client or segment").fill("Regional bank, Lyon")
    page.get_by_role("button", name="Make my version").click()
    editor = page.get_by_label("Text (Markdown)")
    expect(editor).to_have_value(DECK)
    editor.fill(DECK.replace("generic pricing", "pricing in euros, with their own figures"))
    expect(page.locator("#preview")).to_contain_text("pricing in euros")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved as #2.")).to_be_visible()
    expect(page.locator(".inline-diff ins").first).to_contain_text("in euros, with their own figures")

    page.get_by_role("link", name="Send my changes back").click()
    page.get_by_label("Offer this change").check()
    page.get_by_label("What did the customer say?").fill("They want prices in their currency")
    page.get_by_role("button", name="Send the ticked changes").click()
    expect(page.get_by_text("Sent 1 change to the people who answer for this page.")).to_be_visible()
    expect(page.locator("#sent")).to_contain_text("waiting")
    sign_out(page)

    sign_in(page, "tom@example.com")
    page.locator(".inbox-link").click()
    page.get_by_role("link", name="Aisha Khan sent 1 change from their version for “Regional bank, Lyon”").click()
    suggestion = page.locator(".thread-suggestion").first
    expect(suggestion).to_contain_text("They want prices in their currency")
    suggestion.get_by_role("button", name="Accept").click()
    expect(page.locator("#content")).to_contain_text("pricing in euros, with their own figures")
    expect(page.locator(".page-title .meta")).to_contain_text("Revision 2 (current) · Aisha Khan")
    expect(page.locator(".page-title .meta")).to_contain_text("accepted by Tom Becker")
    page.get_by_role("link", name="1 rep has their own version").click()
    expect(page.get_by_role("heading", name="1 version changed Slide 7: generic pricing.")).to_be_visible()
    sign_out(page)

    sign_in(page, "aisha@example.com")
    page.locator(".inbox-link").click()
    expect(page.get_by_role("link", name="Tom Becker accepted your suggestion on “Customer deck”")).to_be_visible()
