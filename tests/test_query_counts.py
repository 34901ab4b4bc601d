"""Issue 14, item 2: a page that lists things runs as many SQL statements for a wiki with 50 of everything as for
one with 5.

Both wikis are built once per run by tests/query_worlds.py (the many is the few with 45 more units of rows on
top) and copied for each test. Each page is read twice in each: first with every per-process cache empty (what
the first reader after a restart costs), then again (what a repeat view costs); both counts must not change
with the size of the wiki. A count that grows means a query per row: a failure lists the statements that ran
more often in the bigger wiki, which is where to look."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import func, select

from tests import query_worlds
from tests.conftest import PEOPLE
from tests.queries import counted_queries
from tests.worlds import Snapshot
from wiki.cache import clear_every_cache
from wiki.extensions import db
from wiki.models import (
    CommentRound,
    ContentRequest,
    CouncilMember,
    Page,
    Summary,
    SummaryState,
    Tactic,
    User,
    Variant,
    utcnow,
)
from wiki.views import page_cache

# The wikis carry files, whose text is read in the test's own process rather than a sandbox per upload.
pytestmark = pytest.mark.usefixtures("read_files_in_process")


def _signed_in_people() -> dict[str, User]:
    return {
        role: db.session.execute(select(User).where(User.email == f"{role}@example.com")).scalar_one()
        for role in ("lead", "council", "field")
    }


def _build_few() -> None:
    people = _signed_in_people()
    query_worlds.start(people["lead"], people["council"], people["field"])
    query_worlds.grow(people["lead"], people["council"], people["field"], query_worlds.FEW)


def _build_many() -> None:
    people = _signed_in_people()
    query_worlds.grow(people["lead"], people["council"], people["field"], query_worlds.MANY)


FEW: Snapshot = ("query-counts-few", _build_few)
MANY: Snapshot = ("query-counts-many", _build_many)


def _address(template: str) -> str:
    """The page's address, with the ids of the rows it is about: the same rows in both wikis, except the summary
    draft, which is the newest (the one composed after everything else)."""
    ids = {
        "tactic": select(Tactic.id).where(Tactic.name == query_worlds.HUB_TACTIC),
        "request": select(ContentRequest.id).where(ContentRequest.title == query_worlds.HUB_REQUEST),
        "version": select(Variant.id).where(Variant.name == query_worlds.HUB_VERSION),
        "seat": select(CouncilMember.id)
        .join(User, User.id == CouncilMember.user_id)
        .where(User.email == "council@example.com"),
        "round": select(CommentRound.id)
        .join(Page, Page.id == CommentRound.page_id)
        .where(Page.slug == query_worlds.BUSY),
        "draft": select(func.max(Summary.id)).where(Summary.state == SummaryState.DRAFT),
    }
    wanted = set(re.findall(r"\{(\w+)\}", template))
    return template.format(**{name: db.session.execute(ids[name]).scalar_one() for name in wanted})


BUSY, VERSIONED = query_worlds.BUSY, query_worlds.VERSIONED
# (who reads it, its address, what the bigger wiki's page shows that the smaller one's doesn't: proof that the page
# lists the rows the count is about)
PAGES = [
    pytest.param("lead", "/", "Plan 49", id="lead-home"),
    pytest.param("council", "/", "Council tactic 49", id="council-home"),
    pytest.param("field", "/", "Plan 49", id="field-home"),
    # Fifty of the bigger wiki's pages wait, more than the queue shows at a time.
    pytest.param("lead", "/review", 'rel="next"', id="review-queue"),
    pytest.param("lead", "/pages?kind=plan", "Plan 49", id="lead-page-index"),
    pytest.param("field", "/pages?kind=plan", "Plan 49", id="field-page-index"),
    pytest.param("lead", "/inbox", "unit 49", id="lead-inbox"),
    pytest.param("council", "/inbox", "unit 49", id="council-inbox"),
    pytest.param("field", "/inbox", "Client 49", id="field-inbox"),
    pytest.param("lead", "/changes", "Busy 49", id="lead-changes"),
    pytest.param("field", "/changes", "Plan 49", id="field-changes"),
    pytest.param("lead", "/feed.atom", "Plan 49", id="feed"),
    pytest.param("lead", f"/p/{BUSY}", "busy 49", id="lead-page-view"),
    pytest.param("council", f"/p/{BUSY}", "busy 49", id="council-page-view"),
    pytest.param("field", f"/p/{BUSY}", "Rep 49 on the busy plan", id="field-page-view"),
    pytest.param("lead", f"/p/{BUSY}/history", "Busy 49", id="lead-history"),
    pytest.param("council", f"/p/{BUSY}/history", "Busy 49", id="council-history"),
    pytest.param("lead", f"/review/{BUSY}", "Author 49", id="page-review"),
    pytest.param("lead", f"/p/{BUSY}/files", "picture-49.png", id="lead-files"),
    pytest.param("field", f"/p/{BUSY}/files", "picture-49.png", id="field-files"),
    pytest.param("lead", "/council", "Author 49", id="lead-council"),
    pytest.param("council", "/council", "Author 49", id="council-council"),
    pytest.param("lead", "/tactics/{tactic}", "Reviewed in unit 49", id="tactic"),
    pytest.param("lead", "/tactics/{tactic}/edit", "Deck 49", id="tactic-form"),
    pytest.param("lead", "/council/members/{seat}/remove", "Council tactic 49", id="seat-removal"),
    pytest.param("lead", "/summaries", "Summary 49", id="lead-summaries"),
    pytest.param("field", "/summaries", "Summary 49", id="field-summaries"),
    pytest.param("lead", "/summaries/{draft}/edit", "Plan 49", id="summary-draft"),
    pytest.param("lead", "/summaries/{draft}/preview", "Plan 49", id="summary-preview"),
    pytest.param("lead", "/requests", "Request 49", id="lead-requests"),
    pytest.param("field", "/requests", "Request 49", id="field-requests"),
    pytest.param("field", "/requests/{request}", "Unit 49 needs it", id="request"),
    pytest.param("lead", f"/p/{VERSIONED}/variants", "Client 49", id="lead-versions"),
    pytest.param("field", f"/p/{VERSIONED}/variants", "Client 49", id="field-versions"),
    pytest.param("field", f"/p/{VERSIONED}/variants/{{version}}", "Unit 49", id="own-version"),
    pytest.param("lead", "/rounds/{round}", "Rep 49 on the busy plan", id="round-report"),
    pytest.param("lead", "/admin/users", "Rep 49", id="users"),
]


def _read(app, reader, template: str) -> tuple[str, list[str], list[str]]:
    """The page's text, and the statements of a first view (caches empty) and of a repeat view."""
    with app.app_context():
        url = _address(template)
    clear_every_cache()
    with counted_queries(app) as first:
        response = reader.get(url)
    assert response.status_code == 200, (url, response.status_code)
    with counted_queries(app) as repeat:
        assert reader.get(url).status_code == 200
    return response.get_data(as_text=True), first, repeat


