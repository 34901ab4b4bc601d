"""Command line: `flask --app wsgi users ...`, `summary ...`, `worker`, `demo`, `backup`, `export`, `import`."""

from __future__ import annotations

import logging
import os
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from wiki.errors import WikiError
from wiki.models import SummaryState, utcnow
from wiki.services import accounts, outbox, schedule, summaries, summary_content

users = AppGroup("users", help="Create and manage accounts.")
summary = AppGroup("summary", help="The council's summary email.")


def _fail(error: WikiError) -> None:
    raise click.ClickException(error.message)


@users.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(["lead", "council", "field"]))
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--region", default=None, help="Region or group, shown when the council is credited.")
def create(email: str, name: str, role: str, password: str, region: str | None) -> None:
    """Create an account."""
    try:
        user = accounts.create_user(None, email, name, role, password, region)
    except WikiError as error:
        _fail(error)
    click.echo(f"Created {user.email} ({user.role.value}).")


@users.command("list")
def list_() -> None:
    """List every account."""
    for user in accounts.list_users(None):
        state = "" if user.active else "  [deactivated]"
        click.echo(f"{user.email:40} {user.role.value:8} {user.name}{state}")


def _by_email(email: str):
    user = accounts.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    return user


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(["lead", "council", "field"]))
def set_role(email: str, role: str) -> None:
    """Change someone's role (ends their sessions; any role but council ends their council seat)."""
    try:
        change = accounts.set_role(None, _by_email(email).id, role)
    except WikiError as error:
        _fail(error)
    click.echo(f"{email} is now {role}.")
    _echo_seat_end(change)


@users.command("deactivate")
@click.argument("email")
def deactivate(email: str) -> None:
    """Stop someone signing in (ends their sessions and council seat; their contributions stay)."""
    try:
        change = accounts.set_active(None, _by_email(email).id, False)
    except WikiError as error:
        _fail(error)
    click.echo(f"{email} is deactivated.")
    _echo_seat_end(change)


def _echo_seat_end(change: accounts.AccountChange) -> None:
    if change.seat_end is not None:
        click.echo(f"Their council seat ({change.seat_end.member.represents}) ended.")
        for name in change.seat_end.unassigned:
            click.echo(f"“{name}” now needs an owner; the leads have it in their inbox.")


@users.command("set-password")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def set_password(email: str, password: str) -> None:
    """Set someone's password (ends their sessions)."""
    try:
        accounts.reset_password(None, _by_email(email).id, password)
    except WikiError as error:
        _fail(error)
    click.echo(f"Password for {email} is changed.")


@summary.command("send")
@click.argument("summary_id", type=int, required=False)
@click.option("--due", is_flag=True, help="Send whatever the outbox has due, for every summary, and exit (for cron).")
def send_summary(summary_id: int | None, due: bool) -> None:
    """Send a summary a lead has sent off, to everyone still waiting for it, now (after an outage, or when its
    sending stopped); or, with --due, whatever is waiting, as one pass of the worker would (the summary's
    schedule included: a draft due is composed and the leads told).

    Exits non-zero while anyone is left without it, so cron can tell."""
    if due == (summary_id is not None):
        raise click.UsageError("Give either a summary's number or --due.")
    if due:
        _send_due()
        return
    try:
        # Run by a person: retry what waits for its backoff, and go on after a stop for the mail settings.
        outbox.resume(summary_id)
        if outbox.progress(summary_id).queued == 0:
            outbox.queue(summary_id)
        done = 0
        with click.progressbar(length=outbox.progress(summary_id).remaining, label=f"Summary {summary_id}") as bar:

            def advance(report: outbox.DeliveryReport) -> None:
                nonlocal done
                bar.update(report.sent + report.failed - done)
                done = report.sent + report.failed

            report = outbox.deliver(summary_id, retry_now=True, on_progress=advance)
    except WikiError as error:
        _fail(error)
    if report.stopped:
        click.echo(f"Stopped: {report.stopped}", err=True)
    after = outbox.progress(summary_id)
    for failure in after.failures:
        click.echo(f"Failed: {failure.email}: {failure.reason}", err=True)
    click.echo(f"sent {after.sent}, failed {after.failed}, waiting {after.remaining}")
    if after.failed or after.remaining:
        raise SystemExit(1)


