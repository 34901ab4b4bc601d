"""Field feedback: reps say whether they would share a published page with a client, and marketing hears it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.factories import make_feedback, make_member, make_page, make_tactic, make_user, publish
from wiki.errors import BadInput, NotAllowed, NotFound
from wiki.extensions import db
from wiki.models import Feedback, Notification, NotificationKind, utcnow
from wiki.services import feedback, pages

DECK = "# Deck\n\nSlide 7: a generic customer story.\n"
FRAGMENT = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture
def deck(app, people):
    """A published customer deck under a tactic the council user owns, a second lead, and two field reps."""
    with app.app_context():
        plan = make_page(people["lead"], slug="fy27-plan", title="FY27 plan")
        deck = make_page(people["lead"], slug="deck", title="Customer deck", kind="collateral", bodies=(DECK,))
        publish(people["lead"], deck, 1)
        make_member(people["lead"], people["council"], "EMEA")
        make_tactic(people["lead"], plan, "Customer presentation", owner=people["council"], pages=(deck,))
        return {
            "second_lead": make_user(role="lead", name="Dan Lead", email="dan@example.com"),
            "bystander": make_user(role="council", name="Olga Other", email="olga@example.com"),
            "aisha": make_user(role="field", name="Aisha Khan", email="aisha@example.com", region="EMEA"),
            "ben": make_user(role="field", name="Ben Carter", email="ben@example.com", region="APAC"),
        }


def _answers(app) -> list[Feedback]:
    with app.app_context():
        rows = db.session.execute(select(Feedback).order_by(Feedback.id)).scalars().all()
        for row in rows:
            db.session.expunge(row)
        return rows


def test_would_not_share_reaches_the_owner_and_the_leads_inboxes_and_the_period_numbers(app, people, deck, browser):
    start = utcnow()
    rep = browser(deck["aisha"])
    response = rep.post("/p/deck/feedback", {"would_share": "no", "note": "  Clients found slide 7 generic\n"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/p/deck#field-feedback")
    assert "Thanks — marketing and the tactic owner will read it." in rep.get("/p/deck").get_data(as_text=True)

    headline = "Aisha Khan (EMEA) would not share “Customer deck”: Clients found slide 7 generic"
    for reader in (people["council"], people["lead"], deck["second_lead"]):
        inbox = browser(reader).get("/inbox").get_data(as_text=True)
        assert headline in inbox, reader.name
        assert "/p/deck#field-feedback" in inbox and ">feedback<" in inbox
    assert "Aisha Khan" not in browser(deck["bystander"]).get("/inbox").get_data(as_text=True)

    with app.app_context():
        kinds = db.session.execute(select(Notification.kind)).scalars().all()
        assert kinds == [NotificationKind.FEEDBACK] * 3
        report = feedback.feedback_in_period(start, utcnow() + timedelta(seconds=1))
    assert (report.total, report.would_share, report.would_not) == (1, 0, 1)
    assert [(t.slug, t.title, t.would_not) for t in report.pages] == [("deck", "Customer deck", 1)]
    [quote] = report.quotes
    assert (quote.author, quote.region, quote.page_title, quote.revision_number) == (
        "Aisha Khan",
        "EMEA",
        "Customer deck",
        1,
    )
    assert quote.note == "Clients found slide 7 generic" and quote.would_share is False


def test_the_answer_records_the_published_revision_not_the_draft(app, people, deck):
    with app.app_context():
        page = pages.get_page("deck")
        pages.save_revision(people["council"], pages.EditSubmission("deck", DECK + "\nDraft.\n", "draft", 1))
        answer = make_feedback(deck["aisha"], pages.get_page("deck"), True)
        assert answer.revision_id == page.published_revision_id and answer.revision.number == 1


def test_council_and_leads_cannot_give_feedback(app, people, deck, as_council, as_lead):
    for person in (as_council, as_lead):
        response = person.post("/p/deck/feedback", {"would_share": "yes"})
        assert response.status_code == 403
        assert "Feedback comes from field reps" in response.get_data(as_text=True)
    assert _answers(app) == []


def test_field_cannot_give_feedback_on_an_unpublished_or_missing_page(app, people, deck, browser):
    with app.app_context():
        make_page(people["council"], slug="draft-deck", title="Draft deck", kind="collateral")
    rep = browser(deck["aisha"])
    assert rep.get("/p/draft-deck").status_code == 404
    response = rep.post("/p/draft-deck/feedback", {"would_share": "yes"})
    assert response.status_code == 404 and "Draft deck" not in response.get_data(as_text=True)
    assert rep.post("/p/no-such-page/feedback", {"would_share": "yes"}).status_code == 404
    assert _answers(app) == []


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Answer yes or no"),
        ({"would_share": "maybe"}, "Answer yes or no"),
        ({"would_share": "no", "note": "x" * 1001}, "at most 1,000 characters; yours has 1,001"),
        ({"would_share": "no", "note": "bad\x00byte"}, "NUL"),
    ],
)
def test_bad_answers_get_400_with_a_message_and_store_nothing(app, deck, browser, form, message):
    response = browser(deck["aisha"]).post("/p/deck/feedback", form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _answers(app) == []


def test_the_service_refuses_nul_and_overlong_notes_itself(app, deck):
    with app.app_context():
        page = pages.get_page("deck")
        with pytest.raises(BadInput, match="NUL"):
            feedback.give_feedback(deck["aisha"], page, False, "a\x00b")
        with pytest.raises(BadInput, match="1,000"):
            feedback.give_feedback(deck["aisha"], page, False, "x" * 1001)
        assert feedback.give_feedback(deck["aisha"], page, False, "x" * 1000).note == "x" * 1000


def test_a_1000_character_note_fits_and_the_inbox_line_is_shortened(app, people, deck):
    with app.app_context():
        make_feedback(deck["aisha"], pages.get_page("deck"), False, "word " * 200)
        texts = db.session.execute(select(Notification.text)).scalars().all()
    assert texts and all(len(text) == 300 and text.endswith("…") for text in texts)


def test_htmx_swaps_the_form_for_a_thank_you(app, deck, browser):
    response = browser(deck["aisha"]).post(
        "/p/deck/feedback", {"would_share": "yes", "note": "They loved slide 7"}, headers=FRAGMENT
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'id="field-feedback"' in html and "Thanks — marketing and the tactic owner will read it." in html
    assert "Yes, I would share it" in html and "They loved slide 7" in html


def test_htmx_bad_input_is_shown_in_the_error_area(deck, browser):
    response = browser(deck["aisha"]).post("/p/deck/feedback", {}, headers=FRAGMENT)
    assert response.status_code == 400 and response.headers["HX-Retarget"] == "#errors"
    assert "Answer yes or no" in response.get_data(as_text=True)


def test_field_rep_sees_an_accessible_form_on_the_published_page(deck, browser):
    html = browser(deck["aisha"]).get("/p/deck").get_data(as_text=True)
    assert 'action="/p/deck/feedback"' in html and 'hx-post="/p/deck/feedback"' in html
    assert "<legend>Would you share this with a client?</legend>" in html
    assert 'name="would_share" value="yes"' in html and 'name="would_share" value="no"' in html
    assert '<label for="feedback-note">What did the customer say?' in html and 'maxlength="1000"' in html
    assert "Field feedback (" not in html


def test_council_and_leads_see_the_answers_on_the_page_and_reps_see_only_their_own(
    app, people, deck, browser, as_council, as_lead
):
    with app.app_context():
        page = pages.get_page("deck")
        make_feedback(deck["aisha"], page, False, "Clients found slide 7 generic")
        make_feedback(deck["ben"], page, True, "Showed it in Singapore, went well")
    for person in (as_council, as_lead):
        html = person.get("/p/deck").get_data(as_text=True)
        assert 'Field feedback <span class="muted">(1 would share, 1 wouldn\'t)</span>' in html
        assert "Aisha Khan" in html and "(EMEA)" in html and "Would not share" in html
        assert "Clients found slide 7 generic" in html and "Showed it in Singapore" in html
        assert "revision 1" in html
        assert html.index("Ben Carter") < html.index("Aisha Khan"), "newest first"
        assert 'name="would_share"' not in html

    ben = browser(deck["ben"]).get("/p/deck").get_data(as_text=True)
    assert "Showed it in Singapore" in ben and "Update my answer" in ben
    assert "Aisha Khan" not in ben and "slide 7 generic" not in ben
    with app.app_context():
        mine = feedback.feedback_for_page(deck["ben"], pages.get_page("deck"))
        assert [a.author_id for a in mine.answers] == [deck["ben"].id] and mine.total == 1
        everything = feedback.feedback_for_page(people["council"], pages.get_page("deck"))
        assert (everything.would_share, everything.would_not) == (1, 1)


def test_staff_get_no_feedback_section_on_a_page_never_published(app, people, as_council):
    with app.app_context():
        make_page(people["council"], slug="draft-deck", title="Draft deck", kind="collateral")
    assert 'id="field-feedback"' not in as_council.get("/p/draft-deck").get_data(as_text=True)


def test_answering_again_about_the_same_version_changes_the_answer(app, people, deck, browser):
    rep = browser(deck["aisha"])
    rep.post("/p/deck/feedback", {"would_share": "yes", "note": "Looks fine"})
    rep.post("/p/deck/feedback", {"would_share": "no", "note": "Client said slide 7 is generic"})
    [answer] = _answers(app)
    assert answer.would_share is False and answer.note == "Client said slide 7 is generic"
    html = rep.get("/p/deck").get_data(as_text=True)
    assert "No, I would not share it" in html and "Change your answer" in html
    assert 'value="no" required checked' in html and ">Client said slide 7 is generic</textarea>" in html

    with app.app_context():
        texts = db.session.execute(
            select(Notification.text).where(Notification.user_id == people["council"].id).order_by(Notification.id)
        ).scalars()
        assert list(texts) == [
            "Aisha Khan (EMEA) would share “Customer deck”: Looks fine",
            "Aisha Khan (EMEA) changed their answer: would not share “Customer deck”: Client said slide 7 is generic",
        ]

    rep.post("/p/deck/feedback", {"would_share": "no", "note": "Client said slide 7 is generic"})
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Notification)).scalar_one() == 6, (
            "the same answer again notifies nobody"
        )


def test_a_new_published_version_gets_a_new_answer_and_keeps_the_old_one(app, people, deck, browser, as_lead):
    rep = browser(deck["aisha"])
    rep.post("/p/deck/feedback", {"would_share": "no", "note": "Slide 7 is generic"})
    with app.app_context():
        fixed = DECK.replace("a generic customer story", "Harbour Federal Credit Union")
        pages.save_revision(people["council"], pages.EditSubmission("deck", fixed, "named story", 1))
        publish(people["lead"], pages.get_page("deck"), 2)
    before = rep.get("/p/deck").get_data(as_text=True)
    assert "On revision 1 you said you would not share it" in before and "Update my answer" not in before

    rep.post("/p/deck/feedback", {"would_share": "yes", "note": "The named story works"})
    old, new = _answers(app)
    assert (old.would_share, new.would_share) == (False, True) and old.revision_id != new.revision_id
    html = as_lead.get("/p/deck").get_data(as_text=True)
    assert "(1 would share, 1 wouldn't)" in html
    assert "revision 1 (an earlier published version)" in html and "revision 2" in html


def test_dashboard_cards_count_the_last_30_days(app, people, deck, browser, as_lead, as_council, as_field):
    with app.app_context():
        page = pages.get_page("deck")
        other = make_page(people["lead"], slug="email", title="DORA email", kind="collateral", bodies=("Hi\n",))
        publish(people["lead"], other, 1)
        make_feedback(deck["aisha"], page, False, "Generic")
        make_feedback(deck["ben"], page, False, "")
        make_feedback(deck["aisha"], other, True, "")
        old = make_feedback(deck["ben"], other, False, "Long ago")
        db.session.execute(
            update(Feedback).where(Feedback.id == old.id).values(created_at=utcnow() - timedelta(days=31))
        )
        db.session.commit()

    lead = as_lead.get("/").get_data(as_text=True)
    card = lead[lead.index("Field feedback, last 30 days") :]
    assert "3 answers:" in card and "1 would share" in card
    assert '<strong class="would-not-count">2 would not share</strong>' in card
    assert card.index("Customer deck") < card.index("DORA email"), "most “would not share” first"
    assert 'href="/p/deck#field-feedback"' in card

    council = as_council.get("/").get_data(as_text=True)
    card = council[council.index("Field feedback, last 30 days") :]
    assert "2 answers on your tactic’s pages:" in card and "2 would not share" in card
    assert "DORA email" not in card.split("</section>")[0]

    assert "Field feedback, last 30 days" not in as_field.get("/").get_data(as_text=True)
    with app.app_context():
        with pytest.raises(NotAllowed):
            feedback.feedback_counts(deck["aisha"], utcnow())


def test_period_report_counts_the_period_and_picks_notable_quotes(app, people, deck):
    with app.app_context():
        page = pages.get_page("deck")
        reps = [make_user(role="field", name=f"Rep {n}", region="LATAM") for n in range(7)]
        start = utcnow()
        for n, rep in enumerate(reps):
            make_feedback(rep, page, would_share=n % 2 == 0, note=f"note {n}" if n != 6 else "")
        end = utcnow() + timedelta(seconds=1)
        make_feedback(deck["aisha"], page, False, "after the period")
        db.session.execute(
            update(Feedback).where(Feedback.author_id == deck["aisha"].id).values(created_at=end + timedelta(hours=1))
        )
        db.session.commit()
        report = feedback.feedback_in_period(start, end)
        empty = feedback.feedback_in_period(end - timedelta(days=30), start - timedelta(seconds=1))
    assert (report.total, report.would_share, report.would_not) == (7, 4, 3)
    assert [q.note for q in report.quotes] == ["note 5", "note 3", "note 1", "note 4", "note 2"]
    assert (empty.total, empty.pages, empty.quotes) == (0, [], [])


def test_only_field_reps_pass_the_service_permission_check(app, people, deck):
    with app.app_context():
        page = pages.get_page("deck")
        for person in (people["council"], people["lead"]):
            with pytest.raises(NotAllowed):
                feedback.give_feedback(person, page, True, "")
        with pytest.raises(NotFound):
            feedback.give_feedback(deck["aisha"], make_page(people["lead"], slug="hidden", kind="collateral"), True, "")


def test_the_home_card_names_the_five_pages_the_field_would_share_least_and_counts_every_answer(app, people, as_lead):
    with app.app_context():
        reps = [make_user(role="field", name=f"Rep {n}", email=f"rep{n}@example.com") for n in range(7)]
        for n in range(7):
            page = make_page(people["lead"], slug=f"sheet-{n}", title=f"Sheet {n}", kind="collateral")
            publish(people["lead"], page, 1)
            # Sheet n: n reps would not share it, one would.
            for rep in reps[:n]:
                make_feedback(rep, page, would_share=False)
            make_feedback(reps[6], page, would_share=True)
        counts = feedback.feedback_counts(
            db.session.get(type(people["lead"]), people["lead"].id), utcnow() - timedelta(days=1), 5
        )
    assert (counts.would_share, counts.would_not) == (7, 21)
    assert [tally.slug for tally in counts.pages] == ["sheet-6", "sheet-5", "sheet-4", "sheet-3", "sheet-2"]

    card = as_lead.get("/").get_data(as_text=True).split("Field feedback, last 30 days")[1].split("</section>")[0]
    assert "28 answers:" in card and "21 would not share" in card
    assert "Sheet 2" in card and "Sheet 1" not in card
