"""Inbox notices about a file open the file (issue 11): a lead's decision on a version opens that version's
preview, and the field's feedback or share naming a slide or page opens it at that slide or page."""

from __future__ import annotations

import html
import io
import re

import pytest

from tests.factories import make_page, make_user, publish
from tests.files.makers import make_deck, make_pdf
from tests.queries import counted_queries
from wiki.services import accounts, file_review, file_uploads, files, pages

pytestmark = pytest.mark.usefixtures("read_files_in_process")

SLUG = "customer-presentation"
DECK = "fs-customer-deck.pptx"
PDF = "onboarding-one-pager.pdf"
SLIDES = [(f"Slide title {n}", f"Body of slide {n}", "") for n in range(1, 8)]
SLIDES[4] = ("Why us", "Twenty years with regional banks", "")
DECK_URL = f"/p/{SLUG}/files/{DECK}"
PDF_URL = f"/p/{SLUG}/files/{PDF}"


@pytest.fixture
def world(app, people):
    """A published page with a deck and a one-pager the council uploaded and a lead approved, and a rep."""
    lead, council = people["lead"], people["council"]
    with app.app_context():
        page = make_page(lead, slug=SLUG, title="Customer presentation", kind="collateral")
        publish(lead, page, 1)
        for name, data in ((DECK, make_deck(SLIDES)), (PDF, make_pdf(["Welcome", "Your first week", "Contacts"]))):
            file_uploads.upload(council, page, name, data)
            file_review.approve(lead, page, files.get_attachment(lead, page, name), 1)
        return {"rep": make_user(role="field", name="Aisha Khan", email="aisha@example.com", region="EMEA")}


def _upload(person, url: str, data: bytes):
    response = person.upload(f"{url}/versions", {"file": (io.BytesIO(data), url.rsplit("/", 1)[1]), "note": ""})
    assert response.status_code == 303, response.get_data(as_text=True)


def _post(person, url: str, data: dict) -> None:
    response = person.post(url, data)
    assert response.status_code == 303, response.get_data(as_text=True)


def _inbox(person) -> list[tuple[str | None, str]]:
    """Each inbox item as (where its link goes, or None for an item without one; its text)."""
    page = person.get("/inbox").get_data(as_text=True)
    items = []
    for item in re.findall(r'<li class="(?:un)?read">(.*?)</li>', page, flags=re.S):
        link = re.search(r'<a href="([^"]+)">(.*?)</a>', item, flags=re.S)
        if link is not None:
            items.append((html.unescape(link.group(1)), html.unescape(link.group(2))))
        else:
            items.append((None, html.unescape(re.search(r"<span>(.*?)</span>", item, flags=re.S).group(1))))
    return items


def _link(person, words: str) -> str | None:
    """Where the one inbox item whose text has these words links to."""
    inbox = _inbox(person)
    found = [link for link, text in inbox if words in text]
    assert len(found) == 1, inbox
    return found[0]


def test_changes_asked_for_on_a_version_open_that_version_for_whoever_uploaded_it(world, as_council, as_lead):
    _upload(as_council, DECK_URL, make_deck(SLIDES[:5]))
    _post(as_lead, f"{DECK_URL}/request-changes", {"v": "2", "note": "Put the pricing back"})

    link = _link(as_council, "asked for changes")
    assert link == f"{DECK_URL}/preview?v=2"
    preview = as_council.get(link).get_data(as_text=True)
    assert "Put the pricing back" in preview and 'id="slide-5"' in preview


def test_an_approval_opens_the_approved_version_for_whoever_uploaded_it(world, as_council, as_lead):
    _upload(as_council, PDF_URL, make_pdf(["Welcome", "Your first week, revised"]))
    _post(as_lead, f"{PDF_URL}/approve", {"v": "2"})

    assert _link(as_council, f"approved version 2 of “{PDF}”") == f"{PDF_URL}/preview?v=2"


def test_feedback_naming_a_slide_opens_the_version_the_rep_read_at_that_slide(world, browser, as_council, as_lead):
    # A newer draft is the council's default view; the rep meant slide 5 of the approved version 1.
    _upload(as_council, DECK_URL, make_deck(SLIDES[:2]))
    rep = browser(world["rep"])
    _post(rep, f"{DECK_URL}/feedback", {"would_share": "no", "v": "1", "unit": "5", "note": "Clients found it generic"})

    link = _link(as_lead, "slide 5")
    assert link == f"{DECK_URL}/preview?v=1#slide-5"
    assert 'id="slide-5"' in as_lead.get(link).get_data(as_text=True)


