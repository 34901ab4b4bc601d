"""People and roles, managed by marketing leads."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from wiki.forms import PasswordResetForm, UserCreateForm, UserUpdateForm
from wiki.services import accounts

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users", methods=["GET", "POST"])
@login_required
def users():
    form = UserCreateForm()
    if request.method == "POST":
        user = accounts.create_user(
            current_user,
            form.email.data or "",
            form.name.data or "",
            form.role.data or "",
            form.password.data or "",
            form.region.data,
        )
        flash(f"{user.name} can now sign in as {user.email}.", "success")
        return redirect(url_for("admin.users"), code=303)
    return render_template("admin/users.html", users=accounts.list_users(current_user), form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def user(user_id: int):
    person = accounts.get_user(current_user, user_id)
    form = UserUpdateForm(obj=person)
    if request.method == "GET":
        form.role.data = person.role.value
        return render_template("admin/user.html", person=person, form=form, password_form=PasswordResetForm())
    accounts.update_profile(current_user, user_id, form.name.data or "", form.region.data)
    role = accounts.set_role(current_user, user_id, form.role.data or "")
    active = accounts.set_active(current_user, user_id, bool(form.active.data))
    flash(f"Saved {form.name.data}.", "success")
    # Whichever change came first ended the seat, if there was one.
    ended = role.seat_end or active.seat_end
    if ended is not None:
        needs = "".join(f" “{name}” now needs an owner." for name in ended.unassigned)
        flash(f"{form.name.data} left the council ({ended.member.represents}).{needs}", "info")
    return redirect(url_for("admin.users"), code=303)


@bp.post("/users/<int:user_id>/password")
@login_required
def reset_password(user_id: int):
    form = PasswordResetForm()
    person = accounts.reset_password(current_user, user_id, form.password.data or "")
    flash(f"{person.name}'s password is changed and their sessions are ended.", "success")
    return redirect(url_for("admin.users"), code=303)
