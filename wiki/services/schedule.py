"""The summary's bi-weekly rhythm (issue 12, part 2): the leads set a cadence, and when it is due the worker
composes the draft for the period since the last sent summary and tells the leads it is ready for review.

Nothing goes to the field from here: the draft waits for a lead to press Send, and if it waits two days the
leads get one reminder. The worker calls run_due() on every poll, so when nothing is due it costs one query.

A due time is taken (under the schedule row's lock) before its draft is composed, so two workers, or a worker and
cron, never compose it twice; a worker dying in between leaves that one due time without a draft, never two.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, parseaddr

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from wiki.db import lock_row, write_transaction
from wiki.errors import BadInput, Conflict, require
from wiki.extensions import db
from wiki.mail import MailSettings, SendFailure, clean_header, new_message_id, transport_for
from wiki.models import NotificationKind, Role, Summary, SummarySchedule, SummaryState, User, utcnow
from wiki.schedule_rules import WEEKDAYS, Cadence, next_due, problems
from wiki.services import inbox, summaries
from wiki.services.permissions import can_publish

# One row: the wiki has one summary rhythm.
SCHEDULE_ID = 1
DEFAULT = Cadence(every_days=14, weekday=0, hour=9, zone="UTC")
REMIND_AFTER = timedelta(days=2)


@dataclass(frozen=True)
class Run:
    """What one run_due() did, for the worker's log."""

    # The draft composed, and the draft the leads were reminded of, by id.
    composed: int | None = None
    reminded: int | None = None
    # Why a due time passed without a draft.
    skipped: str = ""


# The leads' settings --------------------------------------------------------------------------------


def current(user: User) -> SummarySchedule:
    """The schedule as saved, or (never saved yet) the defaults, unsaved and off."""
    require(can_publish(user), "Only marketing leads set the summary's schedule.")
    saved = db.session.get(SummarySchedule, SCHEDULE_ID)
    if saved is not None:
        return saved
    return SummarySchedule(
        enabled=False,
        every_days=DEFAULT.every_days,
        weekday=DEFAULT.weekday,
        hour=DEFAULT.hour,
        time_zone=DEFAULT.zone,
    )


def save(
    user: User, *, every_days: int, weekday: int, hour: int, zone: str, enabled: bool, now: datetime | None = None
) -> SummarySchedule:
    """Set the cadence and turn it on or off. The next due time counts from the last run, so changing the hour
    the day after a draft doesn't bring another one early."""
    require(can_publish(user), "Only marketing leads set the summary's schedule.")
    zone = zone.strip()
    found = problems(every_days, weekday, hour, zone)
    if found:
        raise BadInput(" ".join(message for _, message in found), field=found[0][0])
    now = now or utcnow()
    cadence = Cadence(every_days=every_days, weekday=weekday, hour=hour, zone=zone)
    try:
        with write_transaction() as session:
            row = _locked(session)
            if row is None:
                row = SummarySchedule(id=SCHEDULE_ID)
                session.add(row)
            row.enabled = enabled
            row.every_days, row.weekday, row.hour, row.time_zone = every_days, weekday, hour, zone
            row.next_due_at = next_due(cadence, now, last_due=row.last_due_at)
            row.updated_by_id = user.id
            row.updated_at = now
    except IntegrityError:
        # Two leads saving the very first schedule at once (PostgreSQL): one of them wins.
        raise Conflict("Another lead saved the schedule at the same moment; reload the page to see it.") from None
    return row


def describe(row: SummarySchedule) -> str:
    """The cadence in words: "Every 14 days, on Monday at 09:00 (Europe/Paris)"."""
    return f"Every {row.every_days} days, on {WEEKDAYS[row.weekday]} at {row.hour:02d}:00 ({row.time_zone})"


def in_its_zone(row: SummarySchedule, moment: datetime | None) -> datetime | None:
    """A stored UTC time as the schedule's own clock shows it."""
    return moment.astimezone(zoneinfo.ZoneInfo(row.time_zone)) if moment is not None else None


# The worker's part ----------------------------------------------------------------------------------


def run_due(now: datetime | None = None) -> Run:
    """Compose the draft if one is due, and send the reminder if one is due; one query when neither is."""
    now = now or utcnow()
    due = db.session.execute(
        select(SummarySchedule.id).where(
            SummarySchedule.enabled.is_(True),
            or_(SummarySchedule.next_due_at <= now, SummarySchedule.remind_at <= now),
        )
    ).scalar_one_or_none()
    if due is None:
        return Run()
    composed, skipped = _compose_if_due(now)
    return Run(composed=composed, reminded=_remind_if_due(now), skipped=skipped)


