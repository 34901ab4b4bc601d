"""The council: its members, the plan's tactics and who owns them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from wiki.errors import BadInput, Conflict, WikiError
from wiki.forms import CouncilMemberForm, TacticForm, TacticReviewForm
from wiki.models import utcnow
from wiki.services import council, pages, shares, tactics
from wiki.services.council import OverTarget
from wiki.services.permissions import can_manage_council, can_manage_tactics, can_review_tactic, can_see_usage
from wiki.services.tactics import TacticFields
from wiki.text.render import render

bp = Blueprint("council", __name__)

# Errors a form answers by showing itself again, message beside the field and the typed values kept.
FORM_ERRORS = (BadInput, Conflict)


def _overview_page(form: CouncilMemberForm, error: WikiError | None = None, status: int = 200):
    return render_template(
        "council/overview.html",
        overview=council.overview(current_user),
        form=form,
        error=error,
        over_target=isinstance(error, OverTarget),
        can_manage_council=can_manage_council(current_user),
        can_manage_tactics=can_manage_tactics(current_user),
    ), status


@bp.get("/council")
@login_required
def overview():
    form = CouncilMemberForm()
    form.term_start.data = utcnow().date()
    return _overview_page(form)


@bp.post("/council/members")
@login_required
def add_member():
    form = CouncilMemberForm()
    try:
        change = council.add_member(
            current_user,
            form.person_id.data,
            form.represents.data or "",
            form.term_start.data,
            form.term_end.data,
            confirm_over_target=form.confirm.data == "1",
        )
    except FORM_ERRORS as error:
        return _overview_page(form, error, error.status)
    message = f"{change.member.user.name} joined the council for {change.member.represents}."
    if change.role_changed:
        message += " Their role is now council; they'll be asked to sign in again."
    flash(message, "success")
    return redirect(url_for("council.overview", _anchor="members"), code=303)


@bp.get("/council/members/<int:member_id>/remove")
@login_required
def confirm_removal(member_id: int):
    return render_template("council/remove.html", change=council.removal_preview(current_user, member_id))


@bp.post("/council/members/<int:member_id>/remove")
@login_required
def remove_member(member_id: int):
    change = council.remove_member(current_user, member_id)
    message = f"{change.member.user.name} left the council."
    if change.unassigned:
        message += " " + ", ".join(f"“{name}”" for name in change.unassigned) + " now needs an owner."
    flash(message, "success")
    return redirect(url_for("council.overview", _anchor="members"), code=303)


def _tactic_fields(form: TacticForm) -> TacticFields:
    return TacticFields(
        name=form.name.data or "",
        description=form.description.data or "",
        page_ids=tuple(form.page_ids.data or ()),
        cadence_days=form.cadence_days.data,
        status=form.status.data or "",
        owner_id=form.owner_id.data or None,
    )


def _tactic_form_page(form: TacticForm, plan, tactic=None, error: WikiError | None = None, status: int = 200):
    return render_template(
        "council/tactic_form.html",
        form=form,
        plan=plan,
        tactic=tactic,
        owner_choices=tactics.owner_choices(current_user, plan),
        linkable_pages=tactics.linkable_pages(current_user),
        error=error,
    ), status


@bp.route("/tactics/new", methods=["GET", "POST"])
@login_required
def new_tactic():
    plan = tactics.plan_for_new_tactic(current_user, request.args.get("plan", ""))
    form = TacticForm()
    if request.method == "GET":
        return _tactic_form_page(form, plan)
    try:
        tactic = tactics.create_tactic(current_user, plan, _tactic_fields(form))
    except FORM_ERRORS as error:
        return _tactic_form_page(form, plan, error=error, status=error.status)
    flash(f"“{tactic.name}” is a tactic of {pages.name_for_staff(plan)}.", "success")
    return redirect(url_for("council.tactic", tactic_id=tactic.id), code=303)


@bp.route("/tactics/<int:tactic_id>/edit", methods=["GET", "POST"])
@login_required
def edit_tactic(tactic_id: int):
    tactic = tactics.tactic_to_edit(current_user, tactic_id)
    if request.method == "GET":
        form = TacticForm(obj=tactic)
        form.page_ids.data = [str(page.id) for page in tactic.pages]
        form.status.data = tactic.status.value
        form.owner_id.data = str(tactic.owner_id or "")
        return _tactic_form_page(form, tactic.plan, tactic)
    form = TacticForm()
    try:
        tactics.update_tactic(current_user, tactic, _tactic_fields(form))
    except FORM_ERRORS as error:
        return _tactic_form_page(form, tactic.plan, tactic, error, error.status)
    flash("The tactic is saved.", "success")
    return redirect(url_for("council.tactic", tactic_id=tactic_id), code=303)


def _tactic_page(tactic_id: int, form: TacticReviewForm, error: WikiError | None = None, status: int = 200):
    row = tactics.tactic_row(current_user, tactic_id)
    return render_template(
        "council/tactic.html",
        row=row,
        tactic=row.tactic,
        description=render(row.tactic.description) if row.tactic.description else None,
        form=form,
        error=error,
        can_review=can_review_tactic(current_user, row.tactic.owner_id),
        can_manage_tactics=can_manage_tactics(current_user),
        # How the tactic's pages reach clients (issue 10, part 4).
        usage=shares.tactic_usage(current_user, row.tactic) if can_see_usage(current_user) else None,
    ), status


@bp.get("/tactics/<int:tactic_id>")
@login_required
def tactic(tactic_id: int):
    return _tactic_page(tactic_id, TacticReviewForm())


@bp.post("/tactics/<int:tactic_id>/review")
@login_required
def review_tactic(tactic_id: int):
    form = TacticReviewForm()
    try:
        tactics.mark_reviewed(current_user, tactics.get_tactic(current_user, tactic_id), form.note.data or "")
    except BadInput as error:
        return _tactic_page(tactic_id, form, error, error.status)
    flash("Marked reviewed; the next review is due one cadence from now.", "success")
    return redirect(url_for("council.tactic", tactic_id=tactic_id), code=303)
