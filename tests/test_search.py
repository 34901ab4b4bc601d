"""Search: titles and text, the draft head for council and leads, only published text for the field."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_page, publish
from wiki.services import pages
from wiki.services.pages import EditSubmission


@pytest.fixture
def world(app, people):
    council, lead = people["council"], people["lead"]
    with app.app_context():
        plan = make_page(
            council,
            title="FY27 plan",
            bodies=("# Plan\n\nWe grow **credit union** accounts by 100% in EMEA.\n",),
        )
        publish(lead, plan, 1)
        pages.save_revision(
            council,
            EditSubmission(
                slug="fy27-plan",
                body="# Plan\n\nWe grow credit union accounts. Draft-only-wording about pricing.\n",
                summary="draft",
                base_number=1,
            ),
        )
        make_page(council, slug="webinar-series", title="Webinar series", bodies=("Monthly webinars on pricing.\n",))
        deck = make_page(
            council,
            slug="customer-deck",
            title="Customer deck",
            kind="collateral",
            bodies=("Slide 7: <script>alert(1)</script> generic pricing_table 1000 leads.\n",),
        )
        publish(lead, deck, 1)
    return people


def hits(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    body = response.get_data(as_text=True)
    return [re.sub(r"<[^>]+>", "", title) for title in re.findall(r'<li>\s*<a href="/p/[^"]+">(.*?)</a>', body, re.S)]


def test_staff_search_the_draft_head(world, as_council):
    assert hits(as_council.get("/search?q=draft-only-wording")) == ["FY27 plan"]
    assert hits(as_council.get("/search?q=pricing")) == ["Customer deck", "FY27 plan", "Webinar series"]


def test_field_search_only_published_text_and_pages(world, as_field):
    assert hits(as_field.get("/search?q=draft-only-wording")) == []
    assert hits(as_field.get("/search?q=pricing")) == ["Customer deck"]
    # Titles of pages that were never published are not found either.
    assert hits(as_field.get("/search?q=webinar")) == []
    assert hits(as_field.get("/search?q=100%25")) == ["FY27 plan"]


def test_search_is_case_insensitive_and_title_matches_come_first(world, as_lead):
    assert hits(as_lead.get("/search?q=CREDIT UNION")) == ["FY27 plan"]
    assert hits(as_lead.get("/search?q=deck")) == ["Customer deck"]
    assert hits(as_lead.get("/search?q=series")) == ["Webinar series"]


def test_like_wildcards_are_literal(world, as_lead):
    assert hits(as_lead.get("/search?q=100%25")) == []  # the head no longer says "100%"
    assert hits(as_lead.get("/search?q=%25")) == []
    assert hits(as_lead.get("/search?q=pricing_table")) == ["Customer deck"]
    assert hits(as_lead.get("/search?q=pricing_")) == ["Customer deck"]
    assert hits(as_lead.get("/search?q=grow_credit")) == []  # the head says "grow credit"
    assert hits(as_lead.get("/search?q=10_0")) == []


def test_results_show_kind_and_a_highlighted_plain_snippet(world, as_field):
    body = as_field.get("/search?q=Credit").get_data(as_text=True)
    assert "We grow <mark>credit</mark> union accounts by 100% in EMEA." in body
    assert '<span class="kind">plan</span>' in body


def test_snippets_and_titles_are_escaped(world, as_field):
    body = as_field.get("/search?q=script").get_data(as_text=True)
    assert "<script>alert" not in body
    assert "Slide 7: &lt;<mark>script</mark>&gt;alert(1)&lt;/script&gt; generic" in body


def test_title_match_is_highlighted(world, as_field):
    body = as_field.get("/search?q=DECK").get_data(as_text=True)
    assert '<a href="/p/customer-deck">Customer <mark>deck</mark></a>' in body


def test_empty_query_shows_just_the_form(world, as_field):
    for url in ("/search", "/search?q=", "/search?q=%20%20"):
        body = as_field.get(url).get_data(as_text=True)
        assert 'id="search-q"' in body
        assert "found" not in body and "<ol" not in body


def test_long_or_nul_queries_are_refused(world, as_field):
    long = as_field.get("/search?q=" + "a" * 201)
    assert long.status_code == 400 and "at most 200 characters" in long.get_data(as_text=True)
    assert as_field.get("/search?q=" + "a" * 200).status_code == 200
    assert as_field.get("/search?q=a%00b").status_code == 400


def test_at_most_fifty_results(app, people, as_council):
    with app.app_context():
        for n in range(52):
            make_page(people["council"], slug=f"note-{n:02d}", title=f"Note {n:02d}", bodies=("Common word.\n",))
    body = as_council.get("/search?q=common").get_data(as_text=True)
    assert len(hits(as_council.get("/search?q=common"))) == 50
    assert "Only the first 50 are shown" in body


def test_every_page_has_a_labelled_search_box_in_the_header(world, as_field):
    body = as_field.get("/").get_data(as_text=True)
    assert '<form role="search" method="get" action="/search"' in body
    assert '<label for="site-search"' in body and 'id="site-search" type="search" name="q"' in body
