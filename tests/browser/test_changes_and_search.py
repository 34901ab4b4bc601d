"""Filtering recent changes swaps the list in place and keeps the address; the header search finds pages."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_editing import sign_in
from tests.factories import make_page, make_user, publish


def test_filters_update_the_list_in_place_and_the_address(app, page):
    with app.app_context():
        lead = make_user(role="lead", name="Lena Lead", email="lena@example.com")
        council = make_user(role="council", name="Cora Council", email="cora@example.com")
        plan = make_page(council, title="FY27 plan", bodies=("# Plan\n\nOne.\n", "# Plan\n\nTwo.\n"))
        publish(lead, plan, 1)
        make_page(council, slug="webinar-series", title="Webinar series", bodies=("Webinars.\n",))
    sign_in(page, "cora@example.com")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Changes").click()
    items = page.locator("#change-log li")
    expect(items).to_have_count(4)
    heading = page.get_by_role("heading", name="Recent changes").element_handle()

    page.get_by_label("Kind of change").select_option("review")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("approved")
    expect(page).to_have_url(re.compile(r"/changes\?.*kind=review"))
    # Swapped in place: the page around the list is the same document.
    assert heading.is_visible()

    page.get_by_label("Kind of change").select_option("")
    # Typing part of a title offers the pages that hold it; choosing one and leaving the field filters.
    page_filter = page.get_by_label("Page", exact=True)
    page_filter.press_sequentially("webin")
    expect(page.locator("#page-options option")).to_have_count(1)
    expect(page.locator("#page-options option")).to_have_attribute("value", "webinar-series")
    page_filter.fill("webinar-series")
    page_filter.press("Enter")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("Webinar series")
    # The address follows the swap; reloading before it has would reload the previous filters.
    expect(page).to_have_url(re.compile(r"/changes\?.*page=webinar-series"))

    page.reload()
    expect(page.get_by_label("Page", exact=True)).to_have_value("webinar-series")
    expect(items).to_have_count(1)
    page.get_by_role("link", name="Clear filters").click()
    expect(items).to_have_count(4)


def test_header_search_finds_and_highlights(app, page):
    with app.app_context():
        lead = make_user(role="lead", name="Lena Lead", email="lena@example.com")
        plan = make_page(lead, title="FY27 plan", bodies=("# Plan\n\nWe grow credit union accounts.\n",))
        publish(lead, plan, 1)
    sign_in(page, "lena@example.com")
    page.get_by_role("searchbox", name="Search pages").fill("Credit Union")
    page.get_by_role("searchbox", name="Search pages").press("Enter")
    expect(page.get_by_role("heading", name="1 page found")).to_be_visible()
    expect(page.locator(".hits mark")).to_have_text("credit union")
    page.get_by_role("link", name="FY27 plan").click()
    expect(page).to_have_url(re.compile(r"/p/fy27-plan$"))
