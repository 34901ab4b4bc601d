"""Comments on a slide or page of a file (issue 11): threaded like the text's, and following their slide."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from tests.factories import make_page, publish
from tests.files.makers import make_deck, make_pdf
from wiki.extensions import db
from wiki.models import AnchorState, Notification, NotificationKind, Thread, ThreadState
from wiki.services import accounts, pages
from wiki.services.pages import EditSubmission

pytestmark = pytest.mark.usefixtures("read_files_in_process")

SLIDES = [(f"Slide title {n}", f"Body of slide {n}", f"Notes {n}") for n in range(1, 11)]
PRICING = ("Pricing for regional banks", "Three tiers priced per branch, billed yearly, with a pilot", "")
SIMILAR = ("Pricing for credit unions", "Three tiers priced per member, billed yearly, with a pilot", "")
DECK = "/p/customer-deck/files/customer-presentation.pptx"
FRAGMENT = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture
def deck_page(app, people):
    with app.app_context():
        page = make_page(people["lead"], slug="customer-deck", title="Customer deck", kind="collateral")
        publish(people["lead"], page, 1)
    return "customer-deck"


def _upload(person, slides, name: str = "customer-presentation.pptx"):
    data = make_deck(slides)
    response = person.post(
        "/p/customer-deck/files", {"file": (io.BytesIO(data), name), "note": ""}, content_type="multipart/form-data"
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return response


def _comment(person, version: int, unit: int | None, body: str, url: str = DECK):
    data = {"v": str(version), "body": body}
    if unit is not None:
        data["unit"] = str(unit)
    return person.post(f"{url}/threads", data)


def _thread(app) -> Thread:
    with app.app_context():
        thread = db.session.execute(select(Thread).where(Thread.attachment_id.is_not(None))).scalar_one()
        db.session.expunge(thread)
        return thread


def _slide_block(html: str, number: int) -> str:
    """The preview's list item of slide `number`, its threads included."""
    start = html.index(f'<li id="slide-{number}" class="file-unit">')
    following = html.find(f'<li id="slide-{number + 1}" class="file-unit">', start)
    return html[start : following if following != -1 else html.index('id="file-threads"', start)]


def _preview(person, version: int | None = None) -> str:
    response = person.get(f"{DECK}/preview" + (f"?v={version}" if version else ""))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_comment_on_a_slide_is_shown_under_it_and_replied_to_and_resolved(app, deck_page, as_council, as_lead):
    _upload(as_council, SLIDES)
    response = _comment(as_council, 1, 7, "Clients found slide 7 generic.")
    thread = _thread(app)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{DECK}/preview#thread-{thread.id}")
    assert (thread.unit, thread.anchored_number, thread.anchor_state) == (7, 1, AnchorState.ANCHORED)
    assert "Clients found slide 7 generic." in _slide_block(_preview(as_council), 7)
    assert "Clients found slide 7 generic." not in _slide_block(_preview(as_council), 6)

    reply = as_lead.post(f"/threads/{thread.id}/replies", {"body": "Agreed, name a bank."}, headers=FRAGMENT)
    assert reply.status_code == 200
    fragment = reply.get_data(as_text=True)
    assert fragment.lstrip().startswith(f'<li id="thread-{thread.id}"') and "Agreed, name a bank." in fragment

    resolved = as_lead.post(f"/threads/{thread.id}/resolve")
    assert resolved.status_code == 303
    assert resolved.headers["Location"].endswith(f"{DECK}/preview#thread-{thread.id}")
    html = _preview(as_council)
    assert "Clients found slide 7 generic." not in _slide_block(html, 7)
    closed = html[html.index('class="closed-threads"') :]
    assert "1 resolved" in closed and "Agreed, name a bank." in closed and "Slide title 7" in closed
    assert _thread(app).state == ThreadState.RESOLVED


def test_a_comment_on_slide_7_follows_the_slide_when_it_moves(app, deck_page, as_council):
    _upload(as_council, SLIDES)
    _comment(as_council, 1, 7, "Clients found slide 7 generic.")
    inserted = [("Agenda", "What we cover today", ""), ("About us", "Northwind in numbers", "")]
    _upload(as_council, [*SLIDES[:2], *inserted, *SLIDES[2:]])

    thread = _thread(app)
    assert (thread.unit, thread.anchored_number, thread.anchor_state) == (9, 2, AnchorState.ANCHORED)
    html = _preview(as_council)
    assert "Slide title 7" in _slide_block(html, 9)
    assert "Clients found slide 7 generic." in _slide_block(html, 9)
    assert "Clients found slide 7 generic." not in _slide_block(html, 7)


