"""The review loop in a real browser: the council edits, a lead sends it back, then publishes it."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_editing import sign_in, write
from tests.factories import make_page, make_user, publish


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_council_edit_is_sent_back_fixed_approved_and_read_by_the_field(app, page):
    with app.app_context():
        council = make_user(role="council", name="Cora Council", email="cora@example.com")
        lead = make_user(role="lead", name="Lena Lead", email="lena@example.com")
        make_user(role="field", name="Finn Field", email="finn@example.com")
        plan = make_page(council, slug="fy27-plan", title="FY27 plan", bodies=("# FY27\n\nBanks first.\n",))
        publish(lead, plan, 1)

    sign_in(page, "cora@example.com")
    page.goto("/p/fy27-plan/edit")
    write(page, "# FY27\n\nBanks first, then insurers.\n", "Add insurers")
    expect(page.locator(".page-title")).to_contain_text("In review")
    sign_out(page)

    sign_in(page, "lena@example.com")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review").click()
    row = page.locator("table.review-queue tbody tr", has_text="FY27 plan")
    expect(row).to_contain_text("Cora Council")
    expect(row).to_contain_text("Add insurers")
    row.get_by_role("link", name="Review").click()
    expect(page.locator(".attributed ins")).to_contain_text("then insurers")
    expect(page.locator(".attributed sup.credit").first).to_contain_text("r2 Cora")
    page.get_by_label("What should change?").fill("Say which insurers: life or P&C?")
    page.get_by_role("button", name="Request changes").click()
    expect(page.get_by_text("Changes requested on “FY27 plan”")).to_be_visible()
    sign_out(page)

    sign_in(page, "cora@example.com")
    page.locator(".inbox-link").click()
    expect(page.get_by_text("Say which insurers: life or P&C?")).to_be_visible()
    page.goto("/p/fy27-plan")
    expect(page.locator(".page-title")).to_contain_text("Changes requested")
    page.get_by_role("link", name="Edit", exact=True).click()
    write(page, "# FY27\n\nBanks first, then life insurers.\n", "Life insurers")
    expect(page.locator(".page-title")).to_contain_text("In review")
    sign_out(page)

    sign_in(page, "lena@example.com")
    page.goto("/review/fy27-plan")
    page.get_by_role("button", name="Approve and publish revision 3").click()
    expect(page.get_by_text("Revision 3 of “FY27 plan” is published")).to_be_visible()
    expect(page.locator(".page-title")).to_contain_text("Published (r3 of r3)")
    sign_out(page)

    sign_in(page, "finn@example.com")
    page.locator(".index").get_by_role("link", name="FY27 plan").click()
    expect(page.locator(".markdown")).to_contain_text("Banks first, then life insurers.")
    expect(page.locator(".page-title .badge-ok")).to_have_text("Published")
