"""The summary in a real browser: a lead composes, previews and sends it; a field rep reads it in the archive."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_editing import sign_in
from tests.browser.test_review import sign_out
from tests.factories import make_member, make_page, make_user, publish
from tests.worker_process import worker_process
from wiki.extensions import db
from wiki.services import pages


def test_lead_composes_previews_and_sends_and_a_field_rep_reads_it(app, page, tmp_path):
    with app.app_context():
        lead = make_user(role="lead", name="Lena Lead", email="lena@example.com")
        priya = make_user(role="field", name="Priya Raman", email="priya@example.com")
        make_user(role="field", name="Finn Field", email="finn@example.com")
        make_member(lead, priya, "EMEA")
        priya = db.session.get(type(priya), priya.id)
        plan = make_page(lead, slug="fy27-plan", title="FY27 plan", bodies=("# FY27\n\nBanks first.\n",))
        publish(lead, plan, 1)
        pages.save_revision(
            priya, pages.EditSubmission("fy27-plan", "# FY27\n\nBanks first, then insurers.\n", "Add insurers", 1)
        )
        publish(lead, pages.get_page("fy27-plan"), 2)

    sign_in(page, "lena@example.com")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Summaries").click()
    page.get_by_role("link", name="Compose a summary").click()
    page.get_by_role("button", name="Gather the period").click()
    expect(page.get_by_label("Subject")).to_be_visible()
    page.get_by_label("Subject").fill("FY27: what the council changed")
    page.get_by_label("Introduction (Markdown)").fill("Two weeks of **good work**.")
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_role("heading", name="Preview: the exact email")).to_be_visible()
    frame = page.locator(".email-frame")
    expect(frame).to_contain_text("Two weeks of good work.")
    expect(frame).to_contain_text("Priya Raman (EMEA)")
    expect(page.locator("pre.email-text")).to_contain_text("FY27: what the council changed")
    # The worker process sends it (issue 12); the web server only queues.
    with worker_process(app, tmp_path / "worker.log"):
        page.get_by_role("button", name="Send to 3 recipients").click()
        expect(page.locator("#send-progress h2")).to_have_text("Sent", timeout=60_000)
    expect(page.locator("#send-progress")).to_contain_text("3 of 3 delivered")
    sign_out(page)

    sign_in(page, "finn@example.com")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Summaries").click()
    page.get_by_role("link", name="FY27: what the council changed").click()
    expect(page.locator(".email-frame")).to_contain_text("Add insurers")
    expect(page.locator(".email-frame")).to_contain_text("Thanks to Priya Raman (EMEA)")
