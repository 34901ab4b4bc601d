"""The home page answers each role's first question: what needs me, and what changed."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import make_member, make_page, make_tactic, publish
from wiki.services import activity, pages, threads


def test_lead_sees_the_queue_the_tactics_grid_and_the_contributions_chart(app, people, as_lead):
    with app.app_context():
        make_member(people["lead"], people["council"], "EMEA")
        plan = make_page(people["lead"], slug="fy27-plan", title="FY27 plan")
        deck = make_page(people["council"], slug="deck", title="Customer deck", kind="collateral")
        make_tactic(people["lead"], plan, "Customer presentation", owner=people["council"], pages=(deck,))
    html = as_lead.get("/").get_data(as_text=True)
    assert "Waiting for review (2)" in html and "Customer deck" in html
    assert "Customer presentation" in html and "Cora Council" in html
    assert "<svg" in html and "Council contributions, last 90 days" in html
    assert "Cora Council: 1 edits" in html


def test_overdue_tactic_is_highlighted_on_the_lead_dashboard(app, people, as_lead):
    from datetime import timedelta

    from wiki.extensions import db
    from wiki.models import Tactic, utcnow

    with app.app_context():
        make_member(people["lead"], people["council"], "EMEA")
        plan = make_page(people["lead"], slug="fy27-plan", title="FY27 plan")
        tactic = make_tactic(people["lead"], plan, "Webinar series", owner=people["council"], cadence_days=7)
        db.session.get(Tactic, tactic.id).created_at = utcnow() - timedelta(days=20)
        db.session.commit()
    html = as_lead.get("/").get_data(as_text=True)
    assert 'class="is-overdue"' in html and "overdue by 13 days" in html


def test_council_member_sees_their_tactic_when_it_is_due_and_what_is_open_on_their_pages(app, people, as_council):
    with app.app_context():
        make_member(people["lead"], people["council"], "EMEA")
        plan = make_page(people["lead"], slug="fy27-plan", title="FY27 plan")
        deck = make_page(
            people["lead"], slug="deck", title="Customer deck", bodies=("# Deck\n\nSlide one.\n",), kind="collateral"
        )
        make_tactic(people["lead"], plan, "Customer presentation", owner=people["council"], pages=(deck,))
        threads.start_thread(people["lead"], deck, 1, "Slide one is generic.", None)
    html = as_council.get("/").get_data(as_text=True)
    assert "My tactic" in html and "Customer presentation" in html and "Next review due in 14 days" in html
    assert "Open on my pages (1)" in html and "Lena Lead" in html
    assert "Waiting for review" not in html


def test_council_member_sees_their_recent_contributions(app, people, as_council):
    with app.app_context():
        make_page(people["council"], slug="notes", title="Field notes", bodies=("one\n",))
    html = as_council.get("/").get_data(as_text=True)
    assert "My recent contributions" in html and "Field notes" in html and "r1" in html


def test_field_rep_sees_the_latest_published_changes_and_nothing_unpublished(app, people, as_field):
    with app.app_context():
        page = make_page(people["council"], slug="fy27-plan", title="FY27 plan", bodies=("v1\n", "v2\n"))
        publish(people["lead"], page, 1)
        make_page(people["council"], slug="secret", title="Secret draft")
    html = as_field.get("/").get_data(as_text=True)
    assert "Latest published changes" in html and "r1 published by Lena Lead" in html
    assert "Secret draft" not in html and "r2" not in html
    assert "My tactic" not in html and "Waiting for review" not in html


def test_contributions_count_edits_accepted_suggestions_and_resolved_threads(app, people):
    with app.app_context():
        make_member(people["lead"], people["council"], "EMEA")
        page = make_page(people["lead"], bodies=("# Plan\n\nSegments are banks.\n",))
        edited = "# Plan\n\nSegments are banks.\n\nMore.\n"
        pages.save_revision(people["council"], pages.EditSubmission("fy27-plan", edited, "", 1))
        suggestion = threads.suggest(people["council"], page, 2, 8, 27, "Segments are banks.", "Segments are insurers.")
        threads.accept(people["lead"], suggestion)
        thread = threads.start_thread(people["council"], page, 3, "Add LATAM?", None)
        threads.set_resolved(people["lead"], thread, True)
        [row] = activity.council_contributions(people["lead"])
    assert (row.edits, row.accepted_suggestions, row.resolved_threads) == (1, 1, 1)
    assert row.represents == "EMEA"


def test_field_rep_sees_the_latest_summary(app, people, as_field):
    from datetime import timedelta

    from wiki.models import utcnow
    from wiki.services import summaries

    assert "No summary has been sent yet" in as_field.get("/").get_data(as_text=True)
    with app.app_context():
        draft = summaries.create_draft(people["lead"], utcnow() - timedelta(days=14), utcnow())
        summaries.update_draft(people["lead"], draft, "Council news, week 48", "", set(), ["field"])
        summaries.start_sending(people["lead"], draft)
    html = as_field.get("/").get_data(as_text=True)
    assert "The latest summary from the council" in html and "Council news, week 48" in html


def test_two_council_members_each_see_only_their_own_pages_numbers_and_requests(app, people):
    """The home page's statements are built once and bound to each reader as they run: one member's numbers
    must never reach another's page, nor the lead's whole-wiki numbers a member's."""
    from tests.factories import make_feedback, make_request, make_share, make_user
    from wiki.models import utcnow
    from wiki.services import content_requests, feedback, shares

    with app.app_context():
        lead, rep = people["lead"], people["field"]
        ana, ben = make_user("council", "Ana Seat"), make_user("council", "Ben Seat")
        plan = make_page(lead, slug="fy27-plan", title="FY27 plan")
        decks = {}
        for person, slug in ((ana, "ana-deck"), (ben, "ben-deck")):
            make_member(lead, person, slug)
            deck = make_page(lead, slug=slug, title=f"{person.name}'s deck", kind="collateral")
            publish(lead, deck, 1)
            tactic = make_tactic(lead, plan, f"{person.name}'s tactic", owner=person, pages=(deck,))
            request = make_request(rep, title=f"A checklist for {person.name}")
            content_requests.accept(lead, request.id, tactic.id, None)
            decks[person.id] = deck
        make_feedback(rep, decks[ana.id], would_share=False)
        make_share(rep, decks[ben.id])
        since = utcnow() - timedelta(days=30)

        def seen(person):
            return (
                [tally.title for tally in feedback.feedback_counts(person, since, 5).pages],
                [row.title for row in shares.dashboard_usage(person, 6)],
                [row.request.title for row in content_requests.routed_to(person)],
            )

        assert seen(ana) == (["Ana Seat's deck"], ["Ana Seat's deck"], ["A checklist for Ana Seat"])
        assert seen(ben) == ([], ["Ben Seat's deck"], ["A checklist for Ben Seat"])
        assert seen(lead)[:2] == (["Ana Seat's deck"], ["Ben Seat's deck", "Ana Seat's deck"])
        assert seen(ana) == (["Ana Seat's deck"], ["Ana Seat's deck"], ["A checklist for Ana Seat"])


def _luminance(colour: str) -> float:
    if len(colour) == 4:  # #fff
        colour = "#" + "".join(digit * 2 for digit in colour[1:])
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_colour_of_the_contributions_chart_stands_out_from_its_card():
    """WCAG 1.4.11: the parts of a chart a reader must tell apart need 3:1 against what is beside them; the
    segments are parted by a line of the card's colour, so each must reach 3:1 against the card."""
    import re
    from pathlib import Path

    css = (Path(__file__).parent.parent / "static" / "app.css").read_text()
    card = re.search(r"--card: (#[0-9a-f]{3}(?:[0-9a-f]{3})?);", css).group(1)
    fills = dict(re.findall(r"\.seg-(\w+) \{ fill: (#[0-9a-f]{6}); \}", css))
    assert set(fills) == {"edits", "accepted_suggestions", "resolved_threads"}
    assert re.search(r"\.seg \{ stroke: var\(--card\);", css)
    for kind, fill in fills.items():
        lighter, darker = sorted((_luminance(fill), _luminance(card)), reverse=True)
        assert (lighter + 0.05) / (darker + 0.05) >= 3, kind
