"""Shares with clients: a rep records "I sent this to a client", and marketing sees how pages travel."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.factories import make_feedback, make_member, make_page, make_share, make_tactic, make_user, publish
from tests.queries import counted_queries
from wiki.extensions import db
from wiki.models import Notification, NotificationKind, Share, Tactic, utcnow
from wiki.services import pages, shares, summaries

EMAIL = "# DORA email\n\nSubject: are you ready for DORA?\n"
FRAGMENT = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture
def email(app, people):
    """A published DORA email under a tactic the council user owns, and three field reps."""
    with app.app_context():
        plan = make_page(people["lead"], slug="fy27-plan", title="FY27 plan")
        page = make_page(people["lead"], slug="dora-email", title="DORA email", kind="collateral", bodies=(EMAIL,))
        publish(people["lead"], page, 1)
        deck = make_page(people["lead"], slug="deck", title="Customer deck", kind="collateral")
        publish(people["lead"], deck, 1)
        make_member(people["lead"], people["council"], "EMEA")
        tactic = make_tactic(people["lead"], plan, "Direct marketing", owner=people["council"], pages=(page, deck))
        return {
            "tactic_id": tactic.id,
            "aisha": make_user(role="field", name="Aisha Khan", email="aisha@example.com", region="EMEA"),
            "ben": make_user(role="field", name="Ben Carter", email="ben@example.com", region="APAC"),
            "chloe": make_user(role="field", name="Chloe Dubois", email="chloe@example.com", region="EMEA"),
        }


def _shares(app) -> list[Share]:
    with app.app_context():
        rows = db.session.execute(select(Share).order_by(Share.id)).scalars().all()
        for row in rows:
            db.session.expunge(row)
        return rows


def test_a_rep_records_a_share_of_the_published_version_and_the_owner_and_leads_hear_of_it(app, people, email, browser):
    rep = browser(email["aisha"])
    response = rep.post(
        "/p/dora-email/shares", {"client_kind": "bank", "reaction": "  The CRO forwarded it to her team.\n"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/p/dora-email#client-shares")
    page = rep.get("/p/dora-email").get_data(as_text=True)
    assert "Recorded — thanks." in page and "You recorded 1 share of this page" in page

    [share] = _shares(app)
    with app.app_context():
        published = pages.get_page("dora-email").published_revision_id
    assert (share.client_kind, share.reaction, share.revision_id) == (
        "bank",
        "The CRO forwarded it to her team.",
        published,
    )
    notice = "Aisha Khan (EMEA) sent “DORA email” to a client (bank): The CRO forwarded it to her team."
    for reader in (people["council"], people["lead"]):
        assert notice in browser(reader).get("/inbox").get_data(as_text=True), reader.name


def test_several_shares_per_rep_are_kept_one_per_client_meeting_with_their_own_words_for_other(app, email, browser):
    rep = browser(email["aisha"])
    rep.post("/p/dora-email/shares", {"client_kind": "insurer"})
    response = rep.post(
        "/p/dora-email/shares", {"client_kind": "other", "other_kind": "  Family   office "}, headers=FRAGMENT
    )
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert 'id="client-shares"' in fragment and "<html" not in fragment
    assert "You recorded 2 shares of this page" in fragment
    assert [share.client_kind for share in _shares(app)] == ["insurer", "Family office"]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Pick the kind of client"),
        ({"client_kind": "pirate"}, "Pick the kind of client"),
        ({"client_kind": "other", "other_kind": "  "}, "Say what kind of client it was"),
        ({"client_kind": "other", "other_kind": "x" * 81}, "at most 80 characters; yours has 81"),
        ({"client_kind": "bank", "reaction": "x" * 2001}, "at most 2,000 characters; yours has 2,001"),
        ({"client_kind": "bank", "reaction": "a\x00b"}, "NUL characters"),
    ],
)
def test_a_bad_share_is_refused_with_a_clear_message_and_nothing_is_stored(app, email, browser, form, message):
    response = browser(email["aisha"]).post("/p/dora-email/shares", form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _shares(app) == []


def test_only_the_field_records_shares_and_only_of_a_published_page(app, people, email, browser):
    for role in ("council", "lead"):
        response = browser(people[role]).post("/p/dora-email/shares", {"client_kind": "bank"})
        assert response.status_code == 403, role
        assert "Shares are recorded by the field reps" in response.get_data(as_text=True)
    with app.app_context():
        make_page(people["lead"], slug="draft-email", title="Draft email")
    assert browser(email["aisha"]).post("/p/draft-email/shares", {"client_kind": "bank"}).status_code == 404
    assert _shares(app) == []
    # Neither the counts nor other reps' shares are the field's to read.
    make_share_as = browser(email["ben"])
    make_share_as.post("/p/dora-email/shares", {"client_kind": "bank", "reaction": "BEN-PRIVATE-REACTION"})
    page = browser(email["aisha"]).get("/p/dora-email").get_data(as_text=True)
    assert "BEN-PRIVATE-REACTION" not in page and "Sent to clients" not in page


def test_counts_per_page_cover_30_and_90_days_distinct_reps_and_the_share_of_answering_reps(app, people, email):
    with app.app_context():
        page = pages.get_page("dora-email")
        ages = {
            make_share(email[rep], page).id: days
            for rep, days in (("aisha", 1), ("aisha", 40), ("ben", 10), ("chloe", 100))
        }
        for share_id, days_ago in ages.items():
            db.session.execute(
                update(Share).where(Share.id == share_id).values(created_at=utcnow() - timedelta(days=days_ago))
            )
        db.session.commit()
        make_feedback(email["aisha"], page, would_share=True)
        make_feedback(email["ben"], page, would_share=False)
        make_feedback(email["chloe"], page, would_share=True)
        usage = shares.usage_for_page(people["council"], page)
        assert (usage.shares_recent, usage.shares_longer, usage.reps) == (2, 3, 2)
        assert (usage.answering, usage.would_share, usage.share_percent) == (3, 2, 67)


def test_the_tactic_page_counts_a_rep_who_sent_two_of_its_pages_once(app, people, email, browser):
    with app.app_context():
        make_share(email["aisha"], pages.get_page("dora-email"), "bank")
        make_share(email["aisha"], pages.get_page("deck"), "insurer")
        make_share(email["ben"], pages.get_page("deck"), "bank")
        usage = shares.tactic_usage(people["lead"], db.session.get(Tactic, email["tactic_id"]))
        assert (usage.total.shares_longer, usage.total.reps) == (3, 2)
        assert [(row.title, row.usage.shares_longer) for row in usage.pages] == [
            ("Customer deck", 2),
            ("DORA email", 1),
        ]
    page = browser(people["council"]).get(f"/tactics/{email['tactic_id']}").get_data(as_text=True)
    assert "3 shares in 90 days (3 in 30) by 2 reps" in page


def test_council_and_leads_see_the_numbers_and_the_reactions_under_the_page_and_on_their_dashboards(
    app, people, email, browser
):
    with app.app_context():
        make_share(email["aisha"], pages.get_page("dora-email"), "credit union", "Booked a readiness check.")
    for role in ("council", "lead"):
        reader = browser(people[role])
        page = reader.get("/p/dora-email").get_data(as_text=True)
        assert "1 share in 90 days (1 in 30) by 1 rep" in page, role
        assert "client: credit union" in page and "Booked a readiness check." in page
        home = reader.get("/").get_data(as_text=True)
        assert "Sent to clients" in home and "DORA email" in home[home.index("Sent to clients") :], role


def test_the_dashboard_card_reads_its_numbers_in_a_fixed_number_of_queries(app, people, email):
    def queries_for_dashboard() -> int:
        with app.app_context(), counted_queries(app) as seen:
            shares.dashboard_usage(db.session.get(type(people["lead"]), people["lead"].id), 6)
            return len(seen)

    with app.app_context():
        make_share(email["aisha"], pages.get_page("dora-email"), "bank")
    few = queries_for_dashboard()
    with app.app_context():
        for index in range(6):
            slug = f"page-{index}"
            page = make_page(people["lead"], slug=slug, title=f"Page {index}")
            publish(people["lead"], page, 1)
            make_share(email["ben"], pages.get_page(slug), "bank")
            make_feedback(email["ben"], pages.get_page(slug), would_share=True)
    assert queries_for_dashboard() == few


def test_the_summary_says_how_many_clients_each_page_reached_from_how_many_reps(app, people, email):
    with app.app_context():
        start = utcnow() - timedelta(minutes=1)
        page = pages.get_page("dora-email")
        for rep in ("aisha", "aisha", "ben"):
            make_share(email[rep], page, "bank")
        draft = summaries.create_draft(people["lead"], start, utcnow() + timedelta(minutes=1))
        content = summaries.content_of(draft)
        assert [(line.title, line.clients, line.reps) for line in content.shares] == [("DORA email", 3, 2)]
        sent = summaries.start_sending(people["lead"], draft)
        assert "DORA email went to 3 clients from 2 reps" in sent.text_body
        assert "The DORA email went to 3 clients from 2 reps" in re.sub(
            r"\s+", " ", re.sub(r"<[^>]+>", "", sent.html_body)
        )


def test_notices_about_shares_are_of_their_own_kind(app, email, browser):
    browser(email["aisha"]).post("/p/dora-email/shares", {"client_kind": "bank"})
    with app.app_context():
        kinds = set(db.session.execute(select(Notification.kind)).scalars())
    assert kinds == {NotificationKind.SHARE}


def test_the_dashboard_ranks_the_most_sent_pages_first_then_the_most_answered(app, people):
    with app.app_context():
        lead = people["lead"]
        reps = [make_user(role="field", name=f"Rep {n}", email=f"rep{n}@example.com") for n in range(3)]
        published = {}
        for slug in ("sent-twice", "sent-once", "answered-thrice", "answered-once", "untouched"):
            published[slug] = make_page(lead, slug=slug, title=slug.replace("-", " ").title())
            publish(lead, published[slug], 1)
        make_share(reps[0], published["sent-twice"])
        make_share(reps[1], published["sent-twice"])
        make_share(reps[0], published["sent-once"])
        for rep in reps:
            make_feedback(rep, published["answered-thrice"], would_share=True)
        make_feedback(reps[0], published["answered-once"], would_share=False)
        # Answers alone don't outrank a share.
        for rep in reps:
            make_feedback(rep, published["sent-once"], would_share=False)
        lead = db.session.get(type(lead), lead.id)
        ranked = [row.slug for row in shares.dashboard_usage(lead, 6)]
        first_two = [row.slug for row in shares.dashboard_usage(lead, 2)]
    assert ranked == ["sent-twice", "sent-once", "answered-thrice", "answered-once"]
    assert first_two == ["sent-twice", "sent-once"]
