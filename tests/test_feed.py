"""The Atom feed of published changes: valid Atom, only approved revisions, and a personal address that
works in a feed reader without signing in until the password changes."""

from __future__ import annotations

import html
import re

import feedparser
import pytest

from tests.factories import make_page, publish
from wiki.services import accounts, pages, review
from wiki.services.pages import EditSubmission

ATOM = "application/atom+xml; charset=utf-8"


@pytest.fixture
def world(app, people):
    lead, council = people["lead"], people["council"]
    with app.app_context():
        plan = make_page(council, title="FY27 plan", bodies=("# Plan\n\nOne.\n",))
        review.approve(lead, plan, 1, "Ship it & tell <everyone>")
        pages.save_revision(
            council,
            EditSubmission(
                slug="fy27-plan", body="# Plan\n\nSECRET-DRAFT-MARKER\n", summary="secret summary", base_number=1
            ),
        )
        deck = make_page(
            council, slug="customer-deck", title="Customer deck", kind="collateral", bodies=("A\n", "B\n", "C\n")
        )
        publish(lead, deck, 2)
        publish(lead, deck, 3)
        make_page(council, slug="never-published", title="Never published")
    return people


def parsed(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Type"] == ATOM
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def personal_feed_url(person) -> str:
    page = person.get("/account").get_data(as_text=True)
    match = re.search(r'id="feed-url" type="text" value="([^"]+)"', page)
    assert match, "no feed address on the account page"
    return html.unescape(match.group(1))


def test_feed_is_valid_atom_with_only_approved_revisions_newest_first(world, as_field):
    feed = parsed(as_field.get("/feed.atom"))
    assert feed.feed.title == "Council Wiki: published changes"
    assert feed.feed.id == "tag:localhost,2026:published-changes"
    assert {link.rel: link.href for link in feed.feed.links} == {
        "self": "http://localhost/feed.atom",
        "alternate": "http://localhost/changes",
    }
    assert [entry.title for entry in feed.entries] == [
        "Customer deck — revision 3 published",
        "Customer deck — revision 2 published",
        "FY27 plan — revision 1 published",
    ]
    for entry in feed.entries:
        assert re.fullmatch(r"tag:localhost,2026:approval-\d+", entry.id)
        assert entry.author == "Lena Lead"
        assert entry.contributors[0].name == "Cora Council"
        assert entry.updated_parsed is not None
    assert feed.entries[0].link == "http://localhost/p/customer-deck"
    plan = feed.entries[2]
    assert plan.link == "http://localhost/p/fy27-plan"
    assert "Written by Cora Council: r1" in plan.summary
    assert "Note from Lena Lead: Ship it & tell <everyone>" in plan.summary


def test_feed_escapes_what_people_typed(world, as_field):
    body = as_field.get("/feed.atom").get_data(as_text=True)
    assert "Ship it &amp; tell &lt;everyone&gt;" in body
    assert "<everyone>" not in body


def test_feed_never_carries_unpublished_work_even_for_leads(world, as_lead, as_council):
    for person in (as_lead, as_council):
        body = person.get("/feed.atom").get_data(as_text=True)
        for secret in ("SECRET-DRAFT-MARKER", "secret summary", "Never published", "FY27 plan — revision 2"):
            assert secret not in body


def test_control_characters_in_a_summary_do_not_break_the_feed(app, people, as_field):
    with app.app_context():
        page = make_page(people["council"], slug="odd", bodies=("Odd.\n",))
        pages.save_revision(
            people["council"], EditSubmission(slug="odd", body="Odder.\n", summary="tab\x0bbed\x1b", base_number=1)
        )
        publish(people["lead"], page, 2)
    feed = parsed(as_field.get("/feed.atom"))
    assert "tabbed" in feed.entries[0].summary


def test_an_empty_feed_is_still_valid(people, as_field):
    feed = parsed(as_field.get("/feed.atom"))
    assert feed.entries == []


def test_without_session_or_token_the_feed_asks_to_sign_in(world, client):
    response = client.get("/feed.atom")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_personal_feed_address_works_without_signing_in(world, as_field, client):
    url = personal_feed_url(as_field)
    assert url.startswith("http://localhost/feed.atom?token=")
    feed = parsed(client.get(url))
    assert len(feed.entries) == 3
    assert feed.feed.links[0].href == url


def test_changes_page_links_to_the_feed(world, as_field):
    page = as_field.get("/changes").get_data(as_text=True)
    assert re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="/feed.atom">', page)


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"), lambda t: "x" + t])
def test_a_tampered_token_is_refused_clearly(world, as_field, client, mangle):
    url = personal_feed_url(as_field)
    token = url.split("token=", 1)[1]
    response = client.get(f"/feed.atom?token={mangle(token)}")
    assert response.status_code == 403
    assert "feed address isn" in response.get_data(as_text=True)


@pytest.mark.parametrize("token", ["", "nonsense", "W10.abc"])
def test_garbage_tokens_are_refused_not_crashed(world, client, token):
    assert client.get(f"/feed.atom?token={token}").status_code == 403


def test_a_token_that_is_not_text_is_a_bad_request(world, client):
    # Bytes that aren't UTF-8 are refused for every query string, before the feed reads its token.
    assert client.get("/feed.atom?token=%FF%FE").status_code == 400


def test_changing_the_password_revokes_the_feed_address(world, as_field, client):
    old = personal_feed_url(as_field)
    response = as_field.post(
        "/account", {"current": "correct horse battery", "new": "a brand new password"}, token_from="/account"
    )
    assert response.status_code == 303
    assert client.get(old).status_code == 403
    new = personal_feed_url(as_field)
    assert new != old
    parsed(client.get(new))


def test_deactivating_the_account_revokes_the_feed_address(app, world, as_field, client):
    url = personal_feed_url(as_field)
    with app.app_context():
        accounts.set_active(None, world["field"].id, False)
    assert client.get(url).status_code == 403


def test_signing_out_keeps_the_feed_address_working(world, as_field, client):
    # Sign-out ends every session; a feed reader's subscription is not a session and should survive it.
    url = personal_feed_url(as_field)
    as_field.logout()
    parsed(client.get(url))