def test_a_comment_on_an_edited_slide_stays_with_it(app, deck_page, as_council):
    _upload(as_council, SLIDES)
    _comment(as_council, 1, 7, "Name a bank here.")
    edited = ("Slide title 7", "Body of slide 7, naming Contoso Bank", "Notes 7")
    _upload(as_council, [*SLIDES[:6], edited, *SLIDES[7:]])
    thread = _thread(app)
    assert (thread.unit, thread.anchored_number) == (7, 2)
    assert "naming Contoso Bank" in thread.exact


def test_a_deleted_slide_orphans_its_comment_even_beside_a_similar_one(app, deck_page, as_council):
    first = [*SLIDES[:6], PRICING, SIMILAR, *SLIDES[8:]]
    _upload(as_council, first)
    _comment(as_council, 1, 7, "Is the pilot free?")
    # Slide 7 is gone; the slide that looked like it is still there, and was even touched.
    _upload(as_council, [*SLIDES[:6], (SIMILAR[0], SIMILAR[1] + " and a discount", ""), *SLIDES[8:]])

    thread = _thread(app)
    assert thread.anchor_state == AnchorState.ORPHANED
    assert (thread.unit, thread.anchored_number) == (7, 1)
    html = _preview(as_council)
    assert "Is the pilot free?" not in _slide_block(html, 7)
    orphans = html[html.index("Orphaned") :]
    assert "Is the pilot free?" in orphans
    assert "slide 7 of version 1</a> · <strong>Pricing for regional banks</strong>" in orphans
    assert "priced per branch" in orphans


def test_reopening_a_resolved_comment_catches_up_with_the_versions_it_missed(app, deck_page, as_council):
    _upload(as_council, SLIDES)
    _comment(as_council, 1, 7, "Clients found slide 7 generic.")
    thread = _thread(app)
    as_council.post(f"/threads/{thread.id}/resolve")
    inserted = [*SLIDES[:2], ("Agenda", "Today", ""), ("About us", "Numbers", ""), *SLIDES[2:]]
    _upload(as_council, inserted)
    _upload(as_council, [("Welcome", "Hello", ""), *inserted])
    assert (_thread(app).unit, _thread(app).anchored_number) == (7, 1)

    assert as_council.post(f"/threads/{thread.id}/reopen").status_code == 303
    thread = _thread(app)
    assert (thread.state, thread.anchor_state) == (ThreadState.OPEN, AnchorState.ANCHORED)
    assert (thread.unit, thread.anchored_number) == (10, 3)
    assert "Clients found slide 7 generic." in _slide_block(_preview(as_council), 10)


def test_reopening_a_comment_whose_slide_was_deleted_meanwhile_orphans_it(app, deck_page, as_council):
    _upload(as_council, SLIDES)
    _comment(as_council, 1, 7, "Clients found slide 7 generic.")
    thread = _thread(app)
    as_council.post(f"/threads/{thread.id}/resolve")
    _upload(as_council, [*SLIDES[:6], *SLIDES[7:]])
    as_council.post(f"/threads/{thread.id}/reopen")
    thread = _thread(app)
    assert (thread.state, thread.anchor_state, thread.unit, thread.anchored_number) == (
        ThreadState.OPEN,
        AnchorState.ORPHANED,
        7,
        1,
    )


def test_a_comment_on_an_older_version_goes_to_the_slide_in_the_newest(app, deck_page, as_council):
    _upload(as_council, SLIDES)
    _upload(as_council, [("Agenda", "What we cover today", ""), *SLIDES])
    old = _preview(as_council, 1)
    assert "Comments on slides follow their slide to the newest version" in old

    response = _comment(as_council, 1, 7, "Still generic.")
    thread = _thread(app)
    assert (thread.origin_number, thread.unit, thread.anchored_number) == (1, 8, 2)
    flashed = as_council.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your comment is posted on slide 8 of version 2, where slide 7 of version 1 is now." in flashed
    assert "Still generic." in _slide_block(flashed, 8)
    assert 'made on <a href="/p/customer-deck/files/customer-presentation.pptx/preview?v=1">version 1</a>' in flashed
    # The old version points to the newest instead of showing threads on slide numbers that no longer hold.
    assert "Still generic." not in _preview(as_council, 1)


def test_a_comment_on_the_whole_file_and_on_a_page_of_a_pdf(app, deck_page, as_council):
    pdf = make_pdf(["Cover", "Pricing page", "Contact"])
    as_council.post(
        "/p/customer-deck/files",
        {"file": (io.BytesIO(pdf), "one-pager.pdf"), "note": ""},
        content_type="multipart/form-data",
    )
    url = "/p/customer-deck/files/one-pager.pdf"
    assert _comment(as_council, 1, None, "Too long for a one-pager.", url=url).status_code == 303
    assert _comment(as_council, 1, 2, "Prices are out of date.", url=url).status_code == 303
    html = as_council.get(f"{url}/preview").get_data(as_text=True)
    page_two = html[html.index('<li id="page-2"') : html.index('<li id="page-3"')]
    assert "Prices are out of date." in page_two and "Comment on page 2" in page_two
    whole = html[html.index('id="file-threads"') :]
    assert "On the whole file" in whole and "Too long for a one-pager." in whole
    assert _comment(as_council, 1, 4, "No such page.", url=url).status_code == 400


