"""The summary emails: the archive everyone reads, and the leads' compose → edit → preview → send."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from wiki.errors import BadInput
from wiki.forms import ActionForm
from wiki.mail import UNSUBSCRIBE_MARKER
from wiki.models import SummaryState
from wiki.schedule_rules import WEEKDAYS
from wiki.services import outbox, schedule, summaries, summary_content, summary_email
from wiki.web import page_or_fragment

bp = Blueprint("summaries", __name__, url_prefix="/summaries")

# The email's HTML carries its CSS inline (that's what mail clients read); only these two pages show it.
EMAIL_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def _with_email_styles(body: str, status: int = 200):
    return body, status, {"Content-Security-Policy": EMAIL_CSP}


def _date(name: str, default: date) -> date:
    raw = (request.values.get(name) or "").strip()
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadInput(f"“{name}” must be a date like 2026-11-26, not “{raw[:20]}”.") from None


@bp.get("")
@login_required
def index():
    return render_template("summaries/index.html", summaries=summaries.archive(current_user))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    summaries.require_lead(current_user)
    start, end = summaries.default_period()
    if request.method == "GET":
        return render_template("summaries/new.html", start=start.date(), end=end.date(), form=ActionForm())
    begins, ends = summaries.period_of_days(_date("start", start.date()), _date("end", end.date()))
    summary = summaries.create_draft(current_user, begins, ends)
    return redirect(url_for("summaries.edit", summary_id=summary.id), code=303)


@bp.get("/<int:summary_id>")
@login_required
def show(summary_id: int):
    summary = summaries.get_summary(current_user, summary_id)
    if summary.state == SummaryState.DRAFT:
        return redirect(url_for("summaries.edit", summary_id=summary.id))
    body = Markup(summary_email.archived_content(summary, url_for("email.preferences")))
    progress = summaries.sending_progress(current_user, summary)
    html = render_template(
        "summaries/show.html", summary=summary, body=body, progress=progress, form=ActionForm()
    )
    return _with_email_styles(html)


@bp.route("/<int:summary_id>/edit", methods=["GET", "POST"])
@login_required
def edit(summary_id: int):
    summary = summaries.get_summary(current_user, summary_id)
    summaries.require_lead(current_user)
    if summary.state != SummaryState.DRAFT:
        return redirect(url_for("summaries.show", summary_id=summary.id), code=303)
    if request.method == "POST":
        summaries.update_draft(
            current_user,
            summary,
            request.form.get("subject", ""),
            request.form.get("intro", ""),
            set(request.form.getlist("keep")),
            request.form.getlist("audience"),
        )
        if request.form.get("then") == "preview":
            return redirect(url_for("summaries.preview", summary_id=summary.id), code=303)
        flash("Draft saved.", "success")
        return redirect(url_for("summaries.edit", summary_id=summary.id), code=303)
    return render_template(
        "summaries/edit.html",
        summary=summary,
        content=summary_content.gather(summary.period_start, summary.period_end),
        dropped=set(summary.dropped or []),
        recipients=summaries.recipients_count(summary),
        audiences=summaries.AUDIENCES,
        quote_key=summary_content.quote_key,
        form=ActionForm(),
    )


@bp.get("/<int:summary_id>/preview")
@login_required
def preview(summary_id: int):
    summary = summaries.get_summary(current_user, summary_id)
    summaries.require_lead(current_user)
    email = summaries.render_email(summary)
    sample = url_for("email.preferences", _external=False)
    html = render_template(
        "summaries/preview.html",
        summary=summary,
        email=email,
        body=Markup(summary_email.frozen_content(email.html, sample)),
        text=email.text.replace(UNSUBSCRIBE_MARKER, current_app.config["SITE_URL"] + sample),
        recipients=summaries.recipients_count(summary),
        form=ActionForm(),
    )
    return _with_email_styles(html)


@bp.post("/<int:summary_id>/send")
@login_required
def send(summary_id: int):
    summary = summaries.start_sending(current_user, summaries.get_summary(current_user, summary_id))
    # Queued only: the worker process sends it.
    flash("Sending has started; this page shows how far it got.", "success")
    return redirect(url_for("summaries.show", summary_id=summary.id), code=303)


@bp.post("/<int:summary_id>/resume")
@login_required
def resume(summary_id: int):
    summary = summaries.get_summary(current_user, summary_id)
    outbox.resume(summary.id, actor=current_user)
    flash("Sending resumed.", "success")
    return redirect(url_for("summaries.show", summary_id=summary.id), code=303)


# Retry failed recipients (issue 12, part 4) ------------------------------------------------------------


@bp.post("/<int:summary_id>/retry-failed")
@login_required
def retry_failed(summary_id: int):
    summary = summaries.get_summary(current_user, summary_id)
    count = outbox.retry_failed(summary.id, actor=current_user)
    if count:
        flash(f"{count} failed recipient{'s' if count != 1 else ''} will be tried again.", "success")
    else:
        flash("No recipient has failed.", "info")
    return redirect(url_for("summaries.show", summary_id=summary.id), code=303)


@bp.get("/<int:summary_id>/progress")
@login_required
def progress(summary_id: int):
    summary = summaries.get_summary(current_user, summary_id)
    summaries.require_lead(current_user)
    return page_or_fragment(
        "summaries/progress.html",
        "summaries/_progress.html",
        summary=summary,
        progress=outbox.progress(summary.id, actor=current_user),
        form=ActionForm(),
    )


@bp.post("/<int:summary_id>/discard")
@login_required
def discard(summary_id: int):
    summaries.discard_draft(current_user, summaries.get_summary(current_user, summary_id))
    flash("Draft discarded.", "info")
    return redirect(url_for("summaries.index"), code=303)


# The schedule (issue 12, part 2): when the worker composes the next draft for the leads ----------------


def _whole_number(name: str, label: str) -> int:
    raw = (request.form.get(name) or "").strip()
    try:
        return int(raw)
    except ValueError:
        raise BadInput(f"{label} must be a whole number, not “{raw[:20]}”.", field=name) from None


@bp.route("/schedule", methods=["GET", "POST"])
@login_required
def schedule_settings():
    saved = schedule.current(current_user)
    if request.method == "GET":
        return _schedule_page(saved)
    try:
        schedule.save(
            current_user,
            every_days=_whole_number("every_days", "“Every … days”"),
            weekday=_whole_number("weekday", "The weekday"),
            hour=_whole_number("hour", "The hour"),
            zone=request.form.get("time_zone", ""),
            enabled=request.form.get("enabled") == "on",
        )
    except BadInput as error:
        # The form again with what the lead typed, and the message beside its field.
        return _schedule_page(saved, error, request.form.to_dict()), error.status
    flash("The schedule is saved.", "success")
    return redirect(url_for("summaries.schedule_settings"), code=303)


def _schedule_page(saved, error: BadInput | None = None, typed: dict | None = None):
    shown = typed or {
        "every_days": saved.every_days,
        "weekday": saved.weekday,
        "hour": saved.hour,
        "time_zone": saved.time_zone,
        # Never saved yet: the form offers it on, as the lead came here to set it up.
        "enabled": "on" if saved.enabled or saved.id is None else "",
    }
    return render_template(
        "summaries/schedule.html",
        saved=saved,
        shown=shown,
        description=schedule.describe(saved),
        next_due=schedule.in_its_zone(saved, saved.next_due_at),
        last_due=schedule.in_its_zone(saved, saved.last_due_at),
        weekdays=WEEKDAYS,
        error=error,
        form=ActionForm(),
    )
