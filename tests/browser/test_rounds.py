"""A comment round in a real browser: what the field is offered on the published page, and fixing one's words."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_editing import sign_in
from tests.factories import make_page, make_user, open_round, publish

SCORING = "# Lead-scoring criteria\n\nA lead scores 60 points or more before sales calls.\n\nWebinars count 10.\n"


def test_a_rep_in_a_round_is_offered_comments_only_and_fixes_their_own_comment(app, page):
    with app.app_context():
        lead = make_user(role="lead", email="maya@example.com", name="Maya Chen")
        make_user(role="field", email="aisha@example.com", name="Aisha Khan", region="EMEA")
        scoring = make_page(lead, slug="scoring", title="Lead-scoring criteria", bodies=(SCORING,))
        publish(lead, scoring, 1)
        open_round(lead, scoring)
    sign_in(page, "aisha@example.com")
    page.goto("/p/scoring")
    button = page.locator("#content p .annotate-button").first
    expect(button).to_have_attribute("aria-label", "Comment on this passage")
    button.click()
    popover = page.locator(".annotate-popover")
    expect(popover.get_by_role("button")).to_have_count(1)
    popover.get_by_role("button", name="Comment").click()
    page.get_by_label("Comment on the selected passage").fill("Banks score on revnue first.")
    page.locator(".new-thread").get_by_role("button", name="Comment", exact=True).click()
    thread = page.locator(".thread").first
    expect(thread).to_contain_text("Banks score on revnue first.")

    thread.get_by_text("Edit or delete").click()
    thread.get_by_label("Edit your comment").fill("Banks score on revenue first.")
    thread.get_by_role("button", name="Save").click()
    expect(page.locator(".thread").first.locator(".body")).to_have_text("Banks score on revenue first.")
    expect(page.locator(".thread").first.locator(".byline")).to_contain_text("(edited)")
    page.locator(".thread").first.get_by_text("Edit or delete").click()
    page.locator(".thread").first.get_by_role("button", name="Delete this comment").click()
    expect(page.locator(".thread").first).to_contain_text("This comment was deleted.")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "maya@example.com")
    page.goto("/p/scoring")
    expect(page.locator("#content p .annotate-button").first).to_have_attribute(
        "aria-label", "Comment on or suggest an edit to this passage"
    )
