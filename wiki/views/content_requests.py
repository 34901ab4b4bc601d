"""Content requests: the board, asking, *I need this too* and taking it back, editing, and the leads' and
owners' steps, reopening included."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from wiki.errors import BadInput, Conflict, WikiError
from wiki.forms import ActionForm
from wiki.services import content_requests as requests_service
from wiki.services import request_changes, request_votes
from wiki.services.content_requests import RequestFields
from wiki.views import int_arg
from wiki.web import is_fragment_request, page_or_fragment

bp = Blueprint("content_requests", __name__)

FORM_ERRORS = (BadInput, Conflict)


@bp.get("/requests")
@login_required
def board():
    filters = requests_service.parse_filters(
        current_user, request.args.get("state"), request.args.get("segment"), int_arg("tactic")
    )
    return page_or_fragment(
        "requests/board.html",
        "requests/_list.html",
        rows=requests_service.board(current_user, filters),
        filters=filters,
        segments=requests_service.segments_used(),
        tactics=requests_service.visible_tactics(current_user),
        states=requests_service.STATE_LABELS,
    )


def _form_page(
    fields: RequestFields,
    error: WikiError | None = None,
    status: int = 200,
    template: str = "requests/new.html",
    **extra,
):
    return render_template(
        template,
        fields=fields,
        error=error,
        segments=requests_service.segments_used(),
        stages=requests_service.STAGE_LABELS,
        form=ActionForm(),
        **extra,
    ), status


def _submitted_fields() -> RequestFields:
    return RequestFields(
        title=request.form.get("title", ""),
        details=request.form.get("details", ""),
        segment=request.form.get("segment", ""),
        stage=request.form.get("stage", ""),
        needed_by=request.form.get("needed_by", ""),
    )


@bp.route("/requests/new", methods=["GET", "POST"])
@login_required
def new():
    if request.method == "GET":
        return _form_page(RequestFields(title=""))
    fields = _submitted_fields()
    try:
        asked = requests_service.create_request(current_user, fields)
    except FORM_ERRORS as error:
        return _form_page(fields, error, error.status)
    flash("Thanks — the marketing leads will read it. Everyone who needs it too can say so here.", "success")
    return redirect(url_for("content_requests.show", request_id=asked.id), code=303)


def _request_page(request_id: int, error: WikiError | None = None, status: int = 200):
    view = requests_service.request_view(current_user, request_id)
    context = {"view": view, "form": ActionForm(), "error": error, "states": requests_service.STATE_LABELS}
    context["can_edit"] = request_changes.may_edit(current_user, view.row.request)
    if view.can_triage:
        context["tactics"] = requests_service.visible_tactics(current_user)
        context["people"] = requests_service.routable_people()
    return render_template("requests/show.html", **context), status


@bp.get("/requests/<int:request_id>")
@login_required
def show(request_id: int):
    return _request_page(request_id)


@bp.post("/requests/<int:request_id>/join")
@login_required
def join(request_id: int):
    requests_service.join(current_user, request_id, request.form.get("note", ""))
    if is_fragment_request():
        view = requests_service.request_view(current_user, request_id)
        return render_template("requests/_demand.html", view=view, form=ActionForm(), joined_now=True)
    flash("Noted: you need this too, and you'll hear about every step.", "success")
    return redirect(url_for("content_requests.show", request_id=request_id, _anchor="demand"), code=303)


@bp.post("/requests/<int:request_id>/withdraw")
@login_required
def withdraw(request_id: int):
    request_votes.withdraw(current_user, request_id)
    if is_fragment_request():
        view = requests_service.request_view(current_user, request_id)
        return render_template("requests/_demand.html", view=view, form=ActionForm(), withdrawn_now=True)
    flash("Noted: you no longer need this, and you won't hear about it any more.", "success")
    return redirect(url_for("content_requests.show", request_id=request_id, _anchor="demand"), code=303)


@bp.route("/requests/<int:request_id>/edit", methods=["GET", "POST"])
@login_required
def edit(request_id: int):
    if request.method == "GET":
        asked = request_changes.editable_request(current_user, request_id)
        return _form_page(request_changes.fields_of(asked), template="requests/edit.html", asked=asked)
    fields = _submitted_fields()
    try:
        changed = request_changes.edit_request(current_user, request_id, fields)
    except FORM_ERRORS as error:
        asked = requests_service.get_request(current_user, request_id)
        return _form_page(fields, error, error.status, template="requests/edit.html", asked=asked)
    flash("Saved; its story says what changed." if changed else "Nothing changed.", "success" if changed else "info")
    return redirect(url_for("content_requests.show", request_id=request_id), code=303)


def _step(request_id: int, action, message: str):
    """Run one triage or work step; a refused form comes back with its message beside it."""
    try:
        action()
    except FORM_ERRORS as error:
        return _request_page(request_id, error, error.status)
    flash(message, "success")
    return redirect(url_for("content_requests.show", request_id=request_id), code=303)


@bp.post("/requests/<int:request_id>/accept")
@login_required
def accept(request_id: int):
    tactic_id = int_arg("tactic_id", source=request.form)
    person_id = int_arg("person_id", source=request.form)
    note = request.form.get("note", "")
    return _step(
        request_id,
        lambda: requests_service.accept(current_user, request_id, tactic_id, person_id, note),
        "Accepted and routed; everyone who asked hears about it.",
    )


@bp.post("/requests/<int:request_id>/progress")
@login_required
def progress(request_id: int):
    note = request.form.get("note", "")
    return _step(
        request_id, lambda: requests_service.start(current_user, request_id, note), "Marked in progress."
    )


@bp.post("/requests/<int:request_id>/done")
@login_required
def done(request_id: int):
    revision = int_arg("revision", source=request.form)
    page, note = request.form.get("page", ""), request.form.get("note", "")
    return _step(
        request_id,
        lambda: requests_service.finish(current_user, request_id, page, revision, note),
        "Done; everyone who asked hears about it.",
    )


@bp.post("/requests/<int:request_id>/decline")
@login_required
def decline(request_id: int):
    reason = request.form.get("reason", "")
    return _step(
        request_id, lambda: requests_service.decline(current_user, request_id, reason), "Declined, with your reason."
    )


@bp.post("/requests/<int:request_id>/merge")
@login_required
def merge(request_id: int):
    into = int_arg("into", source=request.form)
    note = request.form.get("note", "")
    try:
        requests_service.merge(current_user, request_id, into, note)
    except FORM_ERRORS as error:
        return _request_page(request_id, error, error.status)
    flash(f"Merged into #{into}: its people and their votes are there now.", "success")
    return redirect(url_for("content_requests.show", request_id=into), code=303)


@bp.post("/requests/<int:request_id>/reopen")
@login_required
def reopen(request_id: int):
    to, note = request.form.get("to", ""), request.form.get("note", "")
    return _step(
        request_id,
        lambda: request_changes.reopen(current_user, request_id, to, note),
        "Reopened; everyone who asked hears about it.",
    )
