"""Search: the full-text index over titles, text, comments and files; the draft head for council and leads, only
what is published for the field; ranked, stemmed, with phrases, prefixes and marked snippets."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, func, select

from tests.factories import make_page, make_user, publish
from tests.files.makers import make_deck, make_docx, make_pdf
from tests.files.seed import add_file, approve_file
from tests.queries import counted_queries
from wiki.extensions import db
from wiki.models import SearchDoc
from wiki.services import file_uploads, files, pages, threads
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
    """The titles of the pages found, in the order shown."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    body = response.get_data(as_text=True)
    return [re.sub(r"<[^>]+>", "", title) for title in re.findall(r'<li>\s*<a href="/p/[^"#]+">(.*?)</a>', body, re.S)]


def comment_hits(response) -> list[str]:
    """The snippets of the comments found, as marked up."""
    body = response.get_data(as_text=True)
    section = body[body.index('id="comment-results-title"') :] if 'id="comment-results-title"' in body else ""
    return re.findall(r'<p class="excerpt">(.*?)</p>', section, re.S)


def save(app, user, slug: str, body: str, title: str = "") -> None:
    with app.app_context():
        page = pages.get_page(slug)
        pages.save_revision(
            user, EditSubmission(slug=slug, body=body, summary="", base_number=page.head_number, title=title)
        )


# Who finds what -------------------------------------------------------------------------------------------


def test_staff_search_the_draft_head(world, as_council):
    assert hits(as_council.get("/search?q=draft-only-wording")) == ["FY27 plan"]
    assert sorted(hits(as_council.get("/search?q=pricing"))) == ["Customer deck", "FY27 plan", "Webinar series"]


def test_field_search_only_published_text_and_pages(world, as_field):
    assert hits(as_field.get("/search?q=draft-only-wording")) == []
    assert hits(as_field.get("/search?q=pricing")) == ["Customer deck"]
    # Titles of pages that were never published are not found either.
    assert hits(as_field.get("/search?q=webinar")) == []
    assert hits(as_field.get("/search?q=EMEA")) == ["FY27 plan"]


# Ranking, stemming, phrases, prefixes -----------------------------------------------------------------------


def test_a_word_in_the_title_ranks_above_the_same_word_in_the_text(app, people, as_council):
    filler = " ".join(f"topic{n}" for n in range(80))
    with app.app_context():
        # Counted alone, the short text saying it twice would come first.
        make_page(people["council"], slug="mentions", title="Notes", bodies=("Webinar, webinar.\n",))
        make_page(people["council"], slug="webinars", title="Webinar", bodies=(f"{filler}\n",))
    assert hits(as_council.get("/search?q=webinar")) == ["Webinar", "Notes"]


def test_pages_where_the_words_weigh_more_come_first(app, people, as_council):
    filler = " ".join(f"topic{n}" for n in range(80))
    with app.app_context():
        make_page(people["council"], slug="once", title="Once", bodies=(f"{filler} webinar {filler}\n",))
        make_page(people["council"], slug="often", title="Often", bodies=("The webinar list: webinar dates.\n",))
    assert hits(as_council.get("/search?q=webinar")) == ["Often", "Once"]


def test_search_is_case_insensitive_and_finds_every_form_of_a_word(world, as_lead):
    assert hits(as_lead.get("/search?q=CREDIT UNION")) == ["FY27 plan"]
    # "campaigns" and "campaign", "webinars" and "webinar", "growing" and "grow" are one word to the index.
    assert hits(as_lead.get("/search?q=webinars")) == ["Webinar series"]
    assert hits(as_lead.get("/search?q=growing")) == ["FY27 plan"]
    assert hits(as_lead.get("/search?q=decks")) == ["Customer deck"]


def test_every_word_must_be_there(world, as_lead):
    assert hits(as_lead.get("/search?q=pricing monthly")) == ["Webinar series"]
    assert hits(as_lead.get("/search?q=pricing nowhere")) == []


