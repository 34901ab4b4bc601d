"""The page view, made once per state of the wiki and reader and kept, so a repeat view renders only what is
personal: the header with its unread count, and this session's CSRF token in the forms.

The key is the wiki's generation (wiki/generation.py), which every committed write that can change a page moves
on, with the reader and the day (a comment round closes at the end of one). Nothing that changes what a page
shows can leave the old view in use: a new revision, a decision, a comment, a retitle, a role, a tactic's owner
all write, and every write moves the generation. Browsers revalidate with the ETag and get 304 Not Modified.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import Response, current_app, g, make_response, request, session
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from wiki.cache import LRUCache
from wiki.models import User, utcnow

# Input can't hold a NUL (the input guard refuses it), so no page text can be mistaken for the placeholder.
_CSRF = "\x00csrf\x00"


@dataclass(frozen=True)
class PageView:
    title: str
    main: str  # the page's HTML with a placeholder for the CSRF token
    key: tuple

    def html(self) -> Markup:
        return Markup(self.main.replace(_CSRF, generate_csrf()))


# A page's view is some 20–60 KB of HTML; this many is a few tens of megabytes at most.
_views: LRUCache[PageView] = LRUCache(capacity=512)


def key(user: User, slug: str, number: int | None) -> tuple:
    return (g.generation, slug, number, user.id, utcnow().date())


def find(view_key: tuple) -> PageView | None:
    return _views.get(view_key)


def keep(view_key: tuple, title: str, main: str) -> PageView:
    view = PageView(title=title, main=main.replace(generate_csrf(), _CSRF), key=view_key)
    return _views.get_or_make(view_key, lambda: view)


def etag(view: PageView, unread: int) -> str:
    """What the whole response depends on: the view, the header's unread count, and the session (its CSRF
    token is in the forms)."""
    raw = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), "")
    return hashlib.sha256(repr((view.key, unread, raw)).encode()).hexdigest()[:32]


def respond(view: PageView, render) -> Response:
    """The page, or 304 Not Modified when the browser has it already. A pending flash message is shown, never
    skipped."""
    tag = etag(view, g.unread_at_start)
    fresh = "_flashes" not in session and request.if_none_match.contains_weak(tag)
    response = Response(status=304) if fresh else make_response(render())
    response.set_etag(tag, weak=True)
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response
