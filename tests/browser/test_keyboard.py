"""The discussion and the editor with the keyboard alone: where focus goes, what the arrow keys do."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_editing import sign_in
from tests.factories import make_page, make_user

PLAN = (
    "# FY27 plan\n\n"
    "Northwind lets a mid-sized institution move off its legacy core in phases.\n\n"
    "## Segments\n\n"
    "Regional banks come first; credit unions follow.\n\n"
    "- Insurers buy slower, in larger deals.\n"
    "- Wealth managers last.\n\n"
    "Budget questions go to [Maya](https://example.com/maya).\n"
)


def open_plan(app, page) -> None:
    with app.app_context():
        author = make_user(role="council", email="priya@example.com", name="Priya Raman")
        make_page(author, slug="fy27-plan", title="FY27 plan", bodies=(PLAN,))
    sign_in(page, "priya@example.com")
    page.goto("/p/fy27-plan")


def passage_button(page, text: str):
    return page.locator("#content p, #content li").filter(has_text=text).locator(".annotate-button")


def test_posting_a_comment_or_a_reply_puts_focus_on_it(app, page):
    open_plan(app, page)
    page.get_by_label("Comment on the page as a whole").fill("Who owns the budget line?")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    comment = page.locator(".comment", has_text="Who owns the budget line?")
    expect(comment).to_be_focused()

    page.get_by_placeholder("Reply…").fill("Maya does.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".comment", has_text="Maya does.")).to_be_focused()


def test_escape_goes_back_to_the_passage_from_the_toolbar_and_from_the_comment_form(app, page):
    open_plan(app, page)
    plus = passage_button(page, "Regional banks come first")
    plus.focus()
    page.keyboard.press("Enter")
    toolbar = page.get_by_role("toolbar", name="Selected text")
    expect(toolbar.get_by_role("button", name="Comment")).to_be_focused()
    page.keyboard.press("Escape")
    expect(toolbar).to_have_count(0)
    expect(plus).to_be_focused()

    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    box = page.get_by_label("Comment on the selected passage")
    expect(box).to_be_focused()
    box.press_sequentially("Half-written")
    page.keyboard.press("Escape")
    expect(plus).to_be_focused()
    expect(box).to_have_value("Half-written")
    expect(page.locator(".new-thread .selected-quote")).to_have_text("Regional banks come first; credit unions follow.")


def test_escape_closes_an_untouched_suggestion_form_and_returns_to_the_passage(app, page):
    open_plan(app, page)
    plus = passage_button(page, "Regional banks come first")
    plus.focus()
    page.keyboard.press("Enter")
    page.get_by_role("toolbar", name="Selected text").get_by_role("button", name="Suggest edit").click()
    expect(page.get_by_label("Your version")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#composer .suggest")).to_have_count(0)
    expect(plus).to_be_focused()


def test_the_selection_toolbar_is_one_tab_stop_that_answers_the_arrow_keys(app, page):
    open_plan(app, page)
    passage_button(page, "Regional banks come first").focus()
    page.keyboard.press("Enter")
    toolbar = page.get_by_role("toolbar", name="Selected text")
    comment, suggest = toolbar.get_by_role("button", name="Comment"), toolbar.get_by_role("button", name="Suggest edit")
    expect(comment).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(suggest).to_be_focused()
    expect(suggest).to_have_attribute("tabindex", "0")
    expect(comment).to_have_attribute("tabindex", "-1")
    page.keyboard.press("ArrowRight")
    expect(comment).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(suggest).to_be_focused()
    page.keyboard.press("Home")
    expect(comment).to_be_focused()
    page.keyboard.press("End")
    expect(suggest).to_be_focused()


def test_the_toolbar_opens_under_the_selection_leaving_the_line_above_readable(app, page):
    open_plan(app, page)
    passage_button(page, "Regional banks come first").click()
    toolbar = page.get_by_role("toolbar", name="Selected text").bounding_box()
    selected = page.evaluate(
        "(() => { const r = getSelection().getRangeAt(0).getBoundingClientRect();"
        " return {top: r.top + scrollY, bottom: r.bottom + scrollY}; })()"
    )
    assert toolbar["y"] >= selected["bottom"], (toolbar, selected)


def test_tab_passes_the_passage_buttons_in_one_stop_and_the_arrows_go_through_them(app, page):
    open_plan(app, page)
    buttons = page.locator("#content .annotate-button")
    expect(buttons).to_have_count(6)
    first = buttons.first
    box = first.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24, box

    stops = []
    while len(stops) < 100 and "new-comment" not in stops:
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.id || document.activeElement.className"))
    assert "new-comment" in stops and stops.count("annotate-button") == 1, stops

    first.focus()
    page.keyboard.press("ArrowDown")
    expect(buttons.nth(1)).to_be_focused()
    page.keyboard.press("End")
    expect(buttons.last).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(buttons.nth(4)).to_be_focused()
    # Tab comes back to the passage last used, not to the first one.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(buttons.nth(4)).to_be_focused()


def test_preview_headings_leave_the_editors_ids_and_labels_alone(app, page):
    open_plan(app, page)
    page.goto("/p/fy27-plan/edit")
    page.get_by_label("Text (Markdown)").fill("# Title\n\n## Summary\n\nSee [the body](#body).\n\n## Body\n\nWords.\n")
    expect(page.locator("#preview h2")).to_have_count(2)
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map((element) => element.id)")
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    expect(page.locator("#preview h2").first).to_have_id("preview-of-summary")
    page.locator("label[for=summary]").click()
    expect(page.get_by_label("Edit summary")).to_be_focused()


def test_the_unread_count_is_read_as_part_of_the_inbox_link(app, page):
    with app.app_context():
        make_user(role="council", email="priya@example.com", name="Priya Raman")
        maya = make_user(role="lead", email="maya@example.com", name="Maya Chen")
        make_page(maya, slug="fy27-plan", title="FY27 plan", bodies=(PLAN,))
    sign_in(page, "priya@example.com")
    page.goto("/p/fy27-plan")
    page.get_by_label("Comment on the page as a whole").fill("Over to you, @maya")
    page.locator(".new-thread").get_by_role("button", name="Comment", exact=True).click()
    expect(page.locator(".comment", has_text="Over to you")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "maya@example.com")
    expect(page.get_by_role("link", name="Inbox, 1 unread", exact=True)).to_be_visible()