def test_a_quoted_phrase_finds_the_words_together_and_in_order(world, as_lead):
    assert hits(as_lead.get('/search?q="credit union accounts"')) == ["FY27 plan"]
    assert hits(as_lead.get('/search?q="union credit"')) == []
    assert hits(as_lead.get('/search?q="grow accounts"')) == []
    # A word joined by punctuation is a phrase of its parts.
    assert hits(as_lead.get("/search?q=pricing_table")) == ["Customer deck"]
    assert hits(as_lead.get("/search?q=table_pricing")) == []


def test_a_word_ending_in_a_star_finds_every_word_that_begins_so(world, as_lead):
    assert hits(as_lead.get("/search?q=webin*")) == ["Webinar series"]
    assert sorted(hits(as_lead.get("/search?q=pric*"))) == ["Customer deck", "FY27 plan", "Webinar series"]
    assert hits(as_lead.get('/search?q="credit uni"*')) == ["FY27 plan"]
    assert hits(as_lead.get("/search?q=webin")) == []


# Snippets -------------------------------------------------------------------------------------------------


def test_results_show_kind_and_a_marked_snippet_of_the_text_as_it_reads(world, as_field):
    body = as_field.get("/search?q=Credit").get_data(as_text=True)
    # The Markdown's ** and # are gone; the word found is marked.
    assert "Plan We grow <mark>credit</mark> union accounts by 100% in EMEA" in body
    assert '<span class="kind">plan</span>' in body


def test_every_form_of_the_word_is_marked(app, people, as_council):
    with app.app_context():
        make_page(people["council"], slug="c", title="Campaigns", bodies=("One campaign, then two campaigning.\n",))
    body = as_council.get("/search?q=campaign").get_data(as_text=True)
    assert '<a href="/p/c"><mark>Campaigns</mark></a>' in body
    assert "One <mark>campaign</mark>, then two <mark>campaigning</mark>." in body


def test_snippets_and_titles_are_escaped(world, as_field):
    body = as_field.get("/search?q=script").get_data(as_text=True)
    assert "<script>alert" not in body
    # (PostgreSQL reads "</script>" as one word, "/script", so only the first is marked there.)
    assert "Slide 7: &lt;<mark>script</mark>&gt;alert(1)&lt;/" in body and "script&gt; generic" in body.replace(
        "script</mark>", "script"
    )


def test_title_match_is_highlighted(world, as_field):
    body = as_field.get("/search?q=DECK").get_data(as_text=True)
    assert '<a href="/p/customer-deck">Customer <mark>deck</mark></a>' in body


def test_a_snippet_of_a_long_text_is_cut_around_the_match(app, people, as_council):
    filler = " ".join(f"word{n}" for n in range(300))
    with app.app_context():
        make_page(people["council"], slug="long", title="Long", bodies=(f"{filler} needle {filler}\n",))
    body = as_council.get("/search?q=needle").get_data(as_text=True)
    excerpt = re.search(r'<p class="excerpt">(.*?)</p>', body, re.S).group(1)
    assert "<mark>needle</mark>" in excerpt and excerpt.startswith("…") and excerpt.endswith("…")
    assert len(re.sub(r"<[^>]+>", "", excerpt)) < 300


# What people type ----------------------------------------------------------------------------------------

HOSTILE = [
    '"',
    '"credit',
    'credit"',
    '""',
    '"" ""',
    "'",
    "*",
    "***",
    "**credit**",
    "-pricing",
    "+pricing",
    "^pricing",
    "pricing)",
    "(pricing",
    "NEAR",
    "NEAR(credit union)",
    "credit NEAR union",
    "NEAR/2",
    "AND",
    "OR",
    "NOT",
    "credit AND union",
    "credit OR nothing",
    "NOT pricing",
    "pricing NOT webinars",
    "title:pricing",
    "body:credit",
    "{title body}: pricing",
    "- title : pricing",
    "credit:* union",
    ":*",
    "&",
    "|",
    "!",
    "<->",
    "pricing & webinar",
    "pricing | webinar",
    "!pricing",
    "credit <-> union",
    "a:*",
    "'credit':*",
    "\\",
    '\\"',
    "%",
    "_",
    "?",
    "credit\u00a0union",
    "😀",
    "ünïcödé",
    "100%",
    "1.5",
    "e-mail",
    "priya@example.com",
    "http://example.com/a?b=c",
    "x" * 200,
]


