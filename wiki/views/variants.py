"""Reps' own versions of a published page: the list, each version with its diffs and its old revisions,
editing, bringing in a newer published revision, sharing with colleagues, sending changes back, renaming and
deleting (issue 10, part 1)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from wiki.services import pages, rendering, variant_admin, variant_history, variants
from wiki.services.permissions import can_change_variant, can_make_variant
from wiki.services.variants import UpdateConflict, VariantConflict
from wiki.text.diff import fold, stats, word_diff
from wiki.text.render import render
from wiki.views import int_arg, whole_number
from wiki.web import is_fragment_request, page_or_fragment

bp = Blueprint("variants", __name__, url_prefix="/p/<slug>/variants")


@bp.app_context_processor
def _page_line() -> dict:
    """The line on a page that leads to its versions (and counts them for those who answer for the page)."""

    def variants_line(page):
        if not current_user.is_authenticated or page.published_revision_id is None:
            return None
        return {"count": variants.reps_with_versions(current_user, page)}

    return {"variants_line": variants_line}


def _own(slug: str, variant_id: int):
    page = pages.readable_page(current_user, slug)
    return page, variants.own_variant(current_user, page, variant_id)


def _to_variant(page, variant, anchor: str | None = None):
    return redirect(url_for("variants.show", slug=page.slug, variant_id=variant.id, _anchor=anchor), code=303)


@bp.get("")
@login_required
def index(slug: str):
    page = pages.readable_page(current_user, slug)
    every = variants.sees_every_version(current_user, page)
    return render_template(
        "variants/index.html",
        page=page,
        rows=variants.visible_variants(current_user, page),
        can_make=can_make_variant(current_user, page),
        divergence=variants.divergence(current_user, page) if every else None,
        every=every,
        name=request.args.get("name", ""),
    )


@bp.post("")
@login_required
def make(slug: str):
    page = pages.readable_page(current_user, slug)
    variant = variants.make_variant(current_user, page, request.form.get("name", ""))
    flash(f"Your version for “{variant.name}” is ready: change it to suit them.", "success")
    return redirect(url_for("variants.edit", slug=page.slug, variant_id=variant.id), code=303)


@bp.get("/<int:variant_id>")
@login_required
def show(slug: str, variant_id: int):
    page = pages.readable_page(current_user, slug)
    variant = variant_admin.readable_variant(current_user, page, variant_id)
    number = int_arg("rev")
    old = number is not None and number != variant.head_number
    if old:
        current = variant_history.revision_of(variant, number)
        base, upstream = current.upstream, None
    else:
        base, current = variants.diff_base(variant)
        upstream = variants.upstream_revision(variant, page)
    chunks = word_diff(base.body, current.body)
    mine = can_change_variant(current_user, variant.author_id)
    return render_template(
        "variants/show.html",
        page=page,
        variant=variant,
        base=base,
        current=current,
        rendered=render(current.body),
        chunks=fold(chunks),
        stats=stats(chunks),
        upstream=upstream,
        upstream_chunks=fold(word_diff(base.body, upstream.body)) if upstream else None,
        history=variants.revisions(variant),
        offers=variants.offers(variant),
        mine=mine,
        candidates=variants.share_candidates(variant) if mine else [],
        old=old,
    )


def _editor(page, variant, body: str, summary: str, base_number: int, upstream_number: int | None = None, **extra):
    return {
        "page": page,
        "variant": variant,
        "body": body,
        "summary": summary,
        "base_number": base_number,
        "upstream_number": upstream_number,
        **extra,
    }


@bp.route("/<int:variant_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, variant_id: int):
    page, variant = _own(slug, variant_id)
    if request.method == "GET":
        current = variants.head(variant)
        return render_template("variants/edit.html", **_editor(page, variant, current.body, "", current.number))
    form = request.form
    upstream = whole_number(form.get("upstream")) if form.get("upstream") else None
    base = whole_number(form.get("base_revision", ""))
    try:
        outcome = variants.save(current_user, variant, form.get("body", ""), form.get("summary", ""), base, upstream)
    except VariantConflict as conflict:
        context = _editor(
            page, variant, conflict.mine, conflict.summary, conflict.head.number, conflict.upstream_number
        )
        context |= {"message": conflict.message, "other": conflict.head}
        context["chunks"] = fold(word_diff(conflict.head.body, conflict.mine))
        return render_template("variants/conflict.html", **context), 409
    if outcome.unchanged:
        flash("No changes to save: the text is the same as before.", "info")
    elif outcome.merged:
        flash(
            f"Saved as #{outcome.revision.number}, merged with what you saved from another window.", "success"
        )
    else:
        flash(f"Saved as #{outcome.revision.number}.", "success")
    return _to_variant(page, variant)


@bp.post("/<int:variant_id>/preview")
@login_required
def preview(slug: str, variant_id: int):
    _own(slug, variant_id)
    body = request.form.get("body", "")
    pages.check_text(pages.normalise_body(body), "")
    return page_or_fragment(
        "pages/preview.html", "partials/preview.html", rendered=rendering.preview(pages.normalise_body(body))
    )


@bp.post("/<int:variant_id>/update")
@login_required
def bring_in_update(slug: str, variant_id: int):
    page, variant = _own(slug, variant_id)
    try:
        revision = variants.bring_in_update(current_user, variant)
    except UpdateConflict as conflict:
        context = _editor(page, variant, conflict.head.body, "", conflict.head.number, conflict.published.number)
        context |= {"message": conflict.message, "conflicts": conflict.conflicts, "published": conflict.published}
        return render_template("variants/update_conflict.html", **context), 409
    flash(
        f"Brought in revision {variant.base.number} of the original: your version is #{revision.number}.", "success"
    )
    return _to_variant(page, variant)


@bp.route("/<int:variant_id>/send", methods=["GET", "POST"])
@login_required
def send_back(slug: str, variant_id: int):
    page, variant = _own(slug, variant_id)
    if request.method == "POST":
        link = url_for("variants.show", slug=page.slug, variant_id=variant.id, _external=True)
        count = variants.send_back(
            current_user, variant, request.form.getlist("hunk"), request.form.get("reaction", ""), link
        )
        flash(
            f"Sent {count} change{'s' if count != 1 else ''} to the people who answer for this page. "
            "You'll hear in your inbox when they decide.",
            "success",
        )
        return _to_variant(page, variant, "sent")
    return render_template(
        "variants/send.html",
        page=page,
        variant=variant,
        hunks=variants.my_changes(variant),
        sent={(row.offer.passage, row.offer.replacement) for row in variants.offers(variant)},
    )


def _shares_answer(page, variant, message: str):
    """htmx swaps the list of colleagues in place; a plain form goes back to the version."""
    if not is_fragment_request():
        flash(message, "success")
        return _to_variant(page, variant, "shares")
    variant = variants.get_variant(current_user, page, variant.id)
    return render_template(
        "variants/_shares.html",
        page=page,
        variant=variant,
        mine=True,
        candidates=variants.share_candidates(variant),
        message=message,
    )


@bp.post("/<int:variant_id>/shares")
@login_required
def share(slug: str, variant_id: int):
    page, variant = _own(slug, variant_id)
    person = variants.share(current_user, variant, int_arg("person", source=request.form))
    return _shares_answer(page, variant, f"{person.name} can now read this version.")


@bp.post("/<int:variant_id>/shares/<int:user_id>/remove")
@login_required
def unshare(slug: str, variant_id: int, user_id: int):
    page, variant = _own(slug, variant_id)
    variants.unshare(current_user, variant, user_id)
    return _shares_answer(page, variant, "They can no longer read this version.")


@bp.post("/<int:variant_id>/rename")
@login_required
def rename(slug: str, variant_id: int):
    page, variant = _own(slug, variant_id)
    variant = variant_admin.rename(current_user, variant, request.form.get("name", ""))
    flash(f"Renamed: this version is for “{variant.name}” now.", "success")
    return _to_variant(page, variant)


@bp.route("/<int:variant_id>/delete", methods=["GET", "POST"])
@login_required
def delete(slug: str, variant_id: int):
    page, variant = _own(slug, variant_id)
    if request.method == "GET":
        return render_template(
            "variants/delete.html",
            page=page,
            variant=variant,
            goes=variant_admin.what_goes(current_user, variant),
        )
    name = variant.name
    variant_admin.remove(current_user, variant)
    flash(f"Your version for “{name}” is deleted.", "success")
    return redirect(url_for("variants.index", slug=page.slug), code=303)