def _grown(few: list[str], many: list[str]) -> str:
    """The statements that ran more often with more rows, with how many times in each wiki."""
    few_counts, many_counts = Counter(few), Counter(many)
    return "\n".join(
        f"{few_counts[statement]} → {count}: {' '.join(statement.split())[:300]}"
        for statement, count in many_counts.items()
        if count > few_counts[statement]
    )


@pytest.mark.parametrize(("role", "template", "shows"), PAGES)
def test_a_page_runs_as_many_statements_with_fifty_of_everything_as_with_five(
    app, people, worlds, browser, role, template, shows, monkeypatch
):
    # A kept page is kept for a period (a minute for the home page): the repeat view must fall in the first's.
    frozen = utcnow()
    monkeypatch.setattr(page_cache, "utcnow", lambda: frozen)
    reader = browser(people[role])
    worlds.restore(app, *FEW, base=PEOPLE)
    few_html, few_first, few_repeat = _read(app, reader, template)
    worlds.restore(app, *MANY, base=FEW)
    many_html, many_first, many_repeat = _read(app, reader, template)
    assert shows in many_html and shows not in few_html
    assert len(many_first) == len(few_first), _grown(few_first, many_first)
    assert len(many_repeat) == len(few_repeat), _grown(few_repeat, many_repeat)
