"""Comment rounds: leads open and close them and read their report; everyone comments while one is open."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from wiki.errors import BadInput
from wiki.models import utcnow
from wiki.services import pages, rounds, threads
from wiki.services.permissions import can_discuss
from wiki.services.threads import Selection
from wiki.views import int_arg, whole_number
from wiki.views.round_context import field_margin_context
from wiki.web import is_fragment_request

bp = Blueprint("rounds", __name__)


@bp.post("/p/<slug>/rounds")
@login_required
def open_round(slug: str):
    page = pages.readable_page(current_user, slug)
    opened = rounds.open_round(current_user, page, request.form.get("closes_on"), request.form.get("prompt"))
    flash(f"The page is open to the field's comments until {opened.closes_on:%d %b %Y}.", "success")
    return redirect(url_for("pages.view", slug=page.slug), code=303)


@bp.post("/rounds/<int:round_id>/close")
@login_required
def close(round_id: int):
    closed = rounds.close_round(current_user, rounds.get_round(current_user, round_id))
    flash("The round is closed: the field's threads stay on the page to read.", "success")
    return redirect(url_for("pages.view", slug=closed.page.slug), code=303)


@bp.get("/rounds/<int:round_id>")
@login_required
def report(round_id: int):
    found = rounds.report(current_user, rounds.get_round(current_user, round_id))
    return render_template("rounds/report.html", report=found, now=utcnow())


def field_margin(page):
    """The field's margin of the round after a change, as htmx swaps it in place of the old one."""
    margin = field_margin_context(current_user, page, page.published)
    return render_template("rounds/_margin.html", **margin)


@bp.post("/rounds/<int:round_id>/threads")
@login_required
def start(round_id: int):
    found = rounds.get_round(current_user, round_id)
    number = whole_number(request.form.get("rev"))
    if number is None or number == 0:
        raise BadInput("“rev” must be a whole number.")
    quote = request.form.get("quote", "")
    selection = (
        Selection(quote=quote, line=int_arg("line", 1, source=request.form) - 1, prefix=request.form.get("prefix", ""))
        if quote.strip()
        else None
    )
    thread = rounds.start_comment(current_user, found, number, request.form.get("body", ""), selection)
    if is_fragment_request():
        return field_margin(found.page)
    flash("Your comment is posted; marketing and the page's owner will read it.", "success")
    return redirect(url_for("pages.view", slug=found.page.slug, _anchor=f"thread-{thread.id}"), code=303)


@bp.post("/round-threads/<int:thread_id>/replies")
@login_required
def reply(thread_id: int):
    thread = threads.get_thread(thread_id)
    rounds.reply(current_user, thread, request.form.get("body", ""))
    if is_fragment_request() and not can_discuss(current_user):
        return field_margin(thread.page)
    flash("Your reply is posted.", "success")
    return redirect(url_for("pages.view", slug=thread.page.slug, _anchor=f"thread-{thread_id}"), code=303)
