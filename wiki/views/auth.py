"""Signing in and out, and a user's own account."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from wiki.errors import TooManyAttempts
from wiki.forms import LoginForm, PasswordChangeForm
from wiki.services import accounts, changes, signin_throttle

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only paths on this site: a leading '/' and never '//' or '/\\' (both mean another host)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return url_for("main.dashboard")
    if any(ch in target for ch in "\r\n\t\\"):
        return url_for("main.dashboard")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request.args.get("next")))
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("auth/login.html", form=form, error="Please enter your email and password."), 400
        try:
            user = accounts.authenticate(
                form.email.data,
                form.password.data,
                # The client's own address: with TRUST_PROXY, ProxyFix has put the forwarded one here.
                address=request.remote_addr,
                limits=signin_throttle.Limits.from_config(current_app.config),
            )
        except (accounts.InvalidCredentials, TooManyAttempts) as error:
            headers = {"Retry-After": str(error.retry_after)} if isinstance(error, TooManyAttempts) else {}
            return render_template("auth/login.html", form=form, error=error.message), error.status, headers
        login_user(user)
        return redirect(safe_next(request.args.get("next")), code=303)
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    accounts.end_sessions(current_user)
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = PasswordChangeForm()
    if request.method == "POST":
        user = accounts.change_own_password(current_user, form.current.data or "", form.new.data or "")
        # The password change ended every other session; keep this one going with the new version.
        login_user(user)
        flash("Your password is changed. Other devices have been signed out.", "success")
        return redirect(url_for("auth.account"), code=303)
    feed_url = url_for("main.feed", token=changes.feed_token(current_user), _external=True)
    return render_template("auth/account.html", form=form, feed_url=feed_url)