def test_feedback_about_the_whole_file_opens_it_without_a_slide(world, browser, as_lead):
    _post(browser(world["rep"]), f"{DECK_URL}/feedback", {"would_share": "yes", "v": "1"})

    assert _link(as_lead, "would share") == f"{DECK_URL}/preview?v=1"


def test_a_share_pointing_to_a_page_of_a_pdf_opens_it_at_that_page(world, browser, as_lead):
    _post(browser(world["rep"]), f"{PDF_URL}/shares", {"client_kind": "bank", "v": "1", "unit": "2"})

    link = _link(as_lead, "pointing to page 2")
    assert link == f"{PDF_URL}/preview?v=1#page-2"
    assert 'id="page-2"' in as_lead.get(link).get_data(as_text=True)


def test_a_share_of_a_slide_opens_the_deck_at_that_slide(world, browser, as_lead):
    _post(browser(world["rep"]), f"{DECK_URL}/shares", {"client_kind": "insurer", "v": "1", "unit": "5"})

    assert _link(as_lead, "pointing to slide 5") == f"{DECK_URL}/preview?v=1#slide-5"


def test_an_uploader_now_in_the_field_is_not_told_of_changes_asked_for_on_a_draft(
    app, world, people, browser, as_council, as_lead
):
    _upload(as_council, DECK_URL, make_deck(SLIDES[:5]))
    with app.app_context():
        accounts.set_role(people["lead"], people["council"].id, "field")
    _post(as_lead, f"{DECK_URL}/request-changes", {"v": "2", "note": "Put the pricing back"})

    inbox = _inbox(browser(people["council"]))
    assert not [text for _, text in inbox if "asked for changes" in text or "version 2" in text]


def test_an_approval_stops_linking_for_the_field_once_a_newer_version_is_approved(
    app, world, people, browser, as_council, as_lead
):
    _upload(as_council, DECK_URL, make_deck(SLIDES[:5]))
    with app.app_context():
        accounts.set_role(people["lead"], people["council"].id, "field")
    _post(as_lead, f"{DECK_URL}/approve", {"v": "2"})
    now_field = browser(people["council"])
    assert _link(now_field, "approved version 2") == f"{DECK_URL}/preview?v=2"

    _upload(as_lead, DECK_URL, make_deck(SLIDES[:3]))
    _post(as_lead, f"{DECK_URL}/approve", {"v": "3"})
    # Version 2 answers 404 to the field now: the notice stays, without a link to a missing version.
    assert _link(now_field, "approved version 2") is None
    assert now_field.get(f"{DECK_URL}/preview?v=2").status_code == 404


def test_deleting_a_file_takes_its_notices_with_it(app, people, as_council, as_lead):
    with app.app_context():
        page = make_page(people["lead"], slug="drafts-only")
        file_uploads.upload(people["council"], page, PDF, make_pdf(["Draft"]))
        file_review.request_changes(people["lead"], page, files.get_attachment(people["lead"], page, PDF), 1, "Not yet")
    assert _link(as_council, "asked for changes") == f"/p/drafts-only/files/{PDF}/preview?v=1"

    _post(as_council, f"/p/drafts-only/files/{PDF}/delete", {})
    assert _inbox(as_council) == []


def test_the_inbox_reads_file_notices_in_the_same_number_of_queries_for_3_as_for_12(app, people, as_council):
    lead, council = people["lead"], people["council"]

    def ask_for_changes(numbers):
        with app.app_context():
            page = pages.get_page("handouts")
            for n in numbers:
                name = f"handout-{n}.pdf"
                file_uploads.upload(council, page, name, make_pdf([f"Handout {n}", "Second page"]))
                attachment = files.get_attachment(lead, page, name)
                file_review.request_changes(lead, page, attachment, 1, f"Handout {n} needs a date")

    with app.app_context():
        make_page(lead, slug="handouts")
    ask_for_changes(range(3))
    with counted_queries(app) as few:
        assert len(_inbox(as_council)) == 3
    ask_for_changes(range(3, 12))
    with counted_queries(app) as many:
        assert len(_inbox(as_council)) == 12
    assert len(many) == len(few)
