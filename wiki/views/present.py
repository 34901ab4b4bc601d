"""Present mode (issue 15, part 1): a page as slides (/p/<slug>/present), the speaker view that goes with it, and
the leads' form for who presents each section (/p/<slug>/presenters)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from wiki.errors import BadInput
from wiki.services import pages, presenting
from wiki.services.permissions import can_assign_presenters, can_present, can_read_drafts
from wiki.views import whole_number
from wiki.web import CONTENT_SECURITY_POLICY

bp = Blueprint("present", __name__, url_prefix="/p")

# The speaker view shows the current and the next slide in frames of the deck itself, so the deck may be framed
# by the wiki's own pages (and only by them).
DECK_POLICY = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors 'self'")
_FIELD_PREFIX = "presenter:"


@bp.app_context_processor
def present_capabilities() -> dict:
    return {"can_present": lambda page: can_present(current_user, page)}


def _wants_draft() -> bool:
    raw = request.args.get("draft")
    if raw not in (None, "", "0", "1"):
        raise BadInput("“draft” is 1 to preview the draft, or 0 for the published version.")
    return raw == "1"


@bp.get("/<slug>/present")
@login_required
def deck(slug: str):
    shown = presenting.deck(current_user, slug, draft=_wants_draft())
    html = render_template(
        "present/deck.html",
        deck=shown,
        may_preview=can_read_drafts(current_user),
        may_assign=can_assign_presenters(current_user),
    )
    return html, 200, {"Content-Security-Policy": DECK_POLICY, "X-Frame-Options": "SAMEORIGIN"}


@bp.get("/<slug>/present/speaker")
@login_required
def speaker(slug: str):
    """reveal.js's speaker view, as a page of its own: the notes plugin would write it into a blank window, where
    our Content-Security-Policy refuses its inline script (static/present.js opens this instead)."""
    page = pages.readable_page(current_user, slug)
    return render_template("present/speaker.html", page=page)


def _plan_page(slug: str, status: int = 200, chosen: dict[str, int | None] | None = None, error: str = ""):
    page = pages.readable_page(current_user, slug)
    plan = presenting.presenters_plan(current_user, page)
    picked = {row.key: row.presenter_id for row in plan.rows} | (chosen or {})
    return render_template("present/presenters.html", plan=plan, picked=picked, error=error), status


@bp.get("/<slug>/presenters")
@login_required
def presenters(slug: str):
    return _plan_page(slug)


def _chosen() -> dict[str, int | None]:
    chosen: dict[str, int | None] = {}
    for name, raw in request.form.items():
        if not name.startswith(_FIELD_PREFIX):
            continue
        number = whole_number(raw)
        if raw and number is None:
            raise BadInput("Pick a presenter from the list.", field="presenter")
        chosen[name.removeprefix(_FIELD_PREFIX)] = number
    return chosen


@bp.post("/<slug>/presenters")
@login_required
def save_presenters(slug: str):
    page = pages.readable_page(current_user, slug)
    chosen = _chosen()
    try:
        changed = presenting.set_presenters(current_user, page, chosen)
    except BadInput as error:
        # The form again, as the lead left it, with what is wrong.
        return _plan_page(slug, 400, chosen, error.message)
    flash("Presenters saved." if changed else "No changes: the presenters are as they were.", "success")
    return redirect(url_for("present.presenters", slug=slug), code=303)
