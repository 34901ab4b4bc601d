"""What a file's preview tells each reader: no hint of a draft to the field, the lead's note on top for the one who
fixes the file, and what a new version has to be before it is uploaded."""

from __future__ import annotations

import io
import re

import pytest

from tests.factories import make_page, publish
from tests.files.makers import make_deck, make_pdf

DECK = "customer-presentation.pptx"
PREVIEW = f"/p/customer-deck/files/{DECK}/preview"
SLIDES = [(f"Slide title {n}", f"Body of slide {n}", "") for n in range(1, 6)]


@pytest.fixture
def deck_page(app, people):
    with app.app_context():
        page = make_page(people["lead"], slug="customer-deck", title="Customer deck", kind="collateral")
        publish(people["lead"], page, 1)
    return "customer-deck"


def _upload(person, data: bytes, name: str = DECK):
    response = person.upload("/p/customer-deck/files", {"file": (io.BytesIO(data), name), "note": ""})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]


def _decide(person, action: str, number: int, name: str = DECK, **form):
    response = person.post(f"/p/customer-deck/files/{name}/{action}", {"v": str(number), **form})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]


def _meta(html: str) -> str:
    """The line under the file's name: version, author, time, size (and status, for staff)."""
    found = re.search(r'<p class="meta">(.*?)</p>', html, re.S)
    assert found, html[:500]
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())


def test_the_field_cannot_tell_from_the_preview_that_a_newer_version_waits(deck_page, as_council, as_lead, as_field):
    _upload(as_council, make_deck(SLIDES))
    _decide(as_lead, "approve", 1)
    before = _meta(as_field.get(PREVIEW).get_data(as_text=True))

    _upload(as_council, make_deck([*SLIDES[:4], ("Slide title 5", "A new body", "")]))

    assert _meta(as_field.get(PREVIEW).get_data(as_text=True)) == before
    assert "(newest)" in _meta(as_council.get(PREVIEW).get_data(as_text=True))


def test_the_uploader_reads_the_leads_requested_changes_above_the_slides(deck_page, as_council, as_lead):
    _upload(as_council, make_deck(SLIDES))
    _decide(as_lead, "request-changes", 1, note="Slide 3 needs the new logo")

    html = as_council.get(PREVIEW).get_data(as_text=True)

    assert "changes requested" in _meta(html) and "waiting for approval" not in _meta(html)
    header = html[: html.index('id="inside-title"')]
    assert "asked for changes on version 1: “Slide 3 needs the new logo”" in header


def test_the_new_version_form_asks_for_the_files_own_kind(deck_page, as_council):
    _upload(as_council, make_pdf(["Page one"]), name="one-pager.pdf")

    html = as_council.get("/p/customer-deck/files/one-pager.pdf/preview").get_data(as_text=True)

    assert 'accept=".pdf"' in html and "The same kind of file: PDF (.pdf)" in html
    listing = as_council.get("/p/customer-deck/files").get_data(as_text=True)
    assert 'accept=".pptx,.pdf,.docx,.xlsx,.png,.jpg,.jpeg"' in listing


def test_a_pdf_pages_comment_link_names_the_page_not_this_page(deck_page, as_council):
    _upload(as_council, make_pdf(["Page one", "Page two"]), name="one-pager.pdf")

    html = as_council.get("/p/customer-deck/files/one-pager.pdf/preview").get_data(as_text=True)

    assert "<summary>Comment on page 2</summary>" in html and "Comment on this page" not in html
