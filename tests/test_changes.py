"""Recent changes: every revision and decision for council and leads, only what was published for the field,
filterable by page, person and kind, fifty at a time."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_page, make_user, publish
from tests.queries import counted_queries
from wiki.db import write_transaction
from wiki.models import Approval, Decision, RevisionOrigin, utcnow
from wiki.services import pages, review
from wiki.services.pages import EditSubmission

FRAGMENT = {"HX-Request": "true", "HX-Request-Type": "partial"}


def save(user, slug: str, body: str, summary: str, base: int) -> None:
    pages.save_revision(user, EditSubmission(slug=slug, body=body, summary=summary, base_number=base))


def request_changes(lead, page, number: int, note: str) -> None:
    with write_transaction() as session:
        revision = pages.get_revision(page, number)
        session.add(
            Approval(
                page_id=page.id,
                revision_id=revision.id,
                decided_by_id=lead.id,
                decision=Decision.CHANGES_REQUESTED,
                note=note,
                created_at=utcnow(),
            )
        )


def accept_suggestion(suggester, lead, page, text: str) -> None:
    """A revision as accepting a suggestion writes it: by the suggester, accepted by the lead."""
    with write_transaction() as session:
        page, _ = pages.lock_page_and_revision(session, page, 1)
        summary = f"Suggested by {suggester.name}, accepted by {lead.name}"
        pages.append_revision(
            session, page, suggester, text, summary, page.head_number, RevisionOrigin.SUGGESTION, accepted_by=lead
        )


@pytest.fixture
def world(app, people):
    """The plan: r1-r2 by the council, r2 published; then a draft, a restore, an accepted suggestion and a
    request for changes, none published. The webinar page has an edit and a merge, never published."""
    lead, council = people["lead"], people["council"]
    with app.app_context():
        drafter = make_user(role="council", name="Dana Drafter")
        plan = make_page(council, title="FY27 plan", bodies=("# Plan\n\nOne.\n", "# Plan\n\nTwo.\n"))
        review.approve(lead, plan, 2, "Good to go")
        save(drafter, "fy27-plan", "# Plan\n\nTwo. SECRET-DRAFT-MARKER\n", "secret summary", 2)
        pages.restore(lead, plan, 2, "Back to the published text")
        accept_suggestion(council, lead, plan, "# Plan\n\nTwo and a half.\n")
        request_changes(lead, pages.get_page("fy27-plan"), 5, "Tighten the wording")
        make_page(lead, slug="webinar-series", title="Webinar series", kind="collateral", bodies=("A\n\nB\n\nC\n",))
        save(council, "webinar-series", "A2\n\nB\n\nC\n", "first line", 1)
        save(lead, "webinar-series", "A\n\nB\n\nC2\n", "last line", 1)
    return {**people, "drafter": drafter}


def entries(response) -> list[tuple[str, str]]:
    """(kind, text) of each listed change, tags stripped."""
    html = response.get_data(as_text=True)
    return [
        (kind, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip())
        for kind, body in re.findall(r'<li class="change-(\w+)">(.*?)</li>', html, re.S)
    ]


def test_council_sees_every_revision_and_every_decision_newest_first(world, as_council):
    response = as_council.get("/changes")
    assert response.status_code == 200
    listed = entries(response)
    assert [kind for kind, _ in listed] == [
        "merge",  # webinar r3
        "edit",  # webinar r2
        "edit",  # webinar r1
        "review",  # changes requested on plan r5
        "suggestion",  # plan r5
        "restore",  # plan r4
        "edit",  # plan r3, the unpublished draft
        "review",  # plan r2 approved
        "edit",
        "edit",
    ]
    text = " | ".join(body for _, body in listed)
    assert "changes requested" in text and "Tighten the wording" in text
    assert "Dana Drafter" in text and "secret summary" in text
    assert "accepted by Lena Lead" in text and "restored r2" in text


def test_filter_by_page_lists_only_that_page(world, as_lead):
    listed = entries(as_lead.get("/changes?page=webinar-series", headers=FRAGMENT))
    assert [kind for kind, _ in listed] == ["merge", "edit", "edit"]
    assert all(body.startswith("Webinar series") for _, body in listed)


def test_filter_by_person_lists_what_they_wrote_accepted_or_decided(world, as_lead):
    drafter = entries(as_lead.get(f"/changes?person={world['drafter'].id}", headers=FRAGMENT))
    assert [kind for kind, _ in drafter] == ["edit"]
    assert "secret summary" in drafter[0][1]

    council = entries(as_lead.get(f"/changes?person={world['council'].id}", headers=FRAGMENT))
    # Their webinar edit, the decision on their suggestion, the suggestion, the approval of their r2, r2, r1.
    assert [kind for kind, _ in council] == ["edit", "review", "suggestion", "review", "edit", "edit"]


def test_filter_by_kind_and_combined_filters(world, as_lead):
    for kind in ("edit", "merge", "restore", "suggestion", "review"):
        listed = entries(as_lead.get(f"/changes?kind={kind}", headers=FRAGMENT))
        assert listed and {k for k, _ in listed} == {kind}, kind
    reviews = entries(as_lead.get("/changes?kind=review", headers=FRAGMENT))
    assert len(reviews) == 2
    combined = entries(as_lead.get(f"/changes?kind=edit&page=fy27-plan&person={world['council'].id}", headers=FRAGMENT))
    assert len(combined) == 2
    empty = as_lead.get("/changes?kind=merge&page=fy27-plan", headers=FRAGMENT)
    assert entries(empty) == [] and "No changes match these filters" in empty.get_data(as_text=True)


def test_empty_filter_values_mean_no_filter(world, as_lead):
    assert entries(as_lead.get("/changes?page=&person=&kind=")) == entries(as_lead.get("/changes"))


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("kind=bogus", 400, "kind of change must be one of"),
        ("person=abc", 400, "“person” must be a positive whole number"),
        ("person=999999", 404, "nobody with the number 999999"),
        ("page=Not%20a%20slug", 400, "be a page name"),
        ("page=no-such-page", 404, "no page called “no-such-page”"),
        ("p=0", 400, "“p” must be a positive whole number"),
        ("p=7", 404, "no page 7 of recent changes"),
    ],
)
def test_bad_filter_values_get_a_clear_message(world, as_lead, query, status, message):
    response = as_lead.get(f"/changes?{query}")
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_field_sees_only_published_changes(world, as_field):
    response = as_field.get("/changes")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    listed = entries(response)
    assert [kind for kind, _ in listed] == ["review"]
    assert "published by Lena Lead" in listed[0][1] and "Good to go" in listed[0][1]
    assert "revision 2 by Cora Council" in listed[0][1]
    for secret in ("Dana Drafter", "secret summary", "Tighten the wording", "changes requested", "Webinar series"):
        assert secret not in html
    assert not re.search(r"\b(r|revision )[345]\b", html)
    # Only the kind they can see, so no kind menu to choose from.
    assert 'name="kind"' not in html


def test_field_filters_never_reveal_unpublished_pages_or_people(world, as_field):
    unpublished = as_field.get("/changes?page=webinar-series")
    missing = as_field.get("/changes?page=no-such-page")
    assert unpublished.status_code == missing.status_code == 404
    assert "no page called “webinar-series”" in unpublished.get_data(as_text=True)
    assert entries(as_field.get(f"/changes?person={world['drafter'].id}")) == []
    assert entries(as_field.get("/changes?kind=edit")) == []
    assert len(entries(as_field.get(f"/changes?person={world['council'].id}&page=fy27-plan&kind=review"))) == 1


def test_filter_form_is_plain_labelled_get_form_with_feed_link(world, as_council):
    html = as_council.get("/changes").get_data(as_text=True)
    assert '<form class="filters" method="get" action="/changes"' in html
    for name in ("person", "kind"):
        assert f'<label for="filter-{name}">' in html and f'<select id="filter-{name}" name="{name}">' in html
    # The page is typed: the form doesn't list every page, it offers those whose title holds what is typed.
    assert '<label for="filter-page">' in html and '<input id="filter-page" name="page" list="page-options"' in html
    assert '<option value="webinar-series"' not in html and f'<option value="{world["drafter"].id}"' in html
    assert 'hx-get="/pages/names"' in html
    assert '<a href="/changes">Clear filters</a>' in html
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'hx-push-url="true"' in html


def test_htmx_gets_just_the_list(world, as_council):
    html = as_council.get("/changes?kind=review", headers=FRAGMENT).get_data(as_text=True)
    assert "<html" not in html and '<form class="filters"' not in html
    assert len(entries_from(html)) == 2


def entries_from(html: str) -> list[str]:
    return re.findall(r'<li class="change-(\w+)">', html)


def test_fifty_at_a_time_with_older_link_keeping_filters(app, people, as_council):
    with app.app_context():
        bodies = tuple(f"Line {n}\n" for n in range(1, 53))
        make_page(people["council"], slug="long-history", bodies=bodies)
        publish(people["lead"], pages.get_page("long-history"), 52)
    first = as_council.get("/changes?page=long-history&kind=edit").get_data(as_text=True)
    assert len(entries_from(first)) == 50
    assert '<a href="/changes?p=2&amp;page=long-history&amp;kind=edit" rel="next">Older</a>' in first
    second = as_council.get("/changes?p=2&page=long-history&kind=edit").get_data(as_text=True)
    assert len(entries_from(second)) == 2
    assert 'rel="next"' not in second
    assert '<a href="/changes?page=long-history&amp;kind=edit" rel="prev">Newer</a>' in second


def test_the_page_filter_offers_the_pages_whose_title_or_address_holds_what_is_typed(world, as_council, as_field):
    assert options(as_council.get("/pages/names?page=WEBIN", headers=FRAGMENT)) == [
        ("webinar-series", "Webinar series")
    ]
    assert options(as_council.get("/pages/names?page=fy27-")) == [("fy27-plan", "FY27 plan")]
    assert options(as_council.get("/pages/names?page=")) == []
    # The field is offered published pages only, by their published titles.
    assert options(as_field.get("/pages/names?page=webin")) == []
    assert options(as_field.get("/pages/names?page=plan")) == [("fy27-plan", "FY27 plan")]
    # What is typed is text, not a pattern.
    assert options(as_council.get("/pages/names?page=%25")) == []
    too_long = as_council.get("/pages/names?page=" + "x" * 201)
    assert too_long.status_code == 400 and "at most 200 characters" in too_long.get_data(as_text=True)


def test_a_filtered_page_is_named_in_the_filter_by_its_title(world, as_council):
    html = as_council.get("/changes?page=webinar-series").get_data(as_text=True)
    assert 'value="webinar-series"' in html and '<option value="webinar-series">Webinar series</option>' in html


def options(response) -> list[tuple[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return re.findall(r'<option value="([^"]*)">([^<]*)</option>', response.get_data(as_text=True))


def test_the_page_filter_reads_the_same_statements_and_twenty_names_however_many_pages_match(app, people, as_council):
    def offered(count: int) -> tuple[int, int]:
        with app.app_context():
            for n in range(count):
                make_page(people["council"], slug=f"launch-{count}-{n}", title=f"Launch {count}-{n:02d}")
        as_council.get("/pages/names?page=warm")
        with counted_queries(app) as seen:
            found = options(as_council.get(f"/pages/names?page=launch-{count}-"))
        return len(seen), len(found)

    few, many = offered(5), offered(50)
    assert few[0] == many[0] and (few[1], many[1]) == (5, 20)


def test_a_title_typed_whole_filters_by_that_page_as_the_reader_sees_it(world, as_council, as_field):
    typed = entries(as_council.get("/changes?page=webinar%20SERIES", headers=FRAGMENT))
    assert typed == entries(as_council.get("/changes?page=webinar-series", headers=FRAGMENT)) and typed
    # The field knows only published titles: a draft's page stays as unknown as a missing one.
    assert as_field.get("/changes?page=Webinar%20series").status_code == 400
    assert len(entries(as_field.get("/changes?page=fy27%20plan&kind=review"))) >= 1
