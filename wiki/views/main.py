"""The dashboard and the list of recent changes."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from wiki.services import pages
from wiki.services.pages import check_slug
from wiki.services.permissions import can_read_drafts

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def dashboard():
    grouped = pages.list_pages(current_user)
    recent = pages.recent_revisions(current_user, 8) if can_read_drafts(current_user) else []
    return render_template("dashboard.html", grouped=grouped, recent=recent)


@bp.get("/changes")
@login_required
def changes():
    return render_template("changes.html", revisions=pages.recent_revisions(current_user, 100))


@bp.get("/new")
@login_required
def new_page():
    """The dashboard's "new page" box: check the name, then open the editor for it."""
    slug = check_slug((request.args.get("slug") or "").strip())
    return redirect(url_for("pages.edit", slug=slug), code=303)
