"""Email subscriptions: the unsubscribe link in every summary email, and each person's preferences page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from wiki.extensions import csrf
from wiki.forms import EmailPreferencesForm
from wiki.services import subscriptions

bp = Blueprint("email", __name__)


@bp.get("/unsubscribe/<token>")
def unsubscribe_page(token: str):
    # Only shows the button: mail scanners open every link in an email, and must not unsubscribe anyone.
    return render_template("subscriptions/unsubscribe.html", person=subscriptions.subscriber(token), token=token)


@bp.post("/unsubscribe/<token>")
@csrf.exempt
def unsubscribe(token: str):
    """Also the RFC 8058 one-click address: mail providers POST `List-Unsubscribe=One-Click` here, with no
    session and no CSRF token; the signed token is what proves the link came from our email."""
    person = subscriptions.unsubscribe(token)
    return render_template("subscriptions/unsubscribed.html", person=person)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
def preferences():
    form = EmailPreferencesForm()
    if request.method == "POST":
        # CSRFProtect has already checked the token; a checkbox can't be invalid otherwise.
        subscriptions.set_summary_emails(current_user, form.summary_emails.data)
        flash(
            "Saved: the summary email will reach you."
            if form.summary_emails.data
            else "Saved: you won't receive the summary email. You can still read every summary in the archive.",
            "success",
        )
        return redirect(url_for("email.preferences"), code=303)
    form.summary_emails.data = current_user.summary_emails
    return render_template("subscriptions/preferences.html", form=form)
