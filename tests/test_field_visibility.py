"""The field reads what the leads published and nothing else, on every page the app serves.

The walk goes over the app's own url_map, so a GET route added later is covered without touching this file;
only a route with a parameter nobody has given an example for fails, asking for one in EXAMPLES.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

from sqlalchemy import select

from tests.factories import make_page, make_share, make_user, open_round, publish, round_comment
from tests.files.makers import make_deck, make_pdf
from tests.files.seed import add_file, approve_file
from tests.tokens import without_tokens
from wiki.db import write_transaction
from wiki.extensions import db
from wiki.models import CouncilMember, Summary, Tactic, User, utcnow
from wiki.services import changes as changes_service
from wiki.services import content_requests, pages, review, subscriptions, summaries, summary_content, threads, variants
from wiki.services.changes import ChangeKind
from wiki.services.pages import EditSubmission

MARKER = "SECRET-DRAFT-MARKER"
DRAFT_SUMMARY = "secret summary"
# Revision 2 retitles the plan: the title is part of the revision, so it is as secret as its text.
DRAFT_TITLE = "SECRET-DRAFT-TITLE"
# Files (issue 11): what only a draft version of a file holds, and the names of files the field can't download.
FILE_SECRETS = ("SECRET-DRAFT-SLIDE", "SECRET-DRAFT-NOTES", "SECRET-FILE-NOTE")
HIDDEN_FILES = ("secret-draft-file.pdf", "hidden-page-file.pdf")
SECRETS = (MARKER, DRAFT_SUMMARY, DRAFT_TITLE, "SECRET-REVIEW-NOTE", "SECRET-COMMENT", *FILE_SECRETS)
# Query strings tried on every route, so `?rev=`, diffs and searches are probed wherever they might be read.
# The lead-scoring page of the comment round (issue 10, part 3).
SCORING_PUBLISHED = "# Scoring\n\nLeads above 60 points go to the sales team within two days of scoring.\n"
QUERIES = (
    "",
    "?rev=1",
    "?rev=2",
    "?rev=3",
    "?from=1&to=2",
    "?from=1&to=3&view=side",
    "?q=SECRET",
    "?page=2",
    "?v=1",
    "?v=2",
)


def build_world(app, people) -> dict:
    lead, council = people["lead"], people["council"]
    with app.app_context():
        drafter = make_user(role="council", name="Dana Drafter")
        plan = make_page(council, title="FY27 plan", bodies=("# Plan\n\nPublished words.\n",))
        publish(lead, plan, 1)
        for number in (2, 3):
            pages.save_revision(
                drafter,
                EditSubmission(
                    slug="fy27-plan",
                    body=f"# Plan\n\nPublished words. {MARKER} {number}\n",
                    summary=f"{DRAFT_SUMMARY} {number}",
                    base_number=number - 1,
                    title=f"{DRAFT_TITLE} {number}",
                    kind="collateral",
                ),
            )
        review.request_changes(lead, pages.get_page("fy27-plan"), 3, "SECRET-REVIEW-NOTE: tighten it")
        thread = threads.start_thread(council, pages.get_page("fy27-plan"), 3, "SECRET-COMMENT on the draft", None)
        hidden = make_page(drafter, slug="unpublished-page", title="Unpublished page", bodies=(f"{MARKER} here\n",))
        with write_transaction() as session:
            seat = CouncilMember(
                user_id=council.id, represents="EMEA", term_start=date(2026, 1, 1), added_by_id=lead.id
            )
            tactic = Tactic(plan_id=plan.id, name="Webinars", owner_id=council.id)
            tactic.pages = [session.get(type(plan), plan.id), session.get(type(hidden), hidden.id)]
            session.add_all([seat, tactic])
        draft = summaries.create_draft(lead, utcnow() - timedelta(days=14), utcnow())
        summaries.update_draft(lead, draft, "Draft summary", f"{MARKER} in a draft intro", set(), ["field"])
        sent = summaries.create_draft(lead, utcnow() - timedelta(days=14), utcnow())
        everything = set(summary_content.gather(sent.period_start, sent.period_end).keys())
        summaries.update_draft(lead, sent, "Sent summary", "Published news", everything, ["field"])
        summaries.start_sending(lead, sent)
        # Content requests (issue 10, part 2): answered by a draft revision, and by a page never published.
        field_rep = people["field"]
        asked = [
            content_requests.create_request(field_rep, content_requests.RequestFields(title=f"Request {n}")).id
            for n in range(3)
        ]
        for request_id, slug, number in ((asked[0], "fy27-plan", 3), (asked[1], "unpublished-page", 1)):
            content_requests.accept(lead, request_id, tactic.id, None)
            content_requests.finish(council, request_id, slug, number, "Built it")
        content_requests.accept(lead, asked[2], tactic.id, drafter.id)
        # Reps' own versions (issue 10, part 1): the rep's, edited twice and sent back (its passage is rewritten
        # in the draft), and a council member's the rep may not see.
        own = variants.make_variant(people["field"], plan, "Regional bank")
        for words in ("Published words, for banks.", "Published words, for banks in Lyon."):
            variants.save(people["field"], own, f"# Plan\n\n{words}\n", "", own.head_number)
        keys = [hunk.key for hunk in variants.my_changes(own)]
        variants.send_back(people["field"], own, keys, "They liked it", "/p/fy27-plan/variants/1")
        staff_version = variants.make_variant(council, plan, "Council version")
        round_world = _comment_round_world(lead, council, drafter, people["field"])
        file_world = _files_world(lead, council, drafter)
        return {
            "drafter": drafter,
            "examples": {
                "slug": ["fy27-plan", "unpublished-page", "scoring"],
                "user_id": [people["field"].id, council.id, drafter.id],
                "thread_id": [thread.id],
                "comment_id": [thread.comments[0].id],
                "member_id": [seat.id],
                "tactic_id": [tactic.id],
                "summary_id": [draft.id, sent.id],
                "token": [subscriptions.unsubscribe_token(people["field"].id)],
                "variant_id": [own.id, staff_version.id],
                "request_id": asked,
                **round_world,
                **file_world,
            },
        }


def _comment_round_world(lead, council, drafter, rep) -> dict:
    """Comment rounds and shares (issue 10, parts 3 and 4): an open round whose field thread's passage was then
    rewritten in a draft (so the thread's head text is secret), a council reply in it, and a share."""
    scoring = make_page(lead, slug="scoring", title="Scoring", kind="collateral", bodies=(SCORING_PUBLISHED,))
    publish(lead, scoring, 1)
    opened = open_round(lead, scoring)
    thread = round_comment(rep, opened, "Too high for my banks", quote="Leads above 60 points go to the sales team")
    threads.reply(council, threads.get_thread(thread.id), "We hear you")
    pages.save_revision(
        drafter,
        EditSubmission(
            slug="scoring",
            body=SCORING_PUBLISHED.replace("the sales team", f"the {MARKER} team"),
            summary=f"{DRAFT_SUMMARY} scoring",
            base_number=1,
            title="Scoring",
            kind="collateral",
        ),
    )
    db.session.expire_all()
    assert MARKER in threads.get_thread(thread.id).exact, "the round's thread must follow the draft's text"
    make_share(rep, pages.get_page("fy27-plan"), "bank", "They liked it")
    return {"round_id": [opened.id]}


def _files_world(lead, council, drafter) -> dict:
    """Files on pages (issue 11): on the published plan, a deck whose approved version 1 is the council's and
    whose version 2 (the drafter's) is a draft with a secret title slide, notes and note, and a PDF no lead has
    approved; on the unpublished page, a PDF a lead approved (its page still hides it)."""
    slides = [("Why us", "Published slide words", "Published speaker notes"), ("Pricing", "Three tiers", "")]
    add_file(council, "fy27-plan", "customer-deck.pptx", make_deck(slides))
    approve_file(lead, "fy27-plan", "customer-deck.pptx", 1)
    draft_slides = [("SECRET-DRAFT-SLIDE", f"Draft words {MARKER}", "SECRET-DRAFT-NOTES"), *slides]
    add_file(drafter, "fy27-plan", "customer-deck.pptx", make_deck(draft_slides), note="SECRET-FILE-NOTE")
    add_file(council, "fy27-plan", "secret-draft-file.pdf", make_pdf([f"{MARKER} page one", "Page two"]))
    add_file(drafter, "unpublished-page", "hidden-page-file.pdf", make_pdf([f"{MARKER} on a hidden page"]))
    approve_file(lead, "unpublished-page", "hidden-page-file.pdf", 1)
    return {"name": ["customer-deck.pptx", *HIDDEN_FILES], "position": [1, 2]}


def fill(rule, examples: dict) -> list[str]:
    """Every URL for the rule with each combination of example values."""
    names = sorted(rule.arguments)
    missing = [name for name in names if name not in examples]
    assert not missing, (
        f"The route {rule.rule} ({rule.endpoint}) takes {', '.join(missing)}; add example values for it to "
        "the examples in tests/test_field_visibility.py so the field-visibility walk covers it."
    )
    urls = []
    for values in itertools.product(*(examples[name] for name in names)):
        path = rule.rule
        for name, value in zip(names, values, strict=True):
            path = re.sub(rf"<(?:[^<>:]+:)?{name}>", str(value), path)
        urls.append(path)
    return urls


def visible_text(html: str) -> str:
    # Attribute values (CSRF tokens, ids) are not what a reader sees and could contain "r2" by chance.
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_field_user_never_sees_an_unapproved_revision_anywhere(app, people, browser):
    world = build_world(app, people)
    field = browser(people["field"])
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "GET" not in rule.methods:
            continue
        urls += [url + query for url in fill(rule, world["examples"]) for query in QUERIES]

    with app.app_context():
        people_ids = list(db.session.execute(select(User.id)).scalars())
    filters = [f"page={slug}" for slug in world["examples"]["slug"]]
    filters += [f"person={user_id}" for user_id in people_ids]
    filters += [f"kind={kind.value}" for kind in ChangeKind]
    filters += ["page=fy27-plan&kind=review", f"page=fy27-plan&person={world['drafter'].id}", "p=2"]
    changes = ["/changes?" + query for query in filters]
    # Searches for parts of the secrets (a search page repeats its query, so never the whole of one), and for
    # words of the comments, which the field's search never reads (not even the round's, which it can see there).
    searches = [
        f"/search?q={q}"
        for q in ("SECRET", "secret", "summary", "Unpublished", "draft-marker", "here", "DRAFT-SLIDE", "hidden")
    ]
    searches += [f"/search?q={q}" for q in ("comment", "draft", "banks", "hear", "secr*", "%22draft%20marker%22")]
    # The page filter's suggestions name pages by the title the reader sees.
    searches += [f"/pages/names?page={q}" for q in ("SECRET", "secret", "draft", "title", "unpublished", "plan", "-")]
    with app.app_context():
        feed_token = changes_service.feed_token(db.session.get(User, people["field"].id))
    explicit = [
        "/feed.atom",
        f"/feed.atom?token={feed_token}",
        "/p/unpublished-page/raw",
        "/p/unpublished-page/history",
        "/review/unpublished-page",
        "/p/fy27-plan/raw?rev=2",
        "/p/fy27-plan/diff?from=1&to=2",
        "/p/fy27-plan/history",
        "/pages?kind=plan",
        "/pages?kind=note",
        *changes,
        *searches,
    ]
    about_changes = set(explicit)

    for url in urls + explicit:
        response = field.get(url)
        # A download is bytes; a secret in it would still be readable text.
        body = response.get_data().decode(errors="replace")
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        assert "-v2." not in response.headers.get("Content-Disposition", ""), f"{url} downloads a draft version"
        if "Unpublished" not in url:
            # Not even an error page names a page the field can't read.
            assert "Unpublished page" not in visible_text(body), f"{url} names a page that was never published"
        for secret in SECRETS:
            assert secret not in body, f"{url} shows {secret!r} to the field"
            assert secret not in response.headers.get("Location", ""), f"{url} redirects with {secret!r}"
        # A file the field can't download answers exactly as a missing one, which repeats the name it was asked.
        for name in HIDDEN_FILES:
            if name not in url:
                assert name not in body, f"{url} names {name}, which the field can't download"
                continue
            missing = field.get(url.replace(name, "no-such-file.pdf")).get_data(as_text=True)
            assert response.status_code == 404, f"{url} answered {response.status_code}"
            assert without_tokens(body.replace(name, "no-such-file.pdf")) == without_tokens(missing), (
                f"{url} answers differently from a missing file"
            )
        if re.search(r"/files/customer-deck\.pptx(/preview|/pictures/\d)?\?v=2$", url):
            assert response.status_code == 404, f"{url} gives the field the deck's draft version"
        # Error messages echo the number that was asked for; only pages that answered are checked for numbers.
        if url.startswith("/search"):
            assert 'id="comment-results-title"' not in body, f"{url} shows the field comments"
        if (
            response.status_code == 200
            and response.mimetype == "text/html"
            and (url in about_changes or url.startswith("/p/"))
        ):
            text = visible_text(body)
            assert "Dana Drafter" not in text, f"{url} names the author of unpublished revisions"
            assert "Unpublished page" not in text, f"{url} shows a page that was never published"
            assert not re.search(r"\b(?:r|[Rr]evision )[23]\b", text), f"{url} mentions an unpublished revision"
            assert not re.search(r"\b(?:v|[Vv]ersion )2\b", text), f"{url} mentions the deck's draft version"


def test_the_summary_email_names_pages_by_their_published_title(app, people):
    build_world(app, people)
    with app.app_context():
        sent = db.session.execute(select(Summary).where(Summary.subject == "Sent summary")).scalar_one()
        assert "FY27 plan" in sent.text_body
        for secret in SECRETS:
            assert secret not in sent.text_body and secret not in sent.html_body


def test_a_draft_retitle_and_kind_change_stay_with_staff(app, people, browser):
    build_world(app, people)
    field, council = browser(people["field"]), browser(people["council"])
    home = field.get("/").get_data(as_text=True)
    plans = home[home.index('id="kind-plan"') : home.index('id="kind-collateral"')]
    assert "FY27 plan" in plans, "the field still finds the plan under Plans, its published kind"
    page = field.get("/p/fy27-plan").get_data(as_text=True)
    assert "<title>FY27 plan" in page and "<h1>FY27 plan</h1>" in page
    assert "Nothing published contains" in field.get("/search?q=DRAFT-TITLE").get_data(as_text=True)
    staff_page = council.get("/p/fy27-plan").get_data(as_text=True)
    assert f"<h1>{DRAFT_TITLE} 3</h1>" in staff_page
    staff_home = council.get("/").get_data(as_text=True)
    collateral = staff_home[staff_home.index('id="kind-collateral"') : staff_home.index('id="kind-note"')]
    assert DRAFT_TITLE in collateral


# Every route that names a page, as a field rep might try it; {slug} is a page they can't read, or none at all.
PAGE_ROUTES = [
    ("GET", "/p/{slug}"),
    ("GET", "/p/{slug}?rev=1"),
    ("GET", "/p/{slug}/raw"),
    ("GET", "/p/{slug}/history"),
    ("GET", "/p/{slug}/diff?from=1&to=2"),
    ("GET", "/p/{slug}/edit"),
    ("GET", "/p/{slug}/suggest?rev=1&line=1&quote=Secret"),
    ("GET", "/review/{slug}"),
    ("GET", "/changes?page={slug}"),
    ("POST", "/p/{slug}/preview"),
    ("POST", "/p/{slug}/edit"),
    ("POST", "/p/{slug}/threads"),
    ("POST", "/p/{slug}/suggestions"),
    ("POST", "/p/{slug}/suggest/preview"),
    ("POST", "/p/{slug}/feedback"),
    ("POST", "/p/{slug}/publish"),
    ("POST", "/p/{slug}/request-changes"),
    ("POST", "/p/{slug}/restore"),
    ("POST", "/p/{slug}/draft/discard"),
    ("GET", "/p/{slug}/variants"),
    ("POST", "/p/{slug}/shares"),
    ("POST", "/p/{slug}/rounds"),
    ("POST", "/p/{slug}/variants"),
    # Files on pages (issue 11).
    ("GET", "/p/{slug}/files"),
    ("GET", "/p/{slug}/files/deck.pptx?v=1"),
    ("GET", "/p/{slug}/files/deck.pptx/preview"),
    ("POST", "/p/{slug}/files"),
    ("POST", "/p/{slug}/files/deck.pptx/approve"),
]
FORM = {"body": "Words", "rev": "1", "would_share": "yes", "note": "n", "base_revision": "1", "quote": "Secret"}


def test_a_page_the_field_cannot_read_answers_exactly_like_a_missing_one(app, people, browser):
    with app.app_context():
        make_page(people["council"], slug="pricing-floor", title="Secret pricing floor", bodies=("Secret\n", "More\n"))
    field = browser(people["field"])
    for method, route in PAGE_ROUTES:
        answers = []
        for slug in ("pricing-floor", "no-such-page"):
            url = route.format(slug=slug)
            response = field.get(url) if method == "GET" else field.post(url, FORM)
            body = without_tokens(response.get_data(as_text=True).replace(slug, "SLUG"))
            answers.append((response.status_code, body))
        (hidden_status, hidden_body), (missing_status, missing_body) = answers
        assert hidden_status == missing_status, f"{method} {route}: {hidden_status} if a draft, {missing_status} if not"
        assert "Secret pricing floor" not in hidden_body, f"{method} {route} names the draft's title"
        assert hidden_body == missing_body, f"{method} {route} answers differently for a draft and a missing page"
