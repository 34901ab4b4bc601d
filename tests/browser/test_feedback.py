"""A field rep answers "would you share this with a client?" in a real browser, and a lead reads it."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_editing import sign_in
from tests.browser.test_review import sign_out
from tests.factories import make_member, make_page, make_tactic, make_user, publish


def test_rep_answers_in_place_and_the_lead_opens_it_from_the_inbox(app, page):
    with app.app_context():
        lead = make_user(role="lead", name="Lena Lead", email="lena@example.com")
        owner = make_user(role="council", name="Tom Becker", email="tom@example.com")
        make_user(role="field", name="Aisha Khan", email="aisha@example.com", region="EMEA")
        plan = make_page(lead, slug="fy27-plan", title="FY27 plan")
        deck = make_page(
            lead, slug="deck", title="Customer deck", kind="collateral", bodies=("# Deck\n\nSlide 7: a story.\n",)
        )
        publish(lead, deck, 1)
        make_member(lead, owner, "North America West")
        make_tactic(lead, plan, "Customer presentation", owner=owner, pages=(deck,))

    sign_in(page, "aisha@example.com")
    page.goto("/p/deck")
    box = page.locator("#field-feedback")
    box.get_by_role("group", name="Would you share this with a client?").get_by_label("No").check()
    box.get_by_label("What did the customer say?").fill("Clients found slide 7 generic")
    box.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Thanks — marketing and the tactic owner will read it.")).to_be_visible()
    expect(page.locator("#field-feedback .your-answer")).to_contain_text("No, I would not share it")
    assert page.url.endswith("/p/deck"), "htmx answered in place, without a reload"
    sign_out(page)

    sign_in(page, "lena@example.com")
    page.locator(".inbox-link").click()
    page.get_by_role("link", name="Aisha Khan (EMEA) would not share “Customer deck”").click()
    feedback = page.locator("#field-feedback")
    expect(feedback.locator("summary")).to_contain_text("(0 would share, 1 wouldn't)")
    expect(feedback.get_by_text("Clients found slide 7 generic")).to_be_visible()
