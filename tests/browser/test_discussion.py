"""Commenting on and suggesting edits to a passage, in a real browser."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_editing import sign_in
from tests.factories import make_page, make_user

PLAN = (
    "# FY27 plan\n\n"
    "## Value proposition\n\n"
    "Northwind lets a mid-sized institution move off its legacy core in phases.\n\n"
    "## Tactics\n\n"
    "- A customer presentation focused on **phased modernisation**.\n"
)


def select_text(page, text: str) -> None:
    """Select `text` inside the rendered page the way a mouse would, then release the button."""
    page.evaluate(
        """(text) => {
          const content = document.getElementById('content');
          const walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT);
          const nodes = [];
          let all = '';
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            nodes.push([node, all.length]);
            all += node.nodeValue;
          }
          const at = all.indexOf(text);
          if (at < 0) throw new Error('text not found: ' + text);
          const locate = (offset) => {
            const [node, start] = nodes.filter(([, start]) => start <= offset).pop();
            return [node, offset - start];
          };
          const range = document.createRange();
          range.setStart(...locate(at));
          range.setEnd(...locate(at + text.length));
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          content.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        }""",
        text,
    )


def test_select_comment_reply_and_resolve(app, page):
    with app.app_context():
        author = make_user(role="council", email="priya@example.com", name="Priya Raman")
        make_user(role="lead", email="maya@example.com", name="Maya Chen")
        make_page(author, slug="fy27-plan", title="FY27 plan", bodies=(PLAN,))
    sign_in(page, "priya@example.com")
    page.goto("/p/fy27-plan")
    select_text(page, "move off its legacy core")
    page.locator(".annotate-popover").get_by_role("button", name="Comment").click()
    expect(page.locator(".new-thread .selected-quote")).to_have_text("move off its legacy core")
    page.get_by_label("Comment on the selected passage").fill("Customers say 'replace', not 'move off'. @maya")
    expect(page.locator(".mention-list")).to_contain_text("Maya Chen")
    page.keyboard.press("Enter")
    page.locator(".new-thread").get_by_role("button", name="Comment", exact=True).click()
    thread = page.locator(".thread").first
    expect(thread).to_contain_text("Customers say 'replace'")
    expect(thread.locator(".quote")).to_have_text("move off its legacy core")
    assert page.evaluate("CSS.highlights.get('threads').size") == 1

    thread.get_by_placeholder("Reply…").fill("Good point, changing it.")
    thread.get_by_role("button", name="Reply").click()
    expect(page.locator(".thread").first).to_contain_text("Good point, changing it.")
    page.locator(".thread").first.get_by_role("button", name="Resolve").click()
    expect(page.locator(".thread").first.locator(".thread-head")).to_contain_text("resolved")
    expect(page.locator(".thread").first.get_by_role("button", name="Reopen")).to_be_visible()
    assert page.evaluate("CSS.highlights.get('threads').size") == 0
    page.reload()
    expect(page.locator(".closed-threads > summary")).to_contain_text("1 resolved or decided")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "maya@example.com")
    expect(page.locator(".inbox-link .count")).to_have_text("1")
    page.get_by_role("link", name="Inbox").click()
    expect(page.get_by_text("Priya Raman mentioned you on “FY27 plan”")).to_be_visible()


def test_select_suggest_and_accept_as_the_owner(app, page):
    with app.app_context():
        owner = make_user(role="council", email="tom@example.com", name="Tom Becker")
        make_user(role="council", email="kenji@example.com", name="Kenji Watanabe")
        make_page(owner, slug="fy27-plan", title="FY27 plan", bodies=(PLAN,))
    sign_in(page, "kenji@example.com")
    page.goto("/p/fy27-plan")
    select_text(page, "focused on phased modernisation")
    page.locator(".annotate-popover").get_by_role("button", name="Suggest edit").click()
    expect(page.get_by_label("The passage now (Markdown)")).to_have_value("focused on **phased modernisation")
    page.get_by_label("Your version").fill("focused on **modernising one product line at a time")
    expect(page.locator("#suggest-preview ins")).to_contain_text("modernising one product line at a time")
    page.get_by_role("button", name="Suggest", exact=True).click()
    suggestion = page.locator(".thread-suggestion").first
    expect(suggestion).to_contain_text("modernising one product line at a time")
    expect(page.locator("#content .suggestion-insert")).to_have_text(
        "focused on modernising one product line at a time"
    )
    expect(suggestion.get_by_role("button", name="Accept")).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "tom@example.com")
    page.goto("/p/fy27-plan")
    page.locator(".thread-suggestion").first.get_by_role("button", name="Accept").click()
    expect(page.locator("#content")).to_contain_text("modernising one product line at a time")
    expect(page.locator(".page-title .meta")).to_contain_text("Revision 2 (current) · Kenji Watanabe")
    expect(page.locator(".page-title .meta")).to_contain_text("accepted by Tom Becker")
    page.get_by_role("link", name="History").click()
    expect(page.locator("table.history tbody tr").first).to_contain_text(
        "Suggested by Kenji Watanabe, accepted by Tom Becker"
    )
