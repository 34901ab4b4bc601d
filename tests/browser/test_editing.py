"""A council member's day in a real browser, and what a field rep sees."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD, make_page, make_user, publish


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def write(page, text: str, summary: str) -> None:
    page.get_by_label("Text (Markdown)").fill(text)
    page.get_by_label("Edit summary").fill(summary)
    page.get_by_role("button", name="Save").click()


def test_council_member_creates_edits_compares_and_restores(app, page):
    with app.app_context():
        make_user(role="council", name="Cora Council", email="cora@example.com")
    sign_in(page, "cora@example.com")

    page.get_by_label("New page name").fill("webinar-series")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="New page “webinar-series”")).to_be_visible()
    page.get_by_label("Title").fill("Webinar series")
    page.get_by_label("Text (Markdown)").fill("# Webinars\n\nFour sessions, one per quarter.\n")
    expect(page.locator("#preview h1")).to_have_text("Webinars")
    page.get_by_label("Edit summary").fill("First plan")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved as revision 1.")).to_be_visible()

    page.get_by_role("link", name="Edit", exact=True).click()
    write(page, "# Webinars\n\nFour sessions, one per quarter, with an EMEA slot.\n", "EMEA slot")
    expect(page.get_by_text("Saved as revision 2.")).to_be_visible()
    page.get_by_role("link", name="Edit", exact=True).click()
    write(page, "# Webinars\n\nTwo sessions only.\n", "Cut to two")
    expect(page.locator(".markdown")).to_contain_text("Two sessions only.")

    page.get_by_role("link", name="History").click()
    rows = page.locator("table.history tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Cut to two")

    page.get_by_role("button", name="Compare selected revisions").click()
    expect(page).to_have_url(re.compile(r"/diff\?(?=.*from=2)(?=.*to=3)"))
    expect(page.locator("ins").first).to_be_visible()
    expect(page.locator("del").first).to_contain_text("Four")
    page.get_by_role("link", name="Side by side").click()
    expect(page.locator("table.side-diff")).to_be_visible()

    page.goto("/p/webinar-series?rev=2")
    page.get_by_role("button", name="Restore this version").click()
    expect(page.get_by_text("Revision 2 is back, saved as revision 4.")).to_be_visible()
    expect(page.locator(".markdown")).to_contain_text("with an EMEA slot")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto("/p/webinar-series")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_field_rep_sees_only_the_published_version(app, page):
    with app.app_context():
        council = make_user(role="council")
        lead = make_user(role="lead")
        make_user(role="field", email="rep@example.com")
        plan = make_page(
            council,
            slug="fy27-plan",
            title="FY27 plan",
            bodies=("# FY27\n\nApproved words.\n", "# FY27\n\nUnapproved draft words.\n"),
        )
        publish(lead, plan, 1)
        make_page(council, slug="secret-draft", title="Secret draft")
    sign_in(page, "rep@example.com")
    index = page.locator(".index")
    expect(index.get_by_role("link", name="FY27 plan")).to_be_visible()
    expect(page.get_by_role("link", name="Secret draft")).to_have_count(0)
    index.get_by_role("link", name="FY27 plan").click()
    expect(page.locator(".markdown")).to_contain_text("Approved words.")
    expect(page.get_by_text("Unapproved draft words.")).to_have_count(0)
    expect(page.get_by_role("link", name="History")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    response = page.goto("/p/secret-draft")
    assert response.status == 404
    # A page the field can't read is as unknown as a missing one: no title, no hint that it exists.
    expect(page.get_by_text("There is no page called “secret-draft”")).to_be_visible()
    expect(page.get_by_text("Secret draft")).to_have_count(0)