@pytest.mark.parametrize("query", HOSTILE)
def test_no_query_makes_search_fail(world, as_lead, query):
    response = as_lead.get("/search", query_string={"q": query})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]


def test_query_syntax_is_read_as_words(world, as_lead):
    # FTS5's and tsquery's operators are words like any other; a column filter is two words.
    assert hits(as_lead.get("/search", query_string={"q": "NEAR(credit union)"})) == []
    assert hits(as_lead.get("/search", query_string={"q": '"credit union'})) == ["FY27 plan"]
    assert hits(as_lead.get("/search", query_string={"q": "**credit**"})) == ["FY27 plan"]
    assert hits(as_lead.get("/search", query_string={"q": "(pricing"})) != []
    assert hits(as_lead.get("/search", query_string={"q": "title:pricing"})) == []


def test_a_query_without_words_says_so(world, as_lead):
    for query in ("*", "%", '""', "- ( ) :"):
        body = as_lead.get("/search", query_string={"q": query}).get_data(as_text=True)
        assert "Search for words or numbers: this had none." in body
        assert "found" not in body


def test_empty_query_shows_just_the_form(world, as_field):
    for url in ("/search", "/search?q=", "/search?q=%20%20"):
        body = as_field.get(url).get_data(as_text=True)
        assert 'id="search-q"' in body
        assert "found" not in body and "<ol" not in body


def test_long_or_nul_queries_are_refused(world, as_field):
    long = as_field.get("/search?q=" + "a" * 201)
    assert long.status_code == 400 and "at most 200 characters" in long.get_data(as_text=True)
    assert as_field.get("/search?q=" + "a" * 200).status_code == 200
    nul = as_field.get("/search?q=a%00b")
    assert nul.status_code == 400 and "NUL characters" in nul.get_data(as_text=True)


def test_the_service_refuses_nul_characters_whoever_calls_it(world, app):
    from wiki.errors import BadInput
    from wiki.models import User
    from wiki.services.search import find_pages

    with app.app_context():
        with pytest.raises(BadInput, match="NUL characters"):
            find_pages(db.session.get(User, world["lead"].id), "credit\x00union")


def test_pages_found_come_twenty_at_a_time_with_previous_and_next(app, people, as_council):
    with app.app_context():
        for n in range(52):
            make_page(people["council"], slug=f"note-{n:02d}", title=f"Note {n:02d}", bodies=("Common word.\n",))
    first = as_council.get("/search?q=common")
    body = first.get_data(as_text=True)
    assert len(hits(first)) == 20 and "20+ pages found" in body
    assert '<a href="/search?q=common&amp;p=2" rel="next">Next</a>' in body and 'rel="prev"' not in body
    second = as_council.get("/search?q=common&p=2")
    body = second.get_data(as_text=True)
    assert len(hits(second)) == 20 and "Pages found, 21–40" in body and "(results page 2)" in body
    assert '<a href="/search?q=common" rel="prev">Previous</a>' in body and "p=3" in body
    last = as_council.get("/search?q=common&p=3")
    assert len(hits(last)) == 12 and 'rel="next"' not in last.get_data(as_text=True)
    # Each page found once, in one order across the three.
    assert sorted(hits(first) + hits(second) + hits(last)) == [f"Note {n:02d}" for n in range(52)]
    beyond = as_council.get("/search?q=common&p=4")
    assert beyond.status_code == 404 and "There is no page 4 of results" in beyond.get_data(as_text=True)
    assert as_council.get("/search?q=common&p=0").status_code == 400


def test_the_first_page_of_results_alone_lists_files_and_comments(app, people, as_council):
    with app.app_context():
        for n in range(21):
            make_page(people["council"], slug=f"note-{n:02d}", title=f"Note {n:02d}", bodies=("Zebracorn word.\n",))
        threads.start_thread(people["council"], pages.get_page("note-00"), 1, "A zebracorn remark.", None)
    assert "1 comment found" in as_council.get("/search?q=zebracorn").get_data(as_text=True)
    assert "comment found" not in as_council.get("/search?q=zebracorn&p=2").get_data(as_text=True)