def _send_due() -> None:
    # The summary's schedule too (issue 12, part 2), so one cron line does all the worker does.
    for line in schedule.report(schedule.run_due()):
        click.echo(f"Schedule: {line}")
    reports = outbox.send_due()
    for summary_id, report in reports.items():
        line = f"Summary {summary_id}: sent {report.sent}, failed {report.failed}"
        click.echo(line + (f"; stopped: {report.stopped}" if report.stopped else ""))
    if not reports:
        click.echo("Nothing is due.")
    if any(report.stopped for report in reports.values()):
        raise SystemExit(1)


@click.command("worker")
@with_appcontext
def worker() -> None:
    """Send the summary emails: a long-running process that sends whatever the outbox has due (stop it with
    SIGTERM or Ctrl-C; it finishes the message being sent). Run one beside the web server."""
    from wiki.worker import run_until_signalled

    app = current_app._get_current_object()
    app.logger.setLevel(logging.INFO)
    click.echo(
        f"Worker {os.getpid()} is sending from the outbox every {app.config['WORKER_POLL_SECONDS']} s (Ctrl-C to stop)."
    )
    run_until_signalled(app)
    click.echo(f"Worker {os.getpid()} stopped.")


@summary.command("retry-failed")
@click.argument("summary_id", type=int)
def retry_failed_summary(summary_id: int) -> None:
    """Put a summary's failed recipients back in the outbox; the worker (or `summary send ID`) sends them."""
    try:
        count = outbox.retry_failed(summary_id)
    except WikiError as error:
        _fail(error)
    click.echo(f"Summary {summary_id}: {count} failed recipient{'s' if count != 1 else ''} will be tried again.")


@summary.command("compose")
@click.option("--days", type=click.IntRange(1, 366), default=None, help="The last N days (default: since the last).")
@click.option("--by", "by_email", default=None, help="The lead the draft is from (default: the first active lead).")
def compose_summary(days: int | None, by_email: str | None) -> None:
    """Create a draft summary for a lead to edit, preview and send (for cron)."""
    lead = _by_email(by_email) if by_email else summaries.first_lead()
    if lead is None:
        raise click.ClickException("There is no active marketing lead to compose the summary as; pass --by EMAIL.")
    start, end = summaries.default_period()
    if days is not None:
        start = end - timedelta(days=days)
    end = min(end, utcnow())
    try:
        draft = summaries.create_draft(lead, start, end)
    except WikiError as error:
        _fail(error)
    content = summary_content.gather(draft.period_start, draft.period_end)
    click.echo(
        f"Draft summary {draft.id} ({draft.period_start:%d %b} – {draft.period_end:%d %b %Y}): "
        f"{len(content.changes)} published changes, {len(content.accepted)} accepted suggestions, "
        f"{len(content.resolved)} resolved recommendations."
    )
    click.echo(f"Edit and send it at {current_app.config['SITE_URL']}/summaries/{draft.id}/edit")


@summary.command("list")
def list_summaries() -> None:
    """Every summary, newest first, with how its sending went."""
    for item in summaries.every_summary():
        period = f"{item.period_start:%Y-%m-%d} – {item.period_end:%Y-%m-%d}"
        line = f"{item.id:5}  {item.state.value:8} {period}  {item.subject}"
        if item.state != SummaryState.DRAFT:
            progress = outbox.progress(item.id)
            line += f"  (sent {progress.sent}, failed {progress.failed}, waiting {progress.remaining})"
        click.echo(line)


@click.command("demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has accounts.")
def demo(if_empty: bool) -> None:
    """Load the demo company: leads, the council, field reps, the FY27 plan and its collateral."""
    from wiki import demo as demo_data

    if if_empty and not demo_data.database_is_empty():
        logins = demo_data.existing_logins()
        if logins:
            click.echo("The database already has data. Demo logins (unless someone changed them):")
    else:
        logins = demo_data.load()
        click.echo("Demo data loaded. Sign in at http://127.0.0.1:5000 with:")
    for email, role, password in logins:
        click.echo(f"  {role:8} {email:40} password: {password}" if password else f"  {'':8} {email}")


