"""Shares with clients: the rep's "I sent this to a client" form, for a page or one of its files, and what the
page's readers see of it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from wiki.models import Page, User
from wiki.services import files, pages, shares
from wiki.services.file_mentions import Mention
from wiki.services.permissions import can_record_share, can_see_usage
from wiki.views import int_arg
from wiki.views.file_voice import file_voice_context
from wiki.web import is_fragment_request

bp = Blueprint("shares", __name__)

THANKS = "Recorded — thanks. Marketing sees which pages reach clients."


def file_thanks(name: str) -> str:
    return f"Recorded — thanks. Marketing sees that {name} reached a client."


def share_context(user: User, page: Page) -> dict:
    """The form and their own shares for a rep; the numbers and the latest shares for the council and leads."""
    if page.published_revision_id is None:
        return {"own_shares": None, "page_usage": None, "page_shares": None}
    staff = can_see_usage(user)
    return {
        "own_shares": shares.own_shares(user, page) if can_record_share(user) else None,
        "page_usage": shares.usage_for_page(user, page) if staff else None,
        "page_shares": shares.page_shares(user, page) if staff else None,
        "client_kinds": shares.CLIENT_KINDS,
    }


@bp.post("/p/<slug>/shares")
@login_required
def record(slug: str):
    page = pages.readable_page(current_user, slug)
    shares.record_share(
        current_user,
        page,
        request.form.get("client_kind"),
        request.form.get("other_kind"),
        request.form.get("reaction"),
    )
    if is_fragment_request():
        return render_template("shares/_form.html", page=page, thanks=THANKS, **share_context(current_user, page))
    flash(THANKS, "success")
    return redirect(url_for("pages.view", slug=page.slug, _anchor="client-shares"), code=303)


@bp.post("/p/<slug>/files/<name>/shares")
@login_required
def record_on_file(slug: str, name: str):
    page = pages.readable_page(current_user, slug)
    mention = Mention(name, int_arg("v", source=request.form), int_arg("unit", source=request.form))
    shares.record_share(
        current_user,
        page,
        request.form.get("client_kind"),
        request.form.get("other_kind"),
        request.form.get("reaction"),
        mention,
    )
    if is_fragment_request():
        attachment = files.get_attachment(current_user, page, name)
        version = files.get_version(current_user, page, attachment)
        return render_template(
            "shares/_form.html",
            page=page,
            thanks=file_thanks(attachment.name),
            **file_voice_context(current_user, page, attachment, version),
        )
    flash(file_thanks(name), "success")
    return redirect(url_for("files.preview", slug=page.slug, name=name, _anchor="client-shares"), code=303)