def test_every_page_has_a_labelled_search_box_in_the_header(world, as_field):
    body = as_field.get("/").get_data(as_text=True)
    assert '<form role="search" method="get" action="/search"' in body
    assert '<label for="site-search"' in body and 'id="site-search" type="search" name="q"' in body


# The index follows every change --------------------------------------------------------------------------


def test_the_index_follows_each_save(world, app, as_council):
    save(app, world["council"], "webinar-series", "Quarterly sessions on discounts.\n")
    assert hits(as_council.get("/search?q=quarterly")) == ["Webinar series"]
    assert hits(as_council.get("/search?q=monthly")) == []


def test_the_field_finds_new_words_once_they_are_published(world, app, as_field, as_lead):
    save(app, world["council"], "customer-deck", "A zebracorn slide.\n")
    assert hits(as_field.get("/search?q=zebracorn")) == []
    assert hits(as_field.get("/search?q=generic")) == ["Customer deck"]
    with app.app_context():
        publish(world["lead"], pages.get_page("customer-deck"), 2)
    assert hits(as_field.get("/search?q=zebracorn")) == ["Customer deck"]
    assert hits(as_field.get("/search?q=generic")) == []
    assert hits(as_lead.get("/search?q=zebracorn")) == ["Customer deck"]


def test_a_retitle_is_found_by_staff_at_once_and_by_the_field_when_published(world, app, as_council, as_field):
    save(app, world["council"], "customer-deck", "Same text.\n", title="Client presentation")
    assert hits(as_council.get("/search?q=presentation")) == ["Client presentation"]
    assert hits(as_council.get("/search?q=deck")) == []
    assert hits(as_field.get("/search?q=presentation")) == []
    assert hits(as_field.get("/search?q=deck")) == ["Customer deck"]
    with app.app_context():
        publish(world["lead"], pages.get_page("customer-deck"), 2)
    assert hits(as_field.get("/search?q=presentation")) == ["Client presentation"]


def test_a_restored_version_is_searched_again(world, app, as_council):
    save(app, world["council"], "webinar-series", "Quarterly sessions.\n")
    with app.app_context():
        pages.restore(world["council"], pages.get_page("webinar-series"), 1)
    assert hits(as_council.get("/search?q=monthly")) == ["Webinar series"]
    assert hits(as_council.get("/search?q=quarterly")) == []


def test_comments_are_found_by_staff_and_follow_edits_and_deletions(world, app, as_council, as_field):
    council = world["council"]
    with app.app_context():
        page = pages.get_page("webinar-series")
        thread = threads.start_thread(council, page, 1, "Clients keep asking about ZEBRACORN pricing", None)
        first_id = thread.comments[0].id
    assert comment_hits(as_council.get("/search?q=zebracorn")) == [
        "Clients keep asking about <mark>ZEBRACORN</mark> pricing"
    ]
    with app.app_context():
        threads.reply(council, threads.get_thread(thread.id), "Second thought on discounts")
    body = as_council.get("/search?q=zebracorn").get_data(as_text=True)
    assert "1 comment found" in body and "No pages found" not in body
    assert comment_hits(as_council.get("/search?q=zebracorn")) == [
        "Clients keep asking about <mark>ZEBRACORN</mark> pricing"
    ]
    assert f'href="/p/webinar-series#comment-{first_id}">Cora Council on Webinar series</a>' in body
    assert comment_hits(as_council.get("/search?q=discount")) == ["Second thought on <mark>discounts</mark>"]
    # The field never finds a comment.
    field = as_field.get("/search?q=zebracorn").get_data(as_text=True)
    assert "ZEBRACORN" not in field and "comment" not in field.split('id="results-title"')[1]
    with app.app_context():
        comment = threads.get_comment(first_id)
        threads.edit_comment(council, comment, "Clients keep asking about unicorns")
    assert comment_hits(as_council.get("/search?q=zebracorn")) == []
    assert comment_hits(as_council.get("/search?q=unicorns")) == ["Clients keep asking about <mark>unicorns</mark>"]
    with app.app_context():
        threads.delete_comment(council, threads.get_comment(first_id))
    assert comment_hits(as_council.get("/search?q=unicorns")) == []