@click.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup(destination: str) -> None:
    """Copy the SQLite database safely while the app runs (PostgreSQL: use pg_dump)."""
    from wiki.backup import backup_sqlite

    try:
        backup_sqlite(destination)
    except WikiError as error:
        _fail(error)
    click.echo(f"Backed up to {destination}.")


# Content requests (issue 10, part 2).
content_requests_group = AppGroup("requests", help="The field's content requests.")


@content_requests_group.command("list")
@click.option("--state", default=None, help="Only requests in this state (new, accepted, in_progress, done …).")
def list_requests(state: str | None) -> None:
    """Every request, most needed first: number, state, how many need it, who asked, what."""
    from wiki.services import content_requests

    for request, demand in content_requests.every_request():
        if state and request.state.value != state:
            continue
        routed = request.routed_to
        to = f" → {routed.name}" if routed else ""
        who = request.requester.name
        click.echo(f"#{request.id:<4} {request.state.value:11} {demand:3} need  {who}: {request.title}{to}")


# The full-text index (issue 14, item 3).
search_group = AppGroup("search", help="The full-text search index.")


@search_group.command("reindex")
def reindex_search() -> None:
    """Rebuild the search index from every page, file and comment (after loading data around the app)."""
    from wiki.services import search_index

    done = search_index.reindex()
    counted = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in zip(done, ("page", "file", "comment"), strict=True)]
    click.echo(f"Indexed {counted[0]}, {counted[1]} and {counted[2]}.")


@click.command("recount")
@with_appcontext
def recount_command() -> None:
    """Count each page's answers and each person's contributions per day again, and find each page's first waiting
    revision, from the answers, revisions and threads (after loading data around the app, as the search index is
    rebuilt)."""
    from wiki.services import contributions, feedback, review

    feedback.retally_all()
    contributions.recount()
    review.find_first_waiting_again()
    click.echo("Counted each page's answers and each person's contributions per day, found each page's first waiting.")


# Export and import (issue 15, parts 2 and 3).


@click.command("export")
@click.argument("destination", type=click.Path(dir_okay=False, writable=True))
@click.option("--history", is_flag=True, help="Every revision of every page too, drafts and unpublished pages.")
@with_appcontext
def export_command(destination: str, history: bool) -> None:
    """Write the wiki to a zip: each page's newest published Markdown with front matter, and approved files."""
    from wiki.services import export

    with open(destination, "wb") as out:
        counts = export.write(None, out, history=history)
    made = f"{counts.pages} published page{'s' if counts.pages != 1 else ''}, {counts.files} file"
    made += "s" if counts.files != 1 else ""
    if history:
        made += f", {counts.revisions} revisions"
    click.echo(f"Exported {made} to {destination}.")
    if counts.left_out:
        left_out = ", ".join(counts.left_out)
        click.echo(f"Left out {len(counts.left_out)} never-published page(s) (use --history): {left_out}")


@click.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--as", "as_email", required=True, help="The council member or lead the new revisions are credited to.")
@with_appcontext
def import_command(source: str, as_email: str) -> None:
    """Bring in a Markdown file, a Word document (.docx) or an export zip; each page becomes a draft revision."""
    from pathlib import Path

    from wiki.services import importing

    path = Path(source)
    try:
        report = importing.import_file(_by_email(as_email), path.name, path.read_bytes(), command_line=True)
    except WikiError as error:
        _fail(error)
    for line in report.lines:
        page = f" → {line.slug}" if line.slug and line.outcome != importing.Outcome.SKIPPED else ""
        click.echo(f"{line.outcome.value:12} {line.source}{page}: {line.detail}")
    counts = [report.count(outcome) for outcome in importing.Outcome]
    click.echo(f"{counts[0]} created, {counts[1]} with a new revision, {counts[2]} skipped.")


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(summary)
    app.cli.add_command(demo)
    app.cli.add_command(backup)
    app.cli.add_command(content_requests_group)
    app.cli.add_command(worker)
    app.cli.add_command(search_group)
    app.cli.add_command(recount_command)
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
