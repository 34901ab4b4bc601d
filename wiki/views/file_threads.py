"""Comments on a file's slides and pages (issue 11). Replies, resolving and edits go through the text's thread
views (wiki/views/threads.py), which hand file threads back here to answer."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from wiki.errors import BadInput
from wiki.models import AnchorState
from wiki.services import file_threads, files, pages
from wiki.views import int_arg
from wiki.web import is_fragment_request

bp = Blueprint("file_threads", __name__)


def _to_thread(page, attachment, thread):
    return redirect(
        url_for("files.preview", slug=page.slug, name=attachment.name, _anchor=f"thread-{thread.id}"), code=303
    )


def _posted(thread, number: int, unit: int | None, unit_word: str) -> str:
    """Say where the comment went when that isn't where the reader wrote it: its slide moved, or is gone."""
    if thread.anchor_state == AnchorState.ORPHANED:
        return (
            f"Your comment is posted. {unit_word.capitalize()} {unit} of version {number} isn't in the newest "
            "version, so the comment is listed with the orphaned ones."
        )
    if unit is not None and thread.anchored_number != number:
        return (
            f"Your comment is posted on {unit_word} {thread.unit} of version {thread.anchored_number}, "
            f"where {unit_word} {unit} of version {number} is now."
        )
    return "Your comment is posted."


@bp.post("/p/<slug>/files/<name>/threads")
@login_required
def start(slug: str, name: str):
    page = pages.readable_page(current_user, slug)
    attachment = files.get_attachment(current_user, page, name)
    number = int_arg("v", source=request.form)
    if number is None:
        raise BadInput("Say which version of the file you're commenting on.")
    unit = int_arg("unit", source=request.form)
    thread = file_threads.start_thread(current_user, page, attachment, number, unit, request.form.get("body", ""))
    flash(_posted(thread, number, unit, files.kind_of(attachment.head).unit or "page"), "success")
    return _to_thread(page, attachment, thread)


@bp.get("/file-threads/<int:thread_id>")
@login_required
def show(thread_id: int):
    """Where an inbox notice about a thread on a file leads: the file's preview, at the thread."""
    thread, attachment = file_threads.get_file_thread(current_user, thread_id)
    return _to_thread(thread.page, attachment, thread)


def after_action(thread, message: str):
    """The answer to a reply, resolve or edit in a thread on a file: the thread again for htmx, which swaps it in
    place on the file's preview; the preview, at the thread, for a plain form."""
    thread, attachment = file_threads.get_file_thread(current_user, thread.id)
    if is_fragment_request():
        return render_template(
            "partials/thread.html",
            thread=thread,
            page=thread.page,
            attachment=attachment,
            marks={},
            can_discuss=True,
            can_decide=False,
        )
    flash(message, "success")
    return _to_thread(thread.page, attachment, thread)