def test_every_kind_of_comment_is_found_by_staff_and_none_by_the_field(
    world, app, read_files_in_process, as_council, as_field
):
    from tests.factories import make_variant, open_round, round_comment, send_variant_back
    from wiki.services import file_threads, rounds

    lead, council, rep = world["lead"], world["council"], world["field"]
    with app.app_context():
        deck = pages.get_page("customer-deck")
        text = deck.head.body
        start = text.index("generic")
        threads.suggest(council, deck, 1, start, start + 7, "generic", "specific", note="Suggestion narwhal note")
        add_file(council, "customer-deck", "deck.pptx", make_deck([("One", "Slide text", "")]))
        attachment = files.get_attachment(council, deck, "deck.pptx")
        file_threads.start_thread(council, deck, attachment, 1, 1, "Slide okapi remark")
        opened = open_round(lead, deck)
        asked = round_comment(rep, opened, "Round quokka question").id
    assert len(comment_hits(as_council.get("/search?q=quokka"))) == 1
    with app.app_context():
        rounds.reply(council, threads.get_thread(asked), "Round axolotl answer")
        variant = make_variant(rep, pages.get_page("customer-deck"), "For a bank", "A pangolin rewrite.\n")
        send_variant_back(rep, variant, "Client liked the pangolin")
    for word in ("narwhal", "okapi", "quokka", "axolotl", "pangolin"):
        assert len(comment_hits(as_council.get(f"/search?q={word}"))) == 1, word
        assert 'id="comment-results-title"' not in as_field.get(f"/search?q={word}").get_data(as_text=True)
    body = as_council.get("/search?q=okapi").get_data(as_text=True)
    assert 'href="/p/customer-deck/files/deck.pptx/preview#comment-' in body


def test_the_index_can_be_rebuilt_from_the_command_line(world, app, as_council, as_field):
    with app.app_context():
        page = pages.get_page("webinar-series")
        threads.start_thread(world["council"], page, 1, "A comment about ZEBRACORN", None)
        db.session.execute(delete(SearchDoc))
        db.session.commit()
    assert hits(as_council.get("/search?q=pricing")) == []
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed 3 pages, 0 files and 1 comment." in result.output
    assert sorted(hits(as_council.get("/search?q=pricing"))) == ["Customer deck", "FY27 plan", "Webinar series"]
    assert hits(as_field.get("/search?q=pricing")) == ["Customer deck"]
    assert hits(as_field.get("/search?q=draft-only-wording")) == []
    assert comment_hits(as_council.get("/search?q=zebracorn")) == ["A comment about <mark>ZEBRACORN</mark>"]


def test_a_page_published_at_its_head_has_one_row_in_the_index(world, app):
    with app.app_context():
        counts = dict(
            db.session.execute(
                select(SearchDoc.page_id, func.count()).where(SearchDoc.source == "page").group_by(SearchDoc.page_id)
            ).all()
        )
        deck, plan = pages.get_page("customer-deck"), pages.get_page("fy27-plan")
    assert counts[deck.id] == 1  # published at its head: one row for staff and field
    assert counts[plan.id] == 2  # a draft on top of the published revision


# Cost --------------------------------------------------------------------------------------------------


def _statements(app, browser, user, n: int, shown: str) -> int:
    """Statements one search costs after adding `n` pages that match (published, with a comment and a file that
    match), the page of results saying it found `shown` of each."""
    with app.app_context():
        for index in range(n):
            slug = f"common-{n}-{index}"
            page = make_page(user["council"], slug=slug, title=f"Common {index}", bodies=(f"Common word {index}.\n",))
            publish(user["lead"], page, 1)
            # Each comment by someone else, so a lazy load of its author would cost a statement each.
            threads.start_thread(make_user(role="council"), page, 1, "A common remark", None)
            add_file(user["council"], slug, "common.pdf", make_pdf([f"Common page {index}"]))
    person = browser(user["council"])
    person.get("/search?q=warmup")
    with counted_queries(app) as seen:
        response = person.get("/search?q=common")
    body = response.get_data(as_text=True)
    for found in ("pages", "files", "comments"):
        assert f"{shown} {found} found" in body
    return len(seen)


