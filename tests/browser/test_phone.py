"""On a phone (375 px) and a laptop: the pages issue 16 measured too wide, the header's menu, the contents list,
tables that scroll in their own box, the title shown once, a side-by-side diff that reads, the contributions
chart and the suggestion form beside its passage. On the demo company, where those problems were found."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import make_page
from tests.worlds import BLANK
from wiki import demo
from wiki.services import accounts

PHONE = {"width": 375, "height": 740}
LAPTOP = {"width": 1280, "height": 900}
LEAD, COUNCIL = "maya.chen@example.com", "marcus.hill@example.com"
PLAN = demo.PLAN
PLAN_TITLE = "FY27 Financial Services Marketing Plan"

# The outermost elements reaching past the right edge of the screen: where a page's extra width comes from.
TOO_WIDE = """() => {
  const edge = document.documentElement.clientWidth;
  const sticking = [...document.body.querySelectorAll("*")].filter((element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && Math.round(box.right) > edge;
  });
  return {
    width: document.documentElement.scrollWidth, screen: window.innerWidth,
    culprits: sticking.filter((element) => !sticking.includes(element.parentElement)).slice(0, 3)
      .map((element) => element.tagName.toLowerCase() + [...element.classList].map((name) => "." + name).join("")),
  };
}"""


@pytest.fixture
def demo_company(app, worlds):
    worlds.restore(app, "demo", demo.load, base=BLANK)


def sign_in(page, email: str) -> None:
    """By the login form; on a phone "Sign out" is inside the closed menu, so the home page's heading says it worked."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(demo.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Home", exact=True)).to_be_visible()


def on_a_phone(page, email: str):
    page.set_viewport_size(PHONE)
    sign_in(page, email)
    return page


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not on the screen"
    return found


def test_the_pages_measured_too_wide_fit_a_phone(demo_company, page):
    on_a_phone(page, LEAD)
    lead_pages = [
        "/",
        f"/p/{PLAN}",
        f"/p/{PLAN}/edit",
        f"/p/{PLAN}/history",
        f"/p/{PLAN}/diff?from=1&to=5&view=side",
        "/review",
        "/council",
    ]
    problems = []
    for role, email, addresses in (("lead", LEAD, lead_pages), ("council", COUNCIL, ["/", f"/p/{PLAN}/edit"])):
        if role == "council":
            page.context.clear_cookies()
            sign_in(page, email)
        for address in addresses:
            assert page.goto(address, wait_until="networkidle").status == 200
            fit = page.evaluate(TOO_WIDE)
            if fit["width"] > fit["screen"]:
                problems.append(f"{role} {address}: {fit['width']} px, reaching past the edge: {fit['culprits']}")
    assert not problems, "\n".join(problems)


