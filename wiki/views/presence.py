"""Who is editing (issue 15, part 4): the editor's heartbeat and its goodbye, and the line the page view polls.

The page view is kept (wiki/views/page_cache.py), so this line never goes into it: the page carries an empty
status element that asks for it, on load and then at every beat."""

from __future__ import annotations

from flask import Blueprint, make_response, render_template
from flask_login import current_user, login_required

from wiki.models import utcnow
from wiki.services import presence
from wiki.services.permissions import can_see_who_is_editing

bp = Blueprint("presence", __name__, url_prefix="/p")


@bp.app_context_processor
def capabilities() -> dict:
    # Asked by the page view and the editor before they carry the status line at all.
    return {"sees_who_is_editing": lambda: can_see_who_is_editing(current_user)}


@bp.get("/<slug>/editing")
@login_required
def editing(slug: str):
    return _status_line(presence.editing(current_user, slug))


@bp.post("/<slug>/editing")
@login_required
def beat(slug: str):
    return _status_line(presence.beat(current_user, slug), editing_here=True)


@bp.post("/<slug>/editing/leave")
@login_required
def leave(slug: str):
    """Sent with navigator.sendBeacon as the editor's page goes; nobody reads the answer."""
    presence.leave(current_user, slug)
    return "", 204


def _status_line(editors: list[presence.Editor], editing_here: bool = False):
    response = make_response(
        render_template("partials/presence.html", editors=editors, editing_here=editing_here, today=utcnow().date())
    )
    # Who is editing is true for a moment only: a browser must ask again, never reuse an answer.
    response.cache_control.no_store = True
    return response