def report(run: Run) -> list[str]:
    """A run in lines for a log or a terminal; none when it did nothing."""
    lines = []
    if run.composed is not None:
        lines.append(f"composed draft summary {run.composed}; the leads are told")
    if run.skipped:
        lines.append(f"a draft was due, but {run.skipped}")
    if run.reminded is not None:
        lines.append(f"reminded the leads of draft summary {run.reminded}")
    return lines


def _locked(session) -> SummarySchedule | None:
    return lock_row(session, select(SummarySchedule).where(SummarySchedule.id == SCHEDULE_ID))


def _cadence(row: SummarySchedule) -> Cadence:
    return Cadence(every_days=row.every_days, weekday=row.weekday, hour=row.hour, zone=row.time_zone)


def _compose_if_due(now: datetime) -> tuple[int | None, str]:
    with write_transaction() as session:
        row = _locked(session)
        if row is None or not row.enabled or row.next_due_at is None or row.next_due_at > now:
            return None, ""
        row.last_due_at = row.next_due_at
        row.next_due_at = next_due(_cadence(row), now, last_due=row.last_due_at)
        waiting = row.draft if row.draft is not None and row.draft.state == SummaryState.DRAFT else None
    if waiting is not None:
        # A second draft over the same days would only compete with it; its reminder has gone out already.
        return None, f"the draft composed before (summary {waiting.id}) is still unsent"
    lead = summaries.first_lead()
    if lead is None:
        return None, "there is no active marketing lead to review a draft"
    start, end = summaries.default_period(now)
    start = max(start, end - timedelta(days=summaries.MAX_PERIOD_DAYS))
    draft = summaries.create_draft(lead, start, end)
    with write_transaction() as session:
        row = _locked(session)
        row.draft_id = draft.id
        row.remind_at = now + REMIND_AFTER
        leads = _leads(session)
        inbox.notify(
            session,
            [person.id for person in leads],
            NotificationKind.SUMMARY,
            lead,
            None,
            f"The schedule composed the summary draft for {_period(draft)}: review it and press Send.",
            actor_too=True,
        )
    _email(leads, draft, reminder=False)
    return draft.id, ""


def _remind_if_due(now: datetime) -> int | None:
    with write_transaction() as session:
        row = _locked(session)
        if row is None or not row.enabled or row.remind_at is None or row.remind_at > now:
            return None
        row.remind_at = None
        draft = row.draft
        if draft is None or draft.state != SummaryState.DRAFT:
            return None
        leads = _leads(session)
        inbox.notify(
            session,
            [person.id for person in leads],
            NotificationKind.SUMMARY,
            draft.created_by,
            None,
            f"The summary draft for {_period(draft)} has waited two days: review it and press Send, or discard it.",
            actor_too=True,
        )
    _email(leads, draft, reminder=True)
    return draft.id


def _leads(session) -> list[User]:
    return list(
        session.execute(select(User).where(User.role == Role.LEAD, User.active.is_(True)).order_by(User.id)).scalars()
    )


def _period(draft: Summary) -> str:
    return f"{draft.period_start:%d %b} – {draft.period_end:%d %b %Y}"


def _email(leads: list[User], draft: Summary, *, reminder: bool) -> None:
    """A short plain-text note to each lead with the draft's address. Best effort: the inbox notice is already
    there, so a mail server that is away costs the note, and the worker goes on."""
    config = current_app.config
    settings = MailSettings.from_config(config)
    # The jinja environment itself, not render_template: the worker has no request for the context processors.
    template = current_app.jinja_env.get_template(f"email/schedule_{'reminder' if reminder else 'draft'}.txt")
    text = template.render(
        period=_period(draft), link=f"{settings.site_url}/summaries/{draft.id}/edit", site_name=config["SITE_NAME"]
    )
    subject = f"{'Reminder: ' if reminder else ''}the summary draft for {_period(draft)} is ready for review"
    sender = parseaddr(settings.mail_from)[1]
    transport = transport_for(settings)
    try:
        for lead in leads:
            message = EmailMessage(policy=SMTP)
            message["From"] = clean_header(settings.mail_from)
            message["To"] = Address(display_name=clean_header(lead.name), addr_spec=lead.email)
            message["Subject"] = clean_header(subject[:1].upper() + subject[1:])
            message["Date"] = formatdate(usegmt=True)
            message["Message-ID"] = new_message_id(settings)
            message["Auto-Submitted"] = "auto-generated"
            message.set_content(text)
            try:
                transport.send(sender, lead.email, message.as_bytes())
            except SendFailure as failure:
                current_app.logger.warning("The schedule's note to %s did not go out: %s", lead.email, failure.reason)
    finally:
        transport.close()