def test_a_search_costs_the_same_statements_with_5_or_50_matching_pages(app, people, browser, read_files_in_process):
    few = _statements(app, browser, people, 5, shown="5")
    many = _statements(app, browser, people, 45, shown="20+")
    assert few == many


# Files ---------------------------------------------------------------------------------------------------


def file_hits(response) -> list[tuple[str, str]]:
    """(link, snippet) of each file found."""
    body = response.get_data(as_text=True)
    if 'id="file-results-title"' not in body:
        return []
    section = body[body.index('id="file-results-title"') :].split("</section>")[0]
    return [
        (link, excerpt)
        for link, excerpt in re.findall(
            r'<li>\s*<a href="([^"]+)">.*?(?:<p class="excerpt">(.*?)</p>|</li>)', section, re.S
        )
    ]


def test_the_index_follows_uploads_approvals_and_deletions(world, app, read_files_in_process, as_council, as_field):
    lead, council = world["lead"], world["council"]
    deck = "customer-presentation.pptx"
    with app.app_context():
        add_file(
            council, "customer-deck", deck, make_deck([("Why us", "Published words", ""), ("Prices", "Words", "")])
        )
    assert file_hits(as_council.get("/search?q=published")) == [
        (f"/p/customer-deck/files/{deck}/preview?v=1#slide-1", "<mark>Published</mark> words")
    ]
    assert file_hits(as_field.get("/search?q=published")) == []
    # A file is listed once, at its slide that matches best.
    assert len(file_hits(as_council.get("/search?q=words"))) == 1
    with app.app_context():
        approve_file(lead, "customer-deck", deck, 1)
    assert [link for link, _ in file_hits(as_field.get("/search?q=published"))] == [
        f"/p/customer-deck/files/{deck}/preview?v=1#slide-1"
    ]
    with app.app_context():
        add_file(council, "customer-deck", deck, make_deck([("Why us", "Zebracorn words", ""), ("Prices", "", "")]))
    # Staff search the newest version, the field the approved one.
    assert file_hits(as_council.get("/search?q=zebracorn")) == [
        (f"/p/customer-deck/files/{deck}/preview?v=2#slide-1", "<mark>Zebracorn</mark> words")
    ]
    assert file_hits(as_council.get("/search?q=published")) == []
    assert file_hits(as_field.get("/search?q=zebracorn")) == []
    assert file_hits(as_field.get("/search?q=published")) == [
        (f"/p/customer-deck/files/{deck}/preview?v=1#slide-1", "<mark>Published</mark> words")
    ]
    # A slide's title is found and marked; a file's name too, as its words.
    body = as_council.get("/search?q=prices").get_data(as_text=True)
    assert "Slide 2 · <mark>Prices</mark>" in body
    body = as_field.get("/search?q=presentation").get_data(as_text=True)
    assert "customer-<mark>presentation</mark>.pptx</a>" in body
    # A deleted file is gone from the index with it.
    with app.app_context():
        add_file(council, "customer-deck", "draft.pdf", make_pdf(["A pdf zebracorn page", "Second"]))
    assert len(file_hits(as_council.get("/search?q=zebracorn"))) == 2
    with app.app_context():
        page = pages.get_page("customer-deck")
        file_uploads.delete(council, page, files.get_attachment(council, page, "draft.pdf"))
    assert [link for link, _ in file_hits(as_council.get("/search?q=zebracorn"))] == [
        f"/p/customer-deck/files/{deck}/preview?v=2#slide-1"
    ]