def test_on_a_phone_the_menu_button_shows_and_hides_the_links(demo_company, page):
    on_a_phone(page, LEAD)
    menu = page.get_by_role("button", name="Menu")
    links = page.get_by_role("navigation", name="Main")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(links).to_be_hidden()

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(links.get_by_role("link", name="Council")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(links).to_be_hidden()


def test_escape_closes_the_menu_and_gives_focus_back_to_its_button(demo_company, page):
    on_a_phone(page, LEAD)
    menu = page.get_by_role("button", name="Menu")
    menu.click()
    page.keyboard.press("Tab")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Home")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()


def test_a_laptop_shows_the_links_without_a_menu_button(demo_company, page):
    sign_in(page, LEAD)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Council")).to_be_visible()


def test_without_javascript_a_phone_shows_the_links(demo_company, chromium, live_server):
    context = chromium.new_context(base_url=live_server, viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, LEAD)
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Council")).to_be_visible()
    finally:
        context.close()


def test_on_a_phone_the_contents_list_is_above_the_text_and_opens_when_asked(demo_company, page):
    on_a_phone(page, COUNCIL)
    page.goto(f"/p/{PLAN}")
    contents = page.get_by_role("navigation", name="Contents")
    first_section = contents.get_by_role("link", name="Summary")
    expect(first_section).to_be_hidden()
    assert box(contents)["y"] + box(contents)["height"] <= box(page.locator("#content"))["y"]

    contents.get_by_text("Contents", exact=True).click()
    expect(first_section).to_be_visible()
    first_section.click()
    expect(page).to_have_url(f"{page.url.split('#')[0]}#summary")


def test_on_a_laptop_the_contents_list_is_open_beside_the_text(demo_company, page):
    sign_in(page, COUNCIL)
    page.goto(f"/p/{PLAN}")
    contents = page.get_by_role("navigation", name="Contents")
    expect(contents.get_by_role("link", name="Summary")).to_be_visible()
    text = box(page.locator("#content"))
    assert box(contents)["x"] >= text["x"] + text["width"]


def test_a_wide_table_scrolls_in_its_own_box_from_the_keyboard(demo_company, page):
    on_a_phone(page, LEAD)
    page.goto("/council")
    members = page.get_by_role("region", name="Council members")
    # Reached with Tab, as a keyboard reaches it (a script can focus any box that scrolls).
    for _ in range(10):
        page.keyboard.press("Tab")
        if members.evaluate("box => box === document.activeElement"):
            break
    expect(members).to_be_focused()
    assert members.evaluate("box => box.scrollWidth > box.clientWidth"), "the table fits: nothing to scroll"
    assert members.evaluate("box => box.scrollLeft") == 0
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_page_shows_its_title_once(demo_company, app, page):
    with app.app_context():
        lead = accounts.find_user_by_email(LEAD)
        make_page(lead, slug="webinar-notes", title="Webinar notes", bodies=("# What we learnt\n\nShort slots.\n",))
    sign_in(page, COUNCIL)
    page.goto(f"/p/{PLAN}")
    expect(page.get_by_role("heading", name=PLAN_TITLE, exact=True)).to_have_count(1)
    # A first heading that says something else than the title is the author's, and stays.
    page.goto("/p/webinar-notes")
    expect(page.get_by_role("heading", name="Webinar notes", exact=True)).to_have_count(1)
    expect(page.get_by_role("heading", name="What we learnt", exact=True)).to_be_visible()


def test_the_side_by_side_diff_gives_the_text_the_width(demo_company, page):
    sign_in(page, COUNCIL)
    page.goto(f"/p/{PLAN}/diff?from=1&to=5&view=side")
    table = box(page.locator("table.side-diff"))
    number = box(page.locator("table.side-diff td.no").first)
    text = box(page.locator("table.side-diff td.left").first)
    assert number["width"] < 0.06 * table["width"]
    assert text["width"] > 0.4 * table["width"]
    expect(page.locator("table.side-diff tr.same td.right").first).to_be_visible()


def test_on_a_phone_the_side_by_side_diff_reads_as_one_column(demo_company, page):
    on_a_phone(page, COUNCIL)
    page.goto(f"/p/{PLAN}/diff?from=1&to=5&view=side")
    expect(page.get_by_text("unchanged lines once")).to_be_visible()
    same = page.locator("table.side-diff tr.same").first
    # An unchanged line once, across the screen; a changed one keeps both its texts, the old above the new.
    expect(same.locator("td.right")).to_be_hidden()
    assert box(same.locator("td.left"))["width"] > 0.8 * box(page.locator("table.side-diff"))["width"]
    changed = page.locator("table.side-diff tr.changed", has=page.locator("del")).first
    old, new = box(changed.locator("td.left")), box(changed.locator("td.right"))
    assert new["y"] >= old["y"] + old["height"] - 1


def test_the_contributions_chart_names_are_the_size_of_the_text_around_them(demo_company, page):
    sign_in(page, LEAD)
    chart = page.locator(".dash-chart")
    name = chart.get_by_text("Marcus Hill", exact=True)
    expect(name).to_be_visible()
    # The glyphs' height on the screen: a 12 px name is some 14 px tall with its line; at 9 px, 11.
    assert box(name)["height"] >= 14


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_suggestion_form_opens_by_its_passage(demo_company, page, size):
    page.set_viewport_size(size)
    sign_in(page, COUNCIL)
    page.goto(f"/p/{PLAN}")
    passage = page.locator("#content p", has_text="Northwind lets a mid-sized institution").first
    passage.locator(".annotate-button").focus()
    page.keyboard.press("Enter")
    page.get_by_role("toolbar", name="Selected text").get_by_role("button", name="Suggest edit").click()
    expect(page.get_by_label("Your version")).to_be_focused()

    form, where = box(page.locator("#composer form")), box(passage)
    if size == LAPTOP:
        assert abs(form["y"] - where["y"]) < 24, "beside the passage, at its height"
        assert form["x"] >= where["x"] + where["width"]
    else:
        assert 0 <= form["y"] - (where["y"] + where["height"]) < 24, "just under the passage"
