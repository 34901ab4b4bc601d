"""Finding pages by words in their title or text: the draft head for council and leads, the published
version for the field (who never find a page that hasn't been published)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import undefer

from wiki.errors import BadInput, require
from wiki.extensions import db
from wiki.models import Page, Revision, User
from wiki.services.pages import shown_id
from wiki.services.permissions import can_follow_published
from wiki.text.plaintext import Highlighted, highlight, snippet

MAX_QUERY = 200
MAX_RESULTS = 50


@dataclass(frozen=True)
class Hit:
    page: Page
    revision: Revision  # the one this reader sees
    title: Highlighted
    excerpt: Highlighted


@dataclass(frozen=True)
class Results:
    query: str
    hits: list[Hit]
    more: bool


def _like_pattern(query: str) -> str:
    """A LIKE pattern matching the query literally: its own % and _ are not wildcards."""
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def find_pages(user: User, query: str) -> Results:
    require(can_follow_published(user), "Sign in to search the wiki.")
    if len(query) > MAX_QUERY:
        raise BadInput(f"Search for at most {MAX_QUERY} characters; that was {len(query)}.")
    if "\x00" in query:
        raise BadInput("The search contained NUL characters; remove them and search again.")
    query = query.strip()
    if not query:
        return Results(query="", hits=[], more=False)
    pattern = _like_pattern(query)
    # Title and text of the revision this reader sees: a word only in a draft's title finds nothing for the field.
    in_title = Revision.title.ilike(pattern, escape="\\")
    rows = db.session.execute(
        select(Page, Revision)
        .join(Revision, Revision.id == shown_id(user))
        .options(undefer(Revision.body))
        .where(in_title | Revision.body.ilike(pattern, escape="\\"))
        .order_by(case((in_title, 0), else_=1), func.lower(Revision.title))
        .limit(MAX_RESULTS + 1)
    ).all()
    hits = [
        Hit(page=page, revision=revision, title=highlight(revision.title, query), excerpt=snippet(revision.body, query))
        for page, revision in rows[:MAX_RESULTS]
    ]
    return Results(query=query, hits=hits, more=len(rows) > MAX_RESULTS)
