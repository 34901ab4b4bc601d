"""What the page view (and the fragments htmx swaps inside it) needs, prepared in one place."""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from dataclasses import dataclass

from flask import current_app, render_template, session
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from wiki.models import AnchorState, Page, PageKind, Thread, ThreadKind, User
from wiki.services import feedback, files, pages, review, tactics, threads
from wiki.services.permissions import can_decide_suggestion, can_discuss, can_give_feedback, is_staff
from wiki.services.rendering import margins, rendered
from wiki.text.selection import plain
from wiki.views.round_context import round_context
from wiki.views.shares import share_context


@dataclass(frozen=True)
class Mark:
    """Where the browser should highlight a thread's passage in the rendered page."""

    line: int | None  # 1-based source line of the passage's block; None to search the whole page
    quote: str
    replacement: str | None


def _line_starts(text: str) -> list[int]:
    starts = [0]
    at = text.find("\n")
    while at != -1:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def marks_for(page: Page, shown_number: int, anchored: list[Thread]) -> dict[int, Mark]:
    if not anchored:
        return {}
    on_head = shown_number == page.head_number
    starts = _line_starts(page.head.body) if on_head else []
    marks = {}
    for thread in anchored:
        line = bisect_right(starts, thread.start) if on_head and thread.start is not None else None
        replacement = (
            plain(thread.replacement)
            if thread.kind == ThreadKind.SUGGESTION and thread.anchor_state == AnchorState.ANCHORED
            else None
        )
        marks[thread.id] = Mark(line=line, quote=plain(thread.exact), replacement=replacement)
    return marks


def discussion_context(user: User, page: Page, number: int | None) -> dict:
    """The page with its threads loaded: what the margin fragments that htmx swaps need."""
    context = _page_context(user, page, number)
    if context["can_discuss"]:
        listed = threads.page_threads(user, page)
        context["threads"] = listed
        context["marks"] = marks_for(page, context["revision"].number, listed.anchored)
    return context


def page_view_context(user: User, page: Page, number: int | None) -> dict:
    """The whole page. Its margin of threads is the costly part (200 threads take ~100 ms to render), so
    it is rendered once per state of the discussion and reader, and kept."""
    context = _page_context(user, page, number)
    if context["can_discuss"]:
        key = (
            page.id,
            page.discussion_version,
            page.head_revision_id,
            context["revision"].number,
            user.id,
            context["can_decide"],
            _csrf_session_key(),
        )
        context["margin"] = margins.get_or_make(
            key, lambda: Markup(render_template("partials/threads.html", **discussion_context(user, page, number)))
        )
    context.update(_feedback_context(user, page))
    # The field's voice (issue 10, parts 3 and 4): comment rounds, and shares with clients.
    context.update(round_context(user, page, context))
    context.update(share_context(user, page))
    context.update(_files_context(user, page, context["revision"].kind))
    return context


def _files_context(user: User, page: Page, kind: PageKind) -> dict:
    """The files this reader may download, under the text (issue 11): always on a collateral, which is mostly its
    files; on other pages once they have one. None when the page shows no Files section."""
    rows = files.list_files(user, page)
    return {
        "page_files": rows if rows or kind == PageKind.COLLATERAL else None,
        "file_can": files.capabilities(user),
    }


def _feedback_context(user: User, page: Page) -> dict:
    """Council and leads read the field's answers under the page; a rep gets the form, with their own answer."""
    return {
        "page_feedback": feedback.feedback_for_page(user, page) if is_staff(user) else None,
        "own_feedback": feedback.own_answer(user, page) if can_give_feedback(user) else None,
    }


def _csrf_session_key() -> str:
    """The forms in the margin carry this session's CSRF token, so a cached margin is this session's only."""
    generate_csrf()
    raw = session[current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")]
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _page_context(user: User, page: Page, number: int | None) -> dict:
    revision = pages.visible_revision(user, page, number)
    discuss = can_discuss(user)
    return {
        "page": page,
        "revision": revision,
        "rendered": rendered(revision),
        "is_head": revision.id == page.head_revision_id,
        "is_published": revision.id == page.published_revision_id,
        "status": review.status(page),
        "threads": None,
        "margin": None,
        "marks": {},
        "can_discuss": discuss,
        "can_decide": discuss and can_decide_suggestion(user, page, tactics.page_owners(page)),
    }
