"""Comments, suggested edits and the inbox. Every action answers htmx with the fragment that changed
and plain forms with a redirect back to the page."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from wiki.errors import BadInput
from wiki.forms import ActionForm
from wiki.services import inbox, pages, threads
from wiki.services.permissions import can_discuss
from wiki.services.threads import Selection
from wiki.text.selection import locate_selection
from wiki.views import file_threads, int_arg, whole_number
from wiki.views.page_context import discussion_context, page_view_context
from wiki.views.rounds import field_margin
from wiki.web import is_fragment_request

bp = Blueprint("threads", __name__)


def _form_int(name: str, *, allow_zero: bool = False) -> int:
    number = whole_number(request.form.get(name))
    if number is None or (number == 0 and not allow_zero):
        raise BadInput(f"“{name}” must be a whole number.")
    return number


def _back_to(page, thread_id: int | None = None, rev: int | None = None):
    anchor = f"thread-{thread_id}" if thread_id else None
    return redirect(url_for("pages.view", slug=page.slug, rev=rev, _anchor=anchor), code=303)


def _margin(page, rev: int | None = None):
    """The margin of threads, re-rendered after a change (htmx swaps it in place)."""
    context = discussion_context(current_user, page, rev)
    return render_template("partials/threads.html", **context)


def _thread_fragment(thread):
    context = discussion_context(current_user, thread.page, None)
    return render_template("partials/thread.html", thread=thread, **context)


@bp.post("/p/<slug>/threads")
@login_required
def start(slug: str):
    page = pages.readable_page(current_user, slug)
    number = _form_int("rev")
    quote = request.form.get("quote", "")
    selection = (
        Selection(quote=quote, line=int_arg("line", 1, source=request.form) - 1, prefix=request.form.get("prefix", ""))
        if quote.strip()
        else None
    )
    thread = threads.start_thread(current_user, page, number, request.form.get("body", ""), selection)
    if is_fragment_request():
        return _margin(page, number if number != page.head_number else None)
    flash("Your comment is posted.", "success")
    return _back_to(page, thread.id, number if number != page.head_number else None)


@bp.get("/p/<slug>/suggest")
@login_required
def suggest_form(slug: str):
    """The suggestion box for a selection: the Markdown source of the passage, ready to rewrite."""
    page = pages.readable_page(current_user, slug)
    number = int_arg("rev", page.head_number)
    revision = threads.revision_to_suggest_on(current_user, page, number)
    span = locate_selection(
        revision.body, request.args.get("quote", ""), int_arg("line", 1) - 1, request.args.get("prefix", "")
    )
    if span is None:
        raise BadInput("The selected text couldn't be found in the page's source; select a little less and try again.")
    start, end = span
    template = "partials/suggest_form.html" if is_fragment_request() else "pages/suggest.html"
    return render_template(
        template,
        page=page,
        revision=revision,
        start=start,
        end=end,
        exact=revision.body[start:end],
        form=ActionForm(),
    )


@bp.post("/p/<slug>/suggest/preview")
@login_required
def suggest_preview(slug: str):
    pages.readable_page(current_user, slug)
    chunks = threads.preview_suggestion(
        current_user, request.form.get("exact", ""), request.form.get("replacement", "")
    )
    return render_template("partials/suggest_preview.html", chunks=chunks)


@bp.post("/p/<slug>/suggestions")
@login_required
def suggest(slug: str):
    page = pages.readable_page(current_user, slug)
    thread = threads.suggest(
        current_user,
        page,
        _form_int("rev"),
        _form_int("start", allow_zero=True),
        _form_int("end"),
        request.form.get("exact", "").replace("\r\n", "\n"),
        request.form.get("replacement", ""),
        request.form.get("note", ""),
    )
    if is_fragment_request():
        return _margin(page)
    flash("Your suggestion is posted; the page owner or a lead will accept or reject it.", "success")
    return _back_to(page, thread.id)


def _after_thread_action(thread, message: str):
    if thread.attachment_id is not None:
        # A thread on a file's slide lives on the file's preview (issue 11).
        return file_threads.after_action(thread, message)
    if is_fragment_request():
        # The field changes its own words in a comment round only: its margin is the round's, which quotes the
        # published text, never the head's (a draft's) as the staff fragment does.
        if not can_discuss(current_user):
            return field_margin(thread.page)
        return _thread_fragment(threads.get_thread(thread.id))
    flash(message, "success")
    return _back_to(thread.page, thread.id)


@bp.post("/threads/<int:thread_id>/replies")
@login_required
def reply(thread_id: int):
    thread = threads.get_thread(thread_id)
    threads.reply(current_user, thread, request.form.get("body", ""))
    return _after_thread_action(thread, "Your reply is posted.")


@bp.post("/threads/<int:thread_id>/resolve")
@login_required
def resolve(thread_id: int):
    thread = threads.set_resolved(current_user, threads.get_thread(thread_id), True)
    return _after_thread_action(thread, "Thread resolved.")


@bp.post("/threads/<int:thread_id>/reopen")
@login_required
def reopen(thread_id: int):
    thread = threads.set_resolved(current_user, threads.get_thread(thread_id), False)
    return _after_thread_action(thread, "Thread reopened.")


@bp.post("/threads/<int:thread_id>/accept")
@login_required
def accept(thread_id: int):
    thread = threads.get_thread(thread_id)
    revision = threads.accept(current_user, thread)
    page = pages.readable_page(current_user, thread.page.slug)
    if is_fragment_request():
        return render_template("pages/_main.html", **page_view_context(current_user, page, None))
    flash(f"Suggestion accepted: saved as revision {revision.number}, credited to {thread.author.name}.", "success")
    return _back_to(page, thread.id)


@bp.post("/threads/<int:thread_id>/reject")
@login_required
def reject(thread_id: int):
    thread = threads.reject(current_user, threads.get_thread(thread_id), request.form.get("reason", ""))
    return _after_thread_action(thread, "Suggestion rejected.")


@bp.post("/threads/<int:thread_id>/refresh")
@login_required
def refresh(thread_id: int):
    thread = threads.refresh(current_user, threads.get_thread(thread_id), request.form.get("replacement", ""))
    return _after_thread_action(thread, "Suggestion refreshed against the current text.")


@bp.post("/comments/<int:comment_id>/edit")
@login_required
def edit_comment(comment_id: int):
    comment = threads.edit_comment(current_user, threads.get_comment(comment_id), request.form.get("body", ""))
    return _after_thread_action(comment.thread, "Comment updated.")


@bp.post("/comments/<int:comment_id>/delete")
@login_required
def delete_comment(comment_id: int):
    comment = threads.delete_comment(current_user, threads.get_comment(comment_id))
    return _after_thread_action(comment.thread, "Comment deleted.")


@bp.get("/people/mentions")
@login_required
def mentions():
    people = threads.mention_candidates(current_user, request.args.get("q", ""))
    return jsonify([{"handle": p.email.split("@", 1)[0], "name": p.name, "region": p.region or ""} for p in people])


@bp.get("/inbox")
@login_required
def inbox_page():
    return render_template("inbox.html", items=inbox.items(current_user), form=ActionForm())


@bp.post("/inbox/read")
@login_required
def mark_read():
    # No id means "mark all as read"; a malformed one is refused rather than taken for that.
    inbox.mark_read(current_user, int_arg("id", source=request.form))
    if is_fragment_request():
        return render_template("partials/inbox_list.html", items=inbox.items(current_user), form=ActionForm())
    return redirect(url_for("threads.inbox_page"), code=303)
