"""Field feedback on a published page: the rep's "would you share this with a client?" form."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from wiki.forms import ActionForm
from wiki.services import feedback, pages
from wiki.web import is_fragment_request

bp = Blueprint("feedback", __name__)

THANKS = "Thanks — marketing and the tactic owner will read it."
# Anything else is no answer, which the service refuses after its permission checks.
ANSWERS = {"yes": True, "no": False}


@bp.post("/p/<slug>/feedback")
@login_required
def give(slug: str):
    page = pages.readable_page(current_user, slug)
    would_share = ANSWERS.get(request.form.get("would_share", ""))
    feedback.give_feedback(current_user, page, would_share, request.form.get("note", ""))
    if is_fragment_request():
        return render_template(
            "partials/feedback_form.html",
            page=page,
            own_feedback=feedback.own_answer(current_user, page),
            action_form=ActionForm(),
            thanks=THANKS,
        )
    flash(THANKS, "success")
    return redirect(url_for("pages.view", slug=page.slug, _anchor="field-feedback"), code=303)
