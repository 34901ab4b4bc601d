"""The field's voice on files (issue 11, item 3): a rep's feedback and shares can name the approved version of one of
a page's files and a slide of it, and the council and leads read "on customer-presentation.pptx, slide 7"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import make_feedback, make_member, make_page, make_share, make_tactic, make_user, publish
from tests.files.makers import make_deck, make_docx
from tests.queries import counted_queries, forget_kept_pages
from wiki.extensions import db
from wiki.models import AnswerTally, Feedback, FileVersion, Notification, Share, utcnow
from wiki.services import feedback, file_review, file_uploads, files, pages, shares, summaries
from wiki.services.file_mentions import Mention

pytestmark = pytest.mark.usefixtures("read_files_in_process")

SLIDES = [(f"Slide title {n}", f"Body of slide {n}", "") for n in range(1, 11)]
SLIDES[6] = ("Pricing", "Three tiers, billed yearly", "")
DECK = "customer-presentation.pptx"
TESTER_DECK = "fs-customer-deck.pptx"
FILE_URL = f"/p/customer-deck/files/{DECK}"
FRAGMENT = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture
def deck(app, people):
    """A published page whose deck has version 1 approved and version 2 waiting, and a rep from EMEA."""
    with app.app_context():
        page = make_page(people["lead"], slug="customer-deck", title="Customer deck", kind="collateral")
        publish(people["lead"], page, 1)
        file_uploads.upload(people["council"], page, DECK, make_deck(SLIDES))
        file_review.approve(people["lead"], page, files.get_attachment(people["lead"], page, DECK), 1)
        file_uploads.upload(people["council"], page, DECK, make_deck(SLIDES[:4]), "Cut to four slides")
        return {"rep": make_user(role="field", name="Aisha Khan", email="aisha@example.com", region="EMEA")}


def _version_id(app, number: int) -> int:
    with app.app_context():
        return db.session.execute(select(FileVersion.id).where(FileVersion.number == number)).scalar_one()


def _rows(app, model) -> list[tuple]:
    with app.app_context():
        return [
            (row.author_id, row.file_version_id, row.unit)
            for row in db.session.execute(select(model).order_by(model.id)).scalars()
        ]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _page_of(response) -> str:
    """The page without its signed CSRF token (in the headers htmx sends and in the sign-out form), which
    changes by the second."""
    html = response.get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', html)
    return html.replace(token.group(1), "") if token else html


def test_a_rep_answers_about_slide_7_of_the_approved_deck_and_the_council_reads_it(
    app, people, deck, browser, as_council
):
    rep = browser(deck["rep"])
    preview = rep.get(f"{FILE_URL}/preview").get_data(as_text=True)
    assert "Your feedback on this file" in preview and '<option value="7">Slide 7 · Pricing</option>' in preview

    response = rep.post(
        f"{FILE_URL}/feedback", {"would_share": "no", "v": "1", "unit": "7", "note": "Clients found it generic"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{FILE_URL}/preview#field-feedback")
    assert _rows(app, Feedback) == [(deck["rep"].id, _version_id(app, 1), 7)]
    again = rep.get(f"{FILE_URL}/preview").get_data(as_text=True)
    assert "No, I would not share it</strong> (slide 7) — “Clients found it generic”" in again
    # An answer about the file is not an answer about the page's text.
    assert "Your answer on" not in rep.get("/p/customer-deck").get_data(as_text=True)

    page = _text(as_council.get("/p/customer-deck").get_data(as_text=True))
    assert "Would not share · on customer-presentation.pptx, slide 7 · version 1" in page
    assert "Clients found it generic" in page
    with app.app_context():
        told = db.session.execute(select(Notification.text).where(Notification.user_id == people["lead"].id)).scalar()
    assert told == (
        "Aisha Khan (EMEA) would not share “Customer deck”, on customer-presentation.pptx, slide 7: "
        "Clients found it generic"
    )


def test_answering_again_about_the_file_changes_that_answer_and_the_slide(app, deck, browser):
    rep = browser(deck["rep"])
    rep.post(f"{FILE_URL}/feedback", {"would_share": "no", "v": "1", "unit": "7"})
    rep.post(f"{FILE_URL}/feedback", {"would_share": "no", "v": "1", "unit": "3"})
    rep.post("/p/customer-deck/feedback", {"would_share": "yes"})
    assert _rows(app, Feedback) == [(deck["rep"].id, _version_id(app, 1), 3), (deck["rep"].id, None, None)]


def test_once_a_newer_version_is_approved_the_rep_answers_afresh_and_the_old_answer_stays(app, people, deck, browser):
    rep = browser(deck["rep"])
    rep.post(f"{FILE_URL}/feedback", {"would_share": "no", "v": "1", "unit": "7"})
    with app.app_context():
        page = pages.get_page("customer-deck")
        file_review.approve(people["lead"], page, files.get_attachment(people["lead"], page, DECK), 2)
    preview = rep.get(f"{FILE_URL}/preview").get_data(as_text=True)
    assert "About an earlier version of this file you said you would not share it. Version 2 is newer" in preview
    assert '<option value="7">' not in preview and '<option value="4">Slide 4 · Slide title 4</option>' in preview
    rep.post(f"{FILE_URL}/feedback", {"would_share": "yes", "v": "2", "unit": "4"})
    assert _rows(app, Feedback) == [(deck["rep"].id, _version_id(app, 1), 7), (deck["rep"].id, _version_id(app, 2), 4)]


def test_a_rep_records_sending_the_deck_pointing_to_slide_7_and_the_council_reads_it(
    app, people, deck, browser, as_council
):
    rep = browser(deck["rep"])
    response = rep.post(
        f"{FILE_URL}/shares", {"client_kind": "bank", "v": "1", "unit": "7", "reaction": "They asked for a quote"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{FILE_URL}/preview#client-shares")
    assert _rows(app, Share) == [(deck["rep"].id, _version_id(app, 1), 7)]
    preview = _text(rep.get(f"{FILE_URL}/preview").get_data(as_text=True))
    assert "You recorded 1 share of this file" in preview and "(bank, slide 7)" in preview
    assert f"Recorded — thanks. Marketing sees that {DECK} reached a client." in preview
    assert "which pages reach clients" not in preview
    # The page's own form counts the page's shares, not its files'.
    assert "You recorded" not in rep.get("/p/customer-deck").get_data(as_text=True)

    page = _text(as_council.get("/p/customer-deck").get_data(as_text=True))
    assert "client: bank · on customer-presentation.pptx, slide 7 · version 1" in page
    assert "1 share in 90 days (1 in 30) by 1 rep" in page
    with app.app_context():
        told = db.session.execute(select(Notification.text).where(Notification.user_id == people["lead"].id)).scalar()
    assert told == (
        "Aisha Khan (EMEA) sent customer-presentation.pptx from “Customer deck” to a client (bank), pointing to "
        "slide 7: They asked for a quote"
    )


def test_a_fragment_post_answers_with_the_files_form(app, deck, browser):
    rep = browser(deck["rep"])
    answered = rep.post(f"{FILE_URL}/feedback", {"would_share": "yes", "v": "1"}, headers=FRAGMENT)
    assert answered.status_code == 200
    html = answered.get_data(as_text=True)
    assert "Thanks — marketing" in html and f'hx-post="{FILE_URL}/feedback"' in html
    shared = rep.post(f"{FILE_URL}/shares", {"client_kind": "insurer", "v": "1"}, headers=FRAGMENT)
    assert "You recorded 1 share of this file" in shared.get_data(as_text=True)
    assert f"Recorded — thanks. Marketing sees that {DECK} reached a client." in shared.get_data(as_text=True)


@pytest.mark.parametrize("form", ["feedback", "shares"])
def test_a_draft_version_or_an_unapproved_file_answers_like_a_missing_file(app, people, deck, browser, form):
    with app.app_context():
        file_uploads.upload(
            people["council"], pages.get_page("customer-deck"), "draft-only.pptx", make_deck(SLIDES[:2])
        )
    rep = browser(deck["rep"])
    fields = {"would_share": "yes", "client_kind": "bank"}

    def post(name: str, **more):
        return rep.post(f"/p/customer-deck/files/{name}/{form}", {**fields, **more})

    missing = post("no-such-file.pptx", v="1")
    assert missing.status_code == 404
    unapproved = post("draft-only.pptx", v="1")
    assert unapproved.status_code == 404
    assert _page_of(unapproved).replace("draft-only", "no-such-file") == _page_of(missing)
    no_version = post(DECK, v="9")
    draft = post(DECK, v="2")
    assert (no_version.status_code, draft.status_code) == (404, 404)
    assert _page_of(draft).replace("version 2", "version 9") == _page_of(no_version)
    assert _rows(app, Feedback) == [] and _rows(app, Share) == []


@pytest.mark.parametrize("form", ["feedback", "shares"])
def test_a_slide_the_deck_does_not_have_answers_400_naming_the_count(app, deck, browser, form):
    rep = browser(deck["rep"])
    fields = {"would_share": "yes", "client_kind": "bank", "v": "1"}
    beyond = rep.post(f"{FILE_URL}/{form}", {**fields, "unit": "11"})
    assert beyond.status_code == 400
    assert "“customer-presentation.pptx” has 10 slides; there is no slide 11." in beyond.get_data(as_text=True)
    assert rep.post(f"{FILE_URL}/{form}", {**fields, "unit": "0"}).status_code == 400
    assert rep.post(f"{FILE_URL}/{form}", {**fields, "unit": "seven"}).status_code == 400
    assert _rows(app, Feedback) == [] and _rows(app, Share) == []


def test_a_document_without_slides_takes_no_slide_number(app, people, deck, browser):
    with app.app_context():
        page = pages.get_page("customer-deck")
        file_uploads.upload(people["council"], page, "proposal.docx", make_docx(["# Proposal", "Our offer."]))
        file_review.approve(people["lead"], page, files.get_attachment(people["lead"], page, "proposal.docx"), 1)
    rep = browser(deck["rep"])
    url = "/p/customer-deck/files/proposal.docx"
    assert "Which" not in rep.get(f"{url}/preview").get_data(as_text=True)
    refused = rep.post(f"{url}/feedback", {"would_share": "yes", "v": "1", "unit": "1"})
    assert refused.status_code == 400 and "no slides or pages to point to" in refused.get_data(as_text=True)
    assert rep.post(f"{url}/feedback", {"would_share": "yes", "v": "1"}).status_code == 303


def test_an_answer_about_a_version_replaced_since_answers_409_and_stores_nothing(app, people, deck, browser):
    with app.app_context():
        page = pages.get_page("customer-deck")
        file_review.approve(people["lead"], page, files.get_attachment(people["lead"], page, DECK), 2)
    rep = browser(deck["rep"])
    stale = rep.post(f"{FILE_URL}/feedback", {"would_share": "no", "v": "1", "unit": "7"})
    assert stale.status_code == 409 and "Version 2 of “customer-presentation.pptx” was approved" in stale.get_data(
        as_text=True
    )
    assert _rows(app, Feedback) == []


def test_the_council_and_leads_cannot_answer_or_share_for_the_field(app, deck, as_council, as_lead):
    for person in (as_council, as_lead):
        assert person.post(f"{FILE_URL}/feedback", {"would_share": "yes", "v": "1"}).status_code == 403
        assert person.post(f"{FILE_URL}/shares", {"client_kind": "bank", "v": "1"}).status_code == 403
        # Their preview of the approved version has no rep's forms.
        assert "Your feedback on this file" not in person.get(f"{FILE_URL}/preview?v=1").get_data(as_text=True)


def test_the_summary_quotes_the_slide_the_rep_named(app, people, deck):
    with app.app_context():
        start = utcnow() - timedelta(minutes=1)
        page = pages.get_page("customer-deck")
        feedback.give_feedback(deck["rep"], page, False, "Slide 7 reads like a price list", Mention(DECK, 1, 7))
        draft = summaries.create_draft(people["lead"], start, utcnow() + timedelta(minutes=1))
        [quote] = summaries.content_of(draft).quotes
        assert quote.on_file == "customer-presentation.pptx, slide 7"
        sent = summaries.start_sending(people["lead"], draft)
        assert (
            "“Slide 7 reads like a price list” — Aisha Khan (EMEA), on customer-presentation.pptx, slide 7 of "
            "Customer deck (would not share)"
        ) in sent.text_body
        assert "on customer-presentation.pptx, slide 7 of Customer deck" in _text(sent.html_body)


def test_the_page_reads_its_answers_and_shares_with_their_files_in_a_fixed_number_of_queries(
    app, people, deck, as_council
):
    def queries_for_page() -> int:
        with counted_queries(app) as seen:
            html = as_council.get("/p/customer-deck").get_data(as_text=True)
        assert "on customer-presentation.pptx, slide 7" in _text(html)
        return len(seen)

    with app.app_context():
        page = pages.get_page("customer-deck")
        feedback.give_feedback(deck["rep"], page, False, "", Mention(DECK, 1, 7))
        shares.record_share(deck["rep"], page, "bank", "", "", Mention(DECK, 1, 7))
    # The first view fills the caches every later one reads; each count is of a page made afresh.
    queries_for_page()
    forget_kept_pages(app)
    few = queries_for_page()
    with app.app_context():
        page = pages.get_page("customer-deck")
        for index in range(4):
            name = f"deck-{index}.pptx"
            file_uploads.upload(people["council"], page, name, make_deck(SLIDES[: index + 2]))
            file_review.approve(people["lead"], page, files.get_attachment(people["lead"], page, name), 1)
            rep = make_user(role="field", name=f"Rep {index}")
            feedback.give_feedback(rep, page, True, "Worked well", Mention(name, 1, 1))
            shares.record_share(rep, page, "insurer", "", "", Mention(name, 1, 2))
            make_feedback(rep, page, would_share=True)
            make_share(rep, page, "bank")
    forget_kept_pages(app)
    assert queries_for_page() == few


def test_a_reps_no_on_one_slide_leaves_their_yes_on_the_page_in_every_count_of_the_page(
    app, people, deck, browser, as_council, as_lead
):
    """The tester's case: Aisha said "would share" of the page, one of 5 answering reps, 2 of whom would; then
    "would not share" of slide 5 of fs-customer-deck.pptx. The page's numbers stay its text's."""
    with app.app_context():
        start = utcnow() - timedelta(minutes=1)
        page = pages.get_page("customer-deck")
        file_uploads.upload(people["council"], page, TESTER_DECK, make_deck(SLIDES[:6]))
        file_review.approve(people["lead"], page, files.get_attachment(people["lead"], page, TESTER_DECK), 1)
        plan = make_page(people["lead"], slug="fy27-plan", title="FY27 plan")
        make_member(people["lead"], people["council"], "EMEA")
        tactic_id = make_tactic(people["lead"], plan, owner=people["council"], pages=(page,)).id
        make_feedback(deck["rep"], page, would_share=True)
        make_feedback(make_user(role="field", name="Ben Carter"), page, would_share=True)
        for name in ("Chloe Dubois", "Dev Patel", "Eva Lund"):
            make_feedback(make_user(role="field", name=name), page, would_share=False)
    before = _text(as_council.get("/p/customer-deck").get_data(as_text=True))
    assert "40% of 5 answering reps would share" in before and "Field feedback (2 would share, 3 wouldn't)" in before

    answered = browser(deck["rep"]).post(
        f"/p/customer-deck/files/{TESTER_DECK}/feedback", {"would_share": "no", "v": "1", "unit": "5"}
    )
    assert answered.status_code == 303

    page = _text(as_council.get("/p/customer-deck").get_data(as_text=True))
    assert "40% of 5 answering reps would share" in page
    assert "Field feedback (2 would share, 3 wouldn't; 1 more answer about its files)" in page
    # Still listed under the page, saying what it was about.
    assert f"Aisha Khan (EMEA) · Would not share · on {TESTER_DECK}, slide 5 · version 1" in page
    assert "40% of 5 answering reps would share" in _text(
        as_council.get(f"/tactics/{tactic_id}").get_data(as_text=True)
    )
    home = _text(as_lead.get("/").get_data(as_text=True))
    card = home[home.index("Field feedback, last 30 days") :]
    assert "5 answers: 2 would share, 3 would not share" in card
    assert (
        f"1 answer about files, counted apart: {TESTER_DECK} of Customer deck · 1 would not share, 0 would share"
        in card
    )
    with app.app_context():
        sent = summaries.start_sending(
            people["lead"], summaries.create_draft(people["lead"], start, utcnow() + timedelta(minutes=1))
        )
        text_body, html_body = sent.text_body, _text(sent.html_body)
    assert "5 answers from the field: 2 would share with a client, 3 would not." in text_body
    assert "1 answer about files, counted apart: 0 would share with a client, 1 would not." in text_body
    assert "1 answer about files, counted apart: 0 would share with a client, 1 would not." in html_body


def test_the_files_preview_shows_the_council_and_leads_what_the_field_said_of_every_version_newest_first(
    app, people, deck, browser, as_council, as_lead
):
    with app.app_context():
        ben = make_user(role="field", name="Ben Carter", email="ben@example.com", region="APAC")
        chloe = make_user(role="field", name="Chloe Dubois", email="chloe@example.com")
        page = pages.get_page("customer-deck")
        feedback.give_feedback(deck["rep"], page, False, "Clients found it generic", Mention(DECK, 1, 7))
        shares.record_share(ben, page, "bank", "", "They asked for a quote", Mention(DECK, 1, 3))
        # About the page's text: it stays under the page.
        feedback.give_feedback(ben, page, True, "The page reads well")
        file_review.approve(people["lead"], page, files.get_attachment(people["lead"], page, DECK), 2)
        feedback.give_feedback(deck["rep"], page, True, "Much tighter", Mention(DECK, 2, 4))
        feedback.give_feedback(chloe, page, False, "", Mention(DECK, 2))
        shares.record_share(ben, page, "insurer", "", "", Mention(DECK, 2))
    newest_first = [
        "Ben Carter (APAC) · client: insurer · version 2 (approved)",
        "Chloe Dubois · Would not share · version 2 (approved)",
        "Aisha Khan (EMEA) · Would share · slide 4 · version 2 (approved)",
        "Much tighter",
        "Ben Carter (APAC) · client: bank · slide 3 · version 1 (an earlier approved version)",
        "They asked for a quote",
        "Aisha Khan (EMEA) · Would not share · slide 7 · version 1 (an earlier approved version)",
        "Clients found it generic",
    ]
    for person, number in ((as_council, 2), (as_lead, 1)):
        html = person.get(f"{FILE_URL}/preview?v={number}").get_data(as_text=True)
        panel = html[html.index('id="file-field-voice"') : html.index('aria-labelledby="versions-title"')]
        assert panel.count("<li") == 5
        text = _text(panel)
        assert (
            "Version 2 (approved): 50% of 2 answering reps would share it (1 would share, 1 would not). "
            "Sent to clients 2 times by 1 rep, every version together."
        ) in text
        assert [text.index(line) for line in newest_first] == sorted(text.index(line) for line in newest_first)
        assert "The page reads well" not in text
        assert f'href="{FILE_URL}/preview?v=1#slide-7"' in panel
    assert "What the field said about this file" not in browser(deck["rep"]).get(f"{FILE_URL}/preview").get_data(
        as_text=True
    )


def test_the_files_preview_reads_what_the_field_said_in_a_fixed_number_of_queries(app, people, deck, as_council):
    def queries_for_preview() -> int:
        with counted_queries(app) as seen:
            html = as_council.get(f"{FILE_URL}/preview").get_data(as_text=True)
        assert "What the field said about this file" in html
        return len(seen)

    with app.app_context():
        page = pages.get_page("customer-deck")
        feedback.give_feedback(deck["rep"], page, False, "", Mention(DECK, 1, 7))
        file_review.approve(people["lead"], page, files.get_attachment(people["lead"], page, DECK), 2)
        shares.record_share(deck["rep"], page, "bank", "", "", Mention(DECK, 2, 1))
    # The first view fills the caches every later one reads.
    queries_for_preview()
    few = queries_for_preview()
    with app.app_context():
        page = pages.get_page("customer-deck")
        for index in range(5):
            rep = make_user(role="field", name=f"Rep {index}", region="EMEA")
            feedback.give_feedback(rep, page, index % 2 == 0, "Worked well", Mention(DECK, 2, index % 4 + 1))
            shares.record_share(rep, page, "insurer", "", "Asked for more", Mention(DECK, 2, 2))
            shares.record_share(rep, page, "bank", "", "", Mention(DECK, 2))
    assert queries_for_preview() == few


def test_each_answer_keeps_the_pages_tally_of_reps_and_who_would_share_and_a_file_answer_leaves_it(app, people, deck):
    def tally() -> tuple:
        row = db.session.get(AnswerTally, page.id)
        db.session.expire_all()
        counted = tuple(db.session.execute(feedback.answer_query(Feedback.page_id == page.id)).one())
        assert row is None or (row.reps, row.would_share) == counted, "the tally is what the answers say"
        return (row.reps, row.would_share) if row is not None else None

    with app.app_context():
        page = pages.get_page("customer-deck")
        ben = make_user(role="field", name="Ben Carter", email="ben@example.com")
        feedback.give_feedback(deck["rep"], page, False, "", Mention(DECK, 1, 7))
        assert tally() is None
        feedback.give_feedback(deck["rep"], page, True, "")
        assert tally() == (1, 1)
        feedback.give_feedback(deck["rep"], page, False, "Changed my mind")
        assert tally() == (1, 0)
        feedback.give_feedback(ben, page, True, "")
        assert tally() == (2, 1)
        feedback.give_feedback(ben, page, True, "", Mention(DECK, 1, 2))
        assert tally() == (2, 1)
        kept = tally()
        feedback.retally_all()
        assert tally() == kept
