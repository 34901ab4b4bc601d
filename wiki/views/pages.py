"""Reading, editing, history, diffs, restoring and publishing a page."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from wiki.errors import BadInput, NotFound
from wiki.forms import ActionForm, EditForm
from wiki.services import diffs, pages, rendering, review
from wiki.services.pages import EditConflict, EditSubmission
from wiki.services.permissions import can_edit
from wiki.text.diff import fold, word_diff
from wiki.views import int_arg, page_cache, whole_number
from wiki.views.page_context import page_view_context
from wiki.web import page_or_fragment

bp = Blueprint("pages", __name__, url_prefix="/p")


def _missing_page(slug: str):
    """A page that doesn't exist: staff are offered to create it, everyone else gets a plain 404."""
    pages.check_slug(slug)
    if can_edit(current_user):
        return render_template("pages/missing.html", slug=slug), 404
    raise NotFound(f"There is no page called “{slug}”.")


@bp.get("/<slug>")
@login_required
def view(slug: str):
    number = int_arg("rev")

    def context():
        page = pages.find_page(slug)
        return _missing_page(slug) if page is None else page_view_context(current_user, page, number)

    return page_cache.kept_page("pages/view.html", (slug, number), context)


@bp.get("/<slug>/raw")
@login_required
def raw(slug: str):
    page = pages.readable_page(current_user, slug)
    revision = pages.visible_revision(current_user, page, int_arg("rev"))
    return Response(revision.body, mimetype="text/plain")


def _submission(slug: str, form: EditForm) -> EditSubmission:
    base = form.base_revision.data or "0"
    return EditSubmission(
        slug=slug,
        body=form.body.data or "",
        summary=form.summary.data or "",
        base_number=-1 if (number := whole_number(base)) is None else number,
        title=form.title.data or "",
        kind=form.kind.data or "",
    )


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    pages.check_slug(slug)
    form = EditForm()
    if request.method == "POST":
        return _save(slug, form)
    page, head, draft = pages.open_editor(current_user, slug)
    if draft is not None:
        form.body.data, form.summary.data = draft.body, draft.summary
        form.title.data = draft.title or (head.title if head else pages.default_title(slug))
        form.kind.data = draft.kind or (head.kind.value if head else "note")
        form.base_revision.data = str(draft.base_number)
    else:
        form.body.data = head.body if head else ""
        form.title.data = head.title if head else pages.default_title(slug)
        form.kind.data = head.kind.value if head else ("plan" if "plan" in slug else "note")
        form.base_revision.data = str(page.head_number if page else 0)
    return render_template("pages/edit.html", page=page, slug=slug, form=form, draft=draft, head=head)


def _save(slug: str, form: EditForm):
    submission = _submission(slug, form)
    try:
        result = pages.save_revision(current_user, submission)
    except EditConflict as conflict:
        return _conflict(slug, form, conflict)
    if result.unchanged:
        flash("No changes to save: the text is the same as the current version.", "info")
    elif result.merged:
        others = ", ".join(sorted({r.author.name for r in result.merged_over}))
        flash(
            f"Saved as revision {result.revision.number}. Others ({others}) saved while you were editing; "
            "your changes touched different lines and were merged with theirs.",
            "success",
        )
    else:
        flash(f"Saved as revision {result.revision.number}.", "success")
    return redirect(url_for("pages.view", slug=slug), code=303)


def _conflict(slug: str, form: EditForm, conflict: EditConflict):
    head = conflict.head
    form.base_revision.data = str(head.number)
    chunks = word_diff(head.body, conflict.mine)
    return render_template(
        "pages/conflict.html",
        slug=slug,
        page=conflict.page,
        form=form,
        head=head,
        message=conflict.message,
        chunks=fold(chunks),
    ), 409


@bp.post("/<slug>/preview")
@login_required
def preview(slug: str):
    """Live preview while typing; the text is also kept as the user's draft so a closed tab loses nothing."""
    pages.check_slug(slug)
    form = EditForm()
    submission = _submission(slug, form)
    pages.autosave_draft(current_user, submission)
    return page_or_fragment(
        "pages/preview.html", "partials/preview.html", rendered=rendering.preview(pages.normalise_body(submission.body))
    )


@bp.post("/<slug>/draft/discard")
@login_required
def discard_draft(slug: str):
    pages.check_slug(slug)
    pages.discard_draft(current_user, slug)
    flash("Your unsaved draft was discarded.", "info")
    return redirect(url_for("pages.edit", slug=slug), code=303)


@bp.get("/<slug>/history")
@login_required
def history(slug: str):
    def context() -> dict:
        page = pages.readable_page(current_user, slug)
        page_no = int_arg("page", 1)
        rows, page_count = pages.history(current_user, page, page_no, current_app.config["HISTORY_PAGE_SIZE"])
        return {
            "page": page,
            "rows": rows,
            "page_no": page_no,
            "page_count": page_count,
            "decisions": review.decisions_for(current_user, page),
        }

    return page_cache.kept_page("pages/history.html", (request.path, request.query_string), context)


@bp.get("/<slug>/diff")
@login_required
def diff(slug: str):
    def context() -> dict:
        page = pages.readable_page(current_user, slug)
        to_number = int_arg("to", page.head_number)
        from_number = int_arg("from", max(1, to_number - 1))
        old, new = pages.compare(current_user, page, from_number, to_number)
        view = request.args.get("view", "inline")
        found = {"page": page, "old": old, "new": new, "view": view}
        if view == "side":
            found["rows"] = diffs.side(old, new)
        else:
            found["chunks"], found["stats"] = diffs.inline(old, new)
        return found

    return page_cache.kept_page("pages/diff.html", (request.path, request.query_string), context)


def revision_action(slug: str, verb: str) -> tuple:
    """The page, the revision number and the note a restore, approve or request-changes form posted."""
    page = pages.readable_page(current_user, slug)
    number = int_arg("rev", source=request.form)
    if number is None:
        raise BadInput(f"Say which revision to {verb}.")
    return page, number, ActionForm().note.data or ""


@bp.post("/<slug>/restore")
@login_required
def restore(slug: str):
    page, number, note = revision_action(slug, "restore")
    revision = pages.restore(current_user, page, number, note)
    flash(f"Revision {number} is back, saved as revision {revision.number}.", "success")
    return redirect(url_for("pages.view", slug=slug), code=303)
