"""The dashboard, recent changes and their feed, and search."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from wiki.models import utcnow
from wiki.services import changes as changelog
from wiki.services import page_index
from wiki.services.pages import check_slug, shown
from wiki.services.search import find_pages
from wiki.views import int_arg, page_cache
from wiki.views.dashboard_context import dashboard_context, list_statuses
from wiki.web import is_fragment_request

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def dashboard():
    # It counts feedback, contributions and due tactics over moving windows: a minute late at most.
    return page_cache.kept_page(
        "dashboard.html",
        (request.path, request.query_string),
        # The user itself, not the proxy: the cards ask permissions of it hundreds of times.
        lambda: dashboard_context(current_user._get_current_object()),
        fresh_for=timedelta(minutes=1),
    )


@bp.get("/pages/names")
@login_required
def page_names():
    """The options of a page filter's list as someone types (`page`, the field's own name), for htmx to swap in."""
    names = page_index.names_like(current_user, request.args.get("page", ""))
    return render_template("partials/page_options.html", names=names)


@bp.get("/pages")
@login_required
def page_list():
    def context() -> dict:
        index = page_index.page_index(current_user, request.args.get("kind"), int_arg("p", 1), page_index.PER_PAGE)
        return {
            "index": index,
            "statuses": list_statuses(current_user, index.rows),
            "kind_names": page_index.KIND_NAMES,
        }

    return page_cache.kept_page("pages/index.html", (request.path, request.query_string), context)


@bp.get("/changes")
@login_required
def changes():
    def context() -> dict:
        filters = changelog.parse_filters(
            current_user, request.args.get("page"), int_arg("person"), request.args.get("kind")
        )
        return {
            "log": changelog.recent_changes(current_user, filters, int_arg("p", 1)),
            "filters": filters,
            "choices": changelog.filter_choices(current_user),
            "page_title": shown(current_user, filters.page).title if filters.page else "",
        }

    if is_fragment_request():
        return render_template("partials/change_log.html", **context())
    return page_cache.kept_page("changes.html", (request.path, request.query_string), context)


@bp.get("/feed.atom")
def feed():
    """Published changes as Atom. Feed readers can't sign in, so a personal signed address works too."""
    token = request.args.get("token")
    if token is None and not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    reader = changelog.feed_reader(token) if token is not None else current_user
    entries = changelog.published_changes(reader)
    body = render_template(
        "feed.atom.xml",
        entries=entries,
        updated=entries[0].at if entries else utcnow(),
        host=urlsplit(request.host_url).hostname,
        self_url=url_for("main.feed", token=token, _external=True),
    )
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@bp.get("/search")
@login_required
def search():
    return render_template(
        "search.html", results=find_pages(current_user, request.args.get("q", ""), int_arg("p", 1))
    )


@bp.get("/new")
@login_required
def new_page():
    """The dashboard's "new page" box: check the name, then open the editor for it."""
    slug = check_slug((request.args.get("slug") or "").strip())
    return redirect(url_for("pages.edit", slug=slug), code=303)
