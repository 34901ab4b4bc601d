"""Pages made once per state of the wiki and reader and kept, so a repeat view renders only what is personal:
the header with its unread count, and this session's CSRF token in the forms.

The key is the wiki's generation (wiki/generation.py), which every committed write that can change a page moves
on, with the page asked for, the reader and the day (a comment round closes at the end of one; the home page,
which counts the last 30 days, is kept for a minute at most). Nothing that changes what a page shows can leave
the old one in use: a new revision, a decision, a comment, a retitle, a role, a tactic's owner all write, and
every write moves the generation. Browsers revalidate with the ETag and get 304 Not Modified.

A kept page is its template's title, description, head and content blocks; templates/kept.html puts them in the layout.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

from flask import Response, current_app, g, make_response, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from wiki.cache import LRUCache
from wiki.models import utcnow

# Input can't hold a NUL (the input guard refuses it), so no page text can be mistaken for the placeholder.
_CSRF = "\x00csrf\x00"


@dataclass(frozen=True)
class PageView:
    blocks: dict[str, str]  # the template's blocks, with a placeholder for the CSRF token
    key: tuple

    def html(self) -> dict[str, Markup]:
        token = generate_csrf()
        return {name: Markup(html.replace(_CSRF, token)) for name, html in self.blocks.items()}


# A page's view is some 20–60 KB of HTML; this many is a few tens of megabytes at most.
_views: LRUCache[PageView] = LRUCache(capacity=512)


_BLOCKS = ("title", "description", "head", "content")


def kept_page(
    template: str,
    asked: tuple,
    context_of: Callable[[], dict | ResponseReturnValue],
    fresh_for: timedelta = timedelta(days=1),
) -> Response:
    """The page `template` makes from `context_of()` for this request, kept by what it depends on. `asked` names
    the page (route and query arguments); `context_of` may answer instead, for a page that doesn't exist.
    `fresh_for` is how long the page may be kept when nothing is written: a day (UTC) for pages whose only clock
    is the date, less for a page that counts "the last 30 days"."""
    period = int(utcnow().timestamp() // fresh_for.total_seconds())
    view_key = (g.generation, template, asked, current_user.id, period)
    made = _views.get(view_key)
    if made is None:
        context = context_of()
        if not isinstance(context, dict):
            return make_response(context)
        made = _views.get_or_make(view_key, lambda: _made(template, context, view_key))
    return respond(made, lambda: render_template("kept.html", **made.html()))


def _made(template: str, context: dict, view_key: tuple) -> PageView:
    current_app.update_template_context(context)
    source = current_app.jinja_env.get_template(template)
    token = generate_csrf()
    blocks = {}
    for name in _BLOCKS:
        if name in source.blocks:
            html = "".join(source.blocks[name](source.new_context(context)))
            blocks[name] = html.replace(token, _CSRF)
    return PageView(blocks=blocks, key=view_key)


@cache
def _build(templates: str, static: str) -> str:
    """The templates and static files this process serves, as one hash: a page kept by a browser before a
    deploy changed them is not its page any more, though nothing was written. The same in every worker."""
    digest = hashlib.sha256()
    for folder in (templates, static):
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def etag(view: PageView, unread: int) -> str:
    """What the whole response depends on: the view, the header's unread count, the session (its CSRF token
    is in the forms), and the build of templates and static files that made it."""
    raw = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), "")
    build = _build(str(Path(current_app.root_path, current_app.template_folder)), current_app.static_folder)
    return hashlib.sha256(repr((view.key, unread, raw, build)).encode()).hexdigest()[:32]


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
