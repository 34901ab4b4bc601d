"""The leads' review queue, a page's review (its text and its files), and their decisions on revisions."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from wiki.services import pages, review, review_queue
from wiki.views import int_arg
from wiki.views.pages import revision_action

bp = Blueprint("review", __name__)


@bp.get("/review")
@login_required
def queue():
    return render_template(
        "review/queue.html", queue=review_queue.queue(current_user, int_arg("p", 1), review_queue.PER_PAGE)
    )


@bp.get("/review/<slug>")
@login_required
def page(slug: str):
    found = review_queue.page_review(current_user, pages.readable_page(current_user, slug))
    return render_template("review/page.html", view=found.text, files=found.files)


@bp.post("/p/<slug>/publish")
@login_required
def approve(slug: str):
    page, number, note = revision_action(slug, "approve")
    revision = review.approve(current_user, page, number, note)
    title = pages.name_for_staff(page)
    flash(f"Revision {revision.number} of “{title}” is published: the field now reads it.", "success")
    return redirect(url_for("pages.view", slug=slug), code=303)


@bp.post("/p/<slug>/request-changes")
@login_required
def request_changes(slug: str):
    page, number, note = revision_action(slug, "send back")
    review.request_changes(current_user, page, number, note)
    flash(f"Changes requested on “{pages.name_for_staff(page)}”; its authors have it in their inbox.", "success")
    return redirect(url_for("review.queue"), code=303)
