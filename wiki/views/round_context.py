"""What the page view needs of comment rounds: the banner for everyone, and for the field the round's threads."""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from wiki.models import Page, User, utcnow
from wiki.services import rounds
from wiki.services.permissions import can_comment_in_round, can_discuss, can_manage_rounds
from wiki.text.selection import plain


def field_margin_context(user: User, page: Page, revision, listed=None, now=None) -> dict:
    """The field's margin: the round's threads only, each passage as quoted from the published text."""
    now = now or utcnow()
    listed = rounds.page_rounds(page) if listed is None else listed
    current = next((found for found in listed if found.is_open(now)), None)
    threads = rounds.round_threads(user, page)
    quotes = {thread.id: rounds.field_quote(thread) for thread in threads}
    return {
        "page": page,
        "revision": revision,
        "comment_round": current,
        "round_threads": threads,
        "round_quotes": quotes,
        "marks": {thread_id: plain(quote) for thread_id, quote in quotes.items() if quote},
        "round_can_comment": current is not None and can_comment_in_round(user, current, now),
        "now": now,
    }


def round_context(user: User, page: Page, context: dict) -> dict:
    now = utcnow()
    listed = rounds.page_rounds(page) if page.published_revision_id is not None else []
    current = next((found for found in listed if found.is_open(now)), None)
    result = {
        "comment_round": current,
        "past_rounds": [found for found in listed if found is not current] if can_manage_rounds(user) else [],
        "can_manage_rounds": can_manage_rounds(user),
        "round_can_comment": False,
    }
    if can_discuss(user) or not listed or not context["is_published"]:
        return result
    margin = field_margin_context(user, page, context["revision"], listed, now)
    result["round_can_comment"] = margin["round_can_comment"]
    if margin["round_threads"] or margin["round_can_comment"]:
        result["margin"] = Markup(render_template("rounds/_margin.html", **margin))
    return result