def test_a_document_without_pages_is_found_in_the_stretch_that_has_the_words(
    world, app, read_files_in_process, as_council
):
    # Past the 100,000 characters one row of the index holds.
    paragraphs = [" ".join(f"filler{n}" for n in range(12_000)), "The zebracorn paragraph.", "More text."]
    with app.app_context():
        add_file(world["council"], "customer-deck", "brief.docx", make_docx(paragraphs))
    [(link, excerpt)] = file_hits(as_council.get("/search?q=zebracorn"))
    assert link == "/p/customer-deck/files/brief.docx/preview?v=1"
    assert "The <mark>zebracorn</mark> paragraph." in excerpt


def test_the_field_never_finds_files_on_a_page_it_cannot_read(world, app, read_files_in_process, as_field, as_lead):
    with app.app_context():
        add_file(world["council"], "webinar-series", "agenda.pdf", make_pdf(["Zebracorn agenda"]))
        approve_file(world["lead"], "webinar-series", "agenda.pdf", 1)
    assert file_hits(as_field.get("/search?q=zebracorn")) == []
    assert len(file_hits(as_lead.get("/search?q=zebracorn"))) == 1


# The migration fills the index from what is already there ----------------------------------------------


def test_the_migration_indexes_the_pages_and_comments_already_there(app, people):
    from alembic.script import ScriptDirectory
    from flask import current_app
    from flask_migrate import upgrade
    from sqlalchemy import insert, text

    from wiki import create_app
    from wiki.models import Comment, Page, Revision, Thread, User, utcnow
    from wiki.services.search import find_pages

    # An app of its own: what its engine learnt of the test's schema (which it drops) doesn't carry over.
    app = create_app(dict(app.config))
    with app.app_context():
        config = current_app.extensions["migrate"].migrate.get_config()
        mine = next(s for s in ScriptDirectory.from_config(config).walk_revisions() if s.doc.startswith("Full-text"))
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        else:
            db.drop_all()
        upgrade(revision=mine.down_revision)
        now = utcnow()
        with db.engine.begin() as connection:
            for user in people.values():
                connection.execute(
                    insert(User.__table__).values(
                        id=user.id,
                        email=user.email,
                        name=user.name,
                        role=user.role.value,
                        password_hash="x",
                        active=True,
                        session_version=1,
                        summary_emails=True,
                        created_at=now,
                    )
                )
            connection.execute(
                insert(Page.__table__).values(
                    id=1,
                    slug="plan",
                    created_by_id=people["council"].id,
                    created_at=now,
                    head_number=2,
                    discussion_version=0,
                )
            )
            for number, body in ((1, "Published **zebracorn** words."), (2, "Draft unicorn words.")):
                connection.execute(
                    insert(Revision.__table__).values(
                        id=number,
                        page_id=1,
                        number=number,
                        title=f"Plan {number}",
                        kind="plan",
                        body=body,
                        size=len(body),
                        size_change=0,
                        summary="",
                        author_id=people["council"].id,
                        created_at=now,
                        origin="edit",
                    )
                )
            connection.execute(text("UPDATE pages SET head_revision_id = 2, published_revision_id = 1"))
            connection.execute(
                insert(Thread.__table__).values(
                    id=1,
                    page_id=1,
                    kind="comment",
                    state="open",
                    author_id=people["council"].id,
                    created_at=now,
                    origin_number=2,
                    anchor_state="page",
                    exact="",
                    prefix="",
                    suffix="",
                    original_exact="",
                    decision_reason="",
                )
            )
            connection.execute(
                insert(Comment.__table__).values(
                    id=1, thread_id=1, author_id=people["council"].id, body="A narwhal remark", created_at=now
                )
            )
        upgrade(revision="heads")
        council, field = (db.session.get(User, people[role].id) for role in ("council", "field"))
        assert [hit.page.slug for hit in find_pages(field, "zebracorn").hits] == ["plan"]
        assert find_pages(field, "unicorn").hits == []
        assert [hit.page.slug for hit in find_pages(council, "unicorn").hits] == ["plan"]
        assert [hit.excerpt.text for hit in find_pages(field, "zebracorn").hits] == ["Published zebracorn words."]
        assert [hit.comment.id for hit in find_pages(council, "narwhal").comments] == [1]
        assert find_pages(field, "narwhal").comments == []
        db.session.remove()
        db.engine.dispose()
