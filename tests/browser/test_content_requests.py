"""A rep asks for content, another needs it too, a lead routes it, the owner builds it, the rep hears."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_editing import sign_in
from tests.browser.test_review import sign_out
from tests.factories import make_member, make_page, make_tactic, make_user, publish


def test_a_request_goes_from_the_field_to_a_built_page_and_back_to_the_inbox(app, page):
    with app.app_context():
        lead = make_user(role="lead", name="Lena Lead", email="lena@example.com")
        owner = make_user(role="council", name="Lucía Fernández", email="lucia@example.com")
        make_user(role="field", name="Aisha Khan", email="aisha@example.com", region="EMEA")
        make_user(role="field", name="Ben Carter", email="ben@example.com", region="APAC")
        plan = make_page(lead, slug="fy27-plan", title="FY27 plan")
        publish(lead, plan, 1)
        checklist = make_page(lead, slug="dora-checklist", title="DORA checklist", kind="collateral")
        publish(lead, checklist, 1)
        make_member(lead, owner, "LATAM")
        make_tactic(lead, plan, "Direct-marketing email", owner=owner)

    sign_in(page, "aisha@example.com")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    page.locator(".page-head").get_by_role("link", name="Ask for content").click()
    page.get_by_label("What do you need?").fill("A one-page DORA checklist")
    page.get_by_label("Why would it help?").fill("CIOs want a page to tick off.")
    page.get_by_label("Segment").fill("Regional banks")
    page.get_by_label("Stage of the sale").select_option("proposal")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", name="A one-page DORA checklist")).to_be_visible()
    request_url = page.url
    sign_out(page)

    sign_in(page, "ben@example.com")
    page.goto(request_url)
    demand = page.locator("#demand")
    demand.get_by_label("What would you use it for?").fill("Three banks asked me")
    demand.get_by_role("button", name="I need this too").click()
    expect(demand.get_by_role("heading")).to_have_text("2 people need this")
    expect(page.get_by_text("Noted: you need this too")).to_be_visible()
    assert page.url == request_url, "htmx answered in place, without a reload"
    sign_out(page)

    sign_in(page, "lena@example.com")
    page.get_by_role("link", name="A one-page DORA checklist").click()
    page.get_by_label("Route to a tactic").select_option(label="Direct-marketing email (Lucía Fernández)")
    page.get_by_role("button", name="Accept and route").click()
    expect(page.get_by_text("Accepted and routed")).to_be_visible()
    sign_out(page)

    sign_in(page, "lucia@example.com")
    page.get_by_role("region", name="Requests routed to me (1)").get_by_role("link").click()
    page.get_by_label("Page that answers it").fill("dora-checklist")
    page.get_by_role("button", name="Mark done").click()
    expect(page.locator(".notice")).to_contain_text("Done: DORA checklist")
    sign_out(page)

    sign_in(page, "aisha@example.com")
    page.locator(".inbox-link").click()
    page.get_by_role("link", name="marked it done: see “DORA checklist”").click()
    expect(page.get_by_role("heading", name="Its story")).to_be_visible()
    page.locator(".notice").get_by_role("link", name="DORA checklist").click()
    expect(page).to_have_url(f"{page.url.split('/p/')[0]}/p/dora-checklist")