def test_the_field_cannot_comment_on_files_nor_see_their_threads(app, deck_page, as_council, as_lead, as_field):
    _upload(as_council, SLIDES)
    _comment(as_council, 1, 7, "Clients found slide 7 generic.")
    thread = _thread(app)
    # A draft file answers the field like a missing one, even here.
    assert _comment(as_field, 1, 7, "Me too").status_code == 404
    as_lead.post(f"{DECK}/approve", {"v": "1"})

    assert _comment(as_field, 1, 7, "Me too").status_code == 403
    assert as_field.post(f"/threads/{thread.id}/replies", {"body": "Me too"}).status_code == 403
    assert as_field.get(f"/file-threads/{thread.id}").status_code == 404
    preview = _preview(as_field)
    assert "Slide title 7" in preview
    assert "Clients found slide 7 generic." not in preview and "Comment on" not in preview
    assert "Discussion" not in preview
    with app.app_context():
        assert db.session.execute(select(Thread).where(Thread.attachment_id.is_not(None))).scalars().all() == [
            db.session.get(Thread, thread.id)
        ]


def test_file_threads_stay_out_of_the_text_margin_and_its_re_anchoring(app, deck_page, people, as_council):
    _upload(as_council, SLIDES)
    _comment(as_council, 1, 7, "Clients found slide 7 generic.")
    thread = _thread(app)
    page_html = as_council.get("/p/customer-deck").get_data(as_text=True)
    assert f'id="thread-{thread.id}"' not in page_html and "Clients found slide 7 generic." not in page_html
    assert "(0 open)" in page_html

    with app.app_context():
        page = pages.get_page("customer-deck")
        body = "# Customer deck\n\nRewritten from scratch.\n"
        pages.save_revision(people["council"], EditSubmission("customer-deck", body, "rewrite", page.head_number))
    after = _thread(app)
    assert (after.anchor_state, after.unit, after.anchored_number, after.exact) == (
        AnchorState.ANCHORED,
        7,
        1,
        thread.exact,
    )


def test_a_mention_on_a_slide_names_it_and_the_inbox_leads_to_the_thread(app, deck_page, people, as_council, as_lead):
    _upload(as_council, SLIDES)
    _comment(as_council, 1, 7, "@lead can we name a bank here?")
    thread = _thread(app)
    as_lead.post(f"/threads/{thread.id}/replies", {"body": "Yes: Contoso."})
    with app.app_context():
        notices = {
            (n.user_id, n.kind): n.text
            for n in db.session.execute(select(Notification).where(Notification.thread_id == thread.id)).scalars()
        }
    assert notices == {
        (people["lead"].id, NotificationKind.MENTION): (
            "Cora Council mentioned you on slide 7 of customer-presentation.pptx in “Customer deck”"
        ),
        (people["council"].id, NotificationKind.REPLY): (
            "Lena Lead replied in a thread on slide 7 of customer-presentation.pptx in “Customer deck”"
        ),
    }
    inbox = as_lead.get("/inbox").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)">Cora Council mentioned you', inbox).group(1)
    assert link == f"/file-threads/{thread.id}"
    response = as_lead.get(link)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{DECK}/preview#thread-{thread.id}")


def test_a_participant_moved_to_the_field_hears_no_more_of_a_file_thread(app, deck_page, people, as_council, as_lead):
    _upload(as_council, SLIDES)
    _comment(as_council, 1, 7, "Clients found slide 7 generic.")
    thread = _thread(app)
    with app.app_context():
        accounts.set_role(None, people["council"].id, "field")
    as_lead.post(f"/threads/{thread.id}/replies", {"body": "Fixed in the next version."})
    with app.app_context():
        notices = db.session.execute(select(Notification).where(Notification.user_id == people["council"].id))
        assert notices.scalars().all() == []


def test_a_comment_on_a_slide_of_my_page_is_on_my_dashboard_and_leads_to_the_file(app, people, as_council, as_lead):
    with app.app_context():
        make_page(people["council"], slug="customer-deck", title="Customer deck", kind="collateral")
    _upload(as_council, SLIDES)
    _comment(as_lead, 1, 7, "Clients found slide 7 generic.")
    thread = _thread(app)
    html = as_council.get("/").get_data(as_text=True)
    mine = html[html.index('id="my-threads-heading"') :]
    assert "Open on my pages (1)" in mine
    assert f'<a href="/file-threads/{thread.id}">Customer deck</a>' in mine
