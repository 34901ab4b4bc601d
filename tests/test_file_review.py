"""Files in review, in the summary email, in search, in recent changes and under the page's text (issue 11)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from tests.factories import make_page, make_user, publish
from tests.files.makers import make_deck, make_pdf
from tests.queries import counted_queries
from wiki.extensions import db
from wiki.models import FileDecision, utcnow
from wiki.services import file_uploads, pages

pytestmark = pytest.mark.usefixtures("read_files_in_process")

SLIDES = [(f"Slide title {n}", f"Body of slide {n}", f"Notes {n}") for n in range(1, 13)]
DECK = "customer-presentation.pptx"


def _rewritten(*numbers: int, word: str = "rewritten") -> list[tuple[str, str, str]]:
    """SLIDES with `word` added to the body of the slides with these numbers."""
    return [
        (title, f"{body} {word}" if n in numbers else body, notes) for n, (title, body, notes) in enumerate(SLIDES, 1)
    ]


@pytest.fixture
def deck_page(app, people):
    """A published collateral page, "Customer deck"."""
    with app.app_context():
        page = make_page(people["lead"], slug="customer-deck", title="Customer deck", kind="collateral")
        publish(people["lead"], page, 1)
    return "customer-deck"


def _upload(person, data: bytes, name: str = DECK, note: str = "", slug: str = "customer-deck"):
    response = person.upload(f"/p/{slug}/files", {"file": (io.BytesIO(data), name), "note": note})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response


def _decide(person, action: str, number: int, name: str = DECK, slug: str = "customer-deck", **form):
    return person.post(f"/p/{slug}/files/{name}/{action}", {"v": str(number), **form})


def _text(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def _plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


# The review queue and the review page ---------------------------------------------------------------


def test_the_queue_lists_a_published_page_whose_deck_has_a_new_version(app, deck_page, as_council, as_lead):
    _upload(as_council, make_deck(SLIDES))
    _decide(as_lead, "approve", 1)
    assert "Customer deck" not in _text(as_lead.get("/review"))

    _upload(as_council, make_deck(_rewritten(7)), note="Slide 7 for banks")
    queue = _plain(_text(as_lead.get("/review")))
    assert "Customer deck" in queue and f"{DECK}: version 2 waiting · Cora Council" in queue
    _upload(as_council, make_deck(_rewritten(7, 12)))
    assert f"{DECK}: versions 2–3 waiting" in _plain(_text(as_lead.get("/review")))
    home = _plain(_text(as_lead.get("/")))
    assert "Waiting for review (1)" in home and "1 file by Cora Council" in home


def test_the_review_page_shows_each_waiting_file_slide_by_slide_with_the_text(
    app, people, deck_page, as_council, as_lead
):
    _upload(as_council, make_deck(SLIDES))
    _decide(as_lead, "approve", 1)
    _upload(as_council, make_deck(_rewritten(7, 12)), note="Sharper close for banks")
    with app.app_context():
        pages.save_revision(
            people["council"], pages.EditSubmission("customer-deck", "Use the deck with banks.\n", "banks", 1)
        )
    html = _text(as_lead.get("/review/customer-deck"))
    plain = _plain(html)
    assert "Approve and publish revision 2" in html and "<ins" in html
    assert "The field downloads version 1; version 2 waiting." in plain and "Slides 7 and 12 changed." in plain
    assert "Slide 7: text changed" in plain and "Slide 12: text changed" in plain
    assert "v2 · Cora Council “Sharper close for banks”" in plain
    assert f'href="/p/customer-deck/files/{DECK}/changes?from=1&amp;to=2"' in html
    # Both decisions come back to this page.
    assert f'action="/p/customer-deck/files/{DECK}/approve"' in html and html.count('name="next" value="review"') == 2
    assert f"Approve version 2 of {DECK}" in plain and f'action="/p/customer-deck/files/{DECK}/request-changes"' in html


def test_the_review_page_lists_the_open_comments_on_each_waiting_files_slides(app, deck_page, as_council, as_lead):
    _upload(as_council, make_deck(SLIDES))
    as_council.post(f"/p/customer-deck/files/{DECK}/threads", {"v": "1", "unit": "7", "body": "Name the bank?"})
    as_council.post(f"/p/customer-deck/files/{DECK}/threads", {"v": "1", "body": "Too long for a first call."})
    plain = _plain(_text(as_lead.get("/review/customer-deck")))
    assert "Open comments on this file (2) Slide 7 · Cora Council The whole file · Cora Council" in plain


def test_a_new_file_is_reviewed_as_new_with_its_slide_count(app, deck_page, as_council, as_lead):
    _upload(as_council, make_deck(SLIDES))
    plain = _plain(_text(as_lead.get("/review/customer-deck")))
    assert "New file, 12 slides." in plain and "The field has no version of this file yet" in plain
    assert "What changed from version 1" not in plain
    _upload(as_council, make_deck(_rewritten(3)))
    html = _text(as_lead.get("/review/customer-deck"))
    assert f'href="/p/customer-deck/files/{DECK}/changes?from=1&amp;to=2">What changed from version 1 to 2</a>' in html


def test_a_page_with_only_files_waiting_opens_for_review_without_a_text_decision(app, deck_page, as_council, as_lead):
    _upload(as_council, make_pdf(["Page one", "Page two"]), name="one-pager.pdf")
    html = _text(as_lead.get("/review/customer-deck"))
    assert "The text has no changes waiting" in html and "Approve and publish revision" not in html
    assert "New file, 2 pages." in _plain(html)


def test_approving_from_the_review_page_goes_back_to_it_and_lets_the_field_download(
    app, deck_page, as_council, as_lead, as_field
):
    deck = make_deck(SLIDES)
    _upload(as_council, deck)
    assert f"Approve version 1 of {DECK}" in _text(as_lead.get("/review/customer-deck"))
    response = _decide(as_lead, "approve", 1, next="review")
    assert response.status_code == 303 and response.headers["Location"].endswith("/review/customer-deck")
    assert "Nothing on this page waits for review" in _text(as_lead.get("/review/customer-deck"))
    assert "Customer deck" not in _text(as_lead.get("/review"))
    assert as_field.get(f"/p/customer-deck/files/{DECK}").data == deck


def test_changes_requested_from_the_review_page_show_in_the_queue(app, deck_page, as_council, as_lead):
    _upload(as_council, make_deck(SLIDES))
    response = _decide(as_lead, "request-changes", 1, next="review", note="Slide 3 needs the new logo")
    assert response.status_code == 303 and response.headers["Location"].endswith("/review/customer-deck")
    queue = _plain(_text(as_lead.get("/review")))
    assert "Lena Lead asked for changes on version 1: “Slide 3 needs the new logo”" in queue


def test_the_queue_reads_as_many_queries_for_twenty_waiting_files_as_for_five(app, people, as_lead):
    deck = make_deck(SLIDES[:2])

    def add_pages(first: int, last: int) -> None:
        with app.app_context():
            for n in range(first, last):
                # Each by someone else, so a lazily loaded author would cost a query per line.
                author = make_user(role="council", name=f"Author {n}")
                page = make_page(people["lead"], slug=f"deck-{n}", title=f"Deck {n}", kind="collateral")
                publish(people["lead"], page, 1)
                # A text draft on every other page, so both halves of the queue grow.
                if n % 2:
                    pages.save_revision(author, pages.EditSubmission(f"deck-{n}", f"Draft {n}\n", f"draft {n}", 1))
                file_uploads.upload(author, pages.get_page(f"deck-{n}"), f"deck-{n}.pptx", deck)

    def queries() -> int:
        with counted_queries(app) as seen:
            body = _text(as_lead.get("/review"))
        assert "deck-0.pptx" in body
        return len(seen)

    add_pages(0, 5)
    few = queries()
    add_pages(5, 20)
    assert "deck-19.pptx: version 1 waiting · Author 19" in _plain(_text(as_lead.get("/review")))
    assert queries() == few


# The summary email ------------------------------------------------------------------------------


def _compose(as_lead) -> int:
    response = as_lead.post("/summaries/new", {})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return int(re.search(r"/summaries/(\d+)/edit", response.headers["Location"]).group(1))


def _approved_before_the_period(app) -> None:
    with app.app_context():
        db.session.execute(update(FileDecision).values(created_at=utcnow() - timedelta(days=30)))
        db.session.commit()


def test_the_summary_names_the_approved_deck_its_slide_changes_and_who_made_them(app, deck_page, as_council, as_lead):
    _upload(as_council, make_deck(SLIDES))
    _decide(as_lead, "approve", 1)
    _approved_before_the_period(app)
    _upload(as_council, make_deck(_rewritten(7, 12)))
    _decide(as_lead, "approve", 2)
    _upload(as_council, make_deck(_rewritten(7, 12, 3, word="DRAFT-ONLY")))
    summary_id = _compose(as_lead)

    preview = _plain(_text(as_lead.get(f"/summaries/{summary_id}/preview")))
    assert f"New version of {DECK} on “Customer deck”: slides 7 and 12 changed" in preview
    assert "Version 2 by Cora Council · approved by Lena Lead" in preview
    assert f"{DECK} on “Customer deck”: slides 7 and 12 changed — version 2 by Cora Council" in preview
    assert "slide 3" not in preview and "version 3" not in preview
    edit = _text(as_lead.get(f"/summaries/{summary_id}/edit"))
    assert re.search(r'name="keep" value="file:\d+" checked', edit)


def test_the_lead_leaves_an_approved_file_out_of_the_summary(app, deck_page, as_council, as_lead):
    _upload(as_council, make_deck(SLIDES))
    _decide(as_lead, "approve", 1)
    summary_id = _compose(as_lead)
    assert f"New file {DECK} on “Customer deck”: 12 slides" in _plain(
        _text(as_lead.get(f"/summaries/{summary_id}/preview"))
    )
    response = as_lead.post(
        f"/summaries/{summary_id}/edit",
        {"subject": "Council news", "keep": [], "audience": ["field"], "then": "preview"},
    )
    assert response.status_code == 303
    assert DECK not in _text(as_lead.get(f"/summaries/{summary_id}/preview"))


def test_the_summary_leaves_out_files_sent_back_waiting_or_on_a_page_the_field_cant_read(
    app, people, deck_page, as_council, as_lead
):
    with app.app_context():
        make_page(people["council"], slug="hidden-page", title="Hidden page")
    _upload(as_council, make_pdf(["Hidden"]), name="hidden.pdf", slug="hidden-page")
    approved = _decide(as_lead, "approve", 1, name="hidden.pdf", slug="hidden-page")
    as_lead.get(approved.headers["Location"])
    _upload(as_council, make_deck(SLIDES))
    sent_back = _decide(as_lead, "request-changes", 1, note="Not yet")
    as_lead.get(sent_back.headers["Location"])  # where its notice, which names the file, is shown
    _upload(as_council, make_pdf(["Waiting"]), name="one-pager.pdf")
    summary_id = _compose(as_lead)
    preview = _text(as_lead.get(f"/summaries/{summary_id}/preview"))
    assert DECK not in preview and "one-pager.pdf" not in preview and "hidden.pdf" not in preview


# Search -----------------------------------------------------------------------------------------


def test_council_finds_words_inside_a_draft_deck_linked_to_their_slide(app, deck_page, as_council):
    _upload(as_council, make_deck(_rewritten(7, word="zebracorn")))
    html = _text(as_council.get("/search?q=ZEBRACORN"))
    assert "1 file found" in html and "No pages found" not in html
    assert f'href="/p/customer-deck/files/{DECK}/preview?v=1#slide-7"' in html
    assert "Slide 7 · Slide title 7" in html and "Body of slide 7 <mark>zebracorn</mark>" in html
    # Speaker notes are searched too.
    assert "/preview?v=1#slide-4" in _text(as_council.get("/search?q=Notes 4"))


def test_field_search_reads_only_the_approved_version_of_files_on_published_pages(
    app, people, deck_page, as_council, as_lead, as_field
):
    _upload(as_council, make_deck(_rewritten(2, word="approvedword")))
    _decide(as_lead, "approve", 1)
    _upload(as_council, make_deck(_rewritten(2, word="draftword")))
    with app.app_context():
        make_page(people["council"], slug="hidden-page", title="Hidden page")
    _upload(as_council, make_deck(_rewritten(2, word="approvedword")), name="secret.pptx", slug="hidden-page")
    _decide(as_lead, "approve", 1, name="secret.pptx", slug="hidden-page")

    approved = _text(as_field.get("/search?q=approvedword"))
    assert "1 file found" in approved and f"/p/customer-deck/files/{DECK}/preview?v=1#slide-2" in approved
    assert "secret.pptx" not in approved and "hidden-page" not in approved
    draft = _text(as_field.get("/search?q=draftword"))
    assert "file found" not in draft and "files found" not in draft and "Nothing published contains" in draft
    assert "/preview?v=2#slide-2" in _text(as_council.get("/search?q=draftword"))


# Recent changes and the feed ---------------------------------------------------------------------


def test_recent_changes_show_uploads_to_staff_and_only_approvals_to_the_field(
    app, people, deck_page, as_council, as_lead, as_field
):
    with app.app_context():
        make_page(people["council"], slug="hidden-page", title="Hidden page")
    _upload(as_council, make_pdf(["Hidden"]), name="hidden.pdf", slug="hidden-page")
    _decide(as_lead, "approve", 1, name="hidden.pdf", slug="hidden-page")
    _upload(as_council, make_deck(SLIDES), note="First cut")
    _decide(as_lead, "approve", 1)
    _upload(as_council, make_deck(_rewritten(7)), note="DRAFT-NOTE")

    staff = _plain(_text(as_council.get("/changes")))
    assert f"{DECK} on Customer deck version 2 uploaded by Cora Council" in staff
    assert f"{DECK} on Customer deck approved version 1 by Cora Council · approved by Lena Lead" in staff
    assert "DRAFT-NOTE" in staff
    uploads = _plain(_text(as_council.get("/changes?kind=file")))
    assert "uploaded by" in uploads and "approved by" not in uploads
    council_id = people["council"].id
    theirs = _plain(_text(as_council.get(f"/changes?page=customer-deck&person={council_id}")))
    assert "version 2 uploaded by" in theirs and "approved version 1" in theirs and "hidden.pdf" not in theirs

    field = _plain(_text(as_field.get("/changes")))
    assert f"{DECK} on Customer deck published version 1 by Cora Council · approved by Lena Lead" in field
    assert "uploaded by" not in field and "DRAFT-NOTE" not in field and "version 2" not in field
    assert "hidden.pdf" not in field and "Hidden page" not in field
    # The uploader of an approved version is someone the field may filter by; their approvals are listed.
    assert f'<option value="{council_id}"' in _text(as_field.get("/changes"))
    by_them = _plain(_text(as_field.get(f"/changes?person={council_id}")))
    assert f"{DECK} on Customer deck published version 1" in by_them
    assert f"{DECK} on Customer deck · v1 approved by Lena Lead" in _plain(_text(as_field.get("/")))

    feed = _text(as_field.get("/feed.atom"))
    assert f"<title>{DECK} on Customer deck — version 1 approved</title>" in feed
    assert f'href="http://localhost/p/customer-deck/files/{DECK}/preview"' in feed and "DRAFT-NOTE" not in feed
    assert "hidden.pdf" not in feed


# The page itself ---------------------------------------------------------------------------------


def test_the_page_lists_the_files_each_reader_may_download_under_its_text(
    app, deck_page, as_council, as_lead, as_field
):
    _upload(as_council, make_pdf(["Page one", "Page two"]), name="one-pager.pdf")
    _decide(as_lead, "approve", 1, name="one-pager.pdf")
    _upload(as_council, make_deck(SLIDES))

    field = _text(as_field.get("/p/customer-deck"))
    assert 'id="page-files-title">Files<' in field
    assert 'src="/p/customer-deck/files/one-pager.pdf/pictures/1?v=1"' in field
    assert "PDF · 2 pages · version 1" in _plain(field)
    assert 'href="/p/customer-deck/files/one-pager.pdf?v=1"' in field and DECK not in field

    council = _text(as_council.get("/p/customer-deck"))
    assert "PowerPoint deck · 12 slides · version 1" in _plain(council) and "waiting for approval" in council
    assert f'href="/p/customer-deck/files/{DECK}?v=1"' in council


def test_a_page_that_is_not_collateral_shows_files_only_once_it_has_some(app, people, as_council):
    with app.app_context():
        make_page(people["council"], slug="fy27-plan", title="FY27 plan")
        make_page(people["council"], slug="empty-deck", title="Empty deck", kind="collateral")
    assert "page-files" not in _text(as_council.get("/p/fy27-plan"))
    assert "No files on this page yet." in _text(as_council.get("/p/empty-deck"))
    _upload(as_council, make_deck(SLIDES[:3]), name="plan-slides.pptx", slug="fy27-plan")
    assert "plan-slides.pptx" in _text(as_council.get("/p/fy27-plan"))


def test_the_page_reads_its_files_in_one_query_however_many(app, people, deck_page, as_council):
    def queries() -> int:
        with counted_queries(app) as seen:
            _text(as_council.get("/p/customer-deck"))
        return len(seen)

    _upload(as_council, make_pdf(["One"]), name="file-0.pdf")
    queries()  # the first read renders the revision and fills the cache
    # An upload moves the wiki's generation on, so the next read makes the page afresh instead of reusing it.
    _upload(as_council, make_pdf(["Two"]), name="file-5.pdf")
    few = queries()
    for n in range(1, 5):
        _upload(as_council, make_pdf([f"Page {n}"]), name=f"file-{n}.pdf")
    assert queries() == few
