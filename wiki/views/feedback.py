"""Field feedback on a published page, or on the approved version of one of its files: the rep's "would you
share this with a client?" form."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from wiki.services import feedback, files, pages
from wiki.services.file_mentions import Mention
from wiki.views import int_arg
from wiki.views.file_voice import file_voice_context
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
            thanks=THANKS,
        )
    flash(THANKS, "success")
    return redirect(url_for("pages.view", slug=page.slug, _anchor="field-feedback"), code=303)


@bp.post("/p/<slug>/files/<name>/feedback")
@login_required
def give_on_file(slug: str, name: str):
    page = pages.readable_page(current_user, slug)
    would_share = ANSWERS.get(request.form.get("would_share", ""))
    mention = Mention(name, int_arg("v", source=request.form), int_arg("unit", source=request.form))
    feedback.give_feedback(current_user, page, would_share, request.form.get("note", ""), mention)
    if is_fragment_request():
        attachment = files.get_attachment(current_user, page, name)
        version = files.get_version(current_user, page, attachment)
        return render_template(
            "partials/feedback_form.html",
            page=page,
            thanks=THANKS,
            **file_voice_context(current_user, page, attachment, version),
        )
    flash(THANKS, "success")
    return redirect(url_for("files.preview", slug=page.slug, name=name, _anchor="field-feedback"), code=303)
