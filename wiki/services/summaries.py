"""The summary email's drafts: composed for a period, edited, frozen, sent.

A lead composes a draft for a period; wiki/services/summary_content.py gathers what it tells. The lead writes an
intro, leaves items out, previews the exact email (wiki/services/summary_email.py), and sends: the email is then
frozen (every recipient and the archive read the same text) and handed to the outbox.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from wiki.db import lock_row, write_transaction
from wiki.errors import BadInput, Conflict, NotFound, require
from wiki.extensions import db
from wiki.models import Role, Summary, SummaryState, User, utcnow
from wiki.services import outbox, summary_email
from wiki.services.permissions import can_publish, is_signed_in
from wiki.services.summary_content import Content, gather, quote_key, thanks
from wiki.services.summary_email import Email

MAX_INTRO = 20_000
MAX_SUBJECT = 200
MAX_PERIOD_DAYS = 366
AUDIENCES = (Role.FIELD.value, Role.COUNCIL.value, Role.LEAD.value)


# Reading ------------------------------------------------------------------------------------------


def archive(user: User) -> list[Summary]:
    """Every summary that went out (or is going out), newest first; leads also see their drafts."""
    require(is_signed_in(user), "Sign in to read the summaries.")
    states = [SummaryState.SENDING, SummaryState.SENT]
    if can_publish(user):
        states.append(SummaryState.DRAFT)
    return list(
        db.session.execute(
            select(Summary)
            # A draft is listed with who made it.
            .options(selectinload(Summary.created_by))
            .where(Summary.state.in_(states))
            .order_by(Summary.sent_at.desc().nulls_first(), Summary.id.desc())
        ).scalars()
    )


def latest_sent(user: User) -> Summary | None:
    require(is_signed_in(user), "Sign in to read the summaries.")
    return db.session.execute(
        select(Summary).where(Summary.state != SummaryState.DRAFT).order_by(Summary.sent_at.desc()).limit(1)
    ).scalar_one_or_none()


def get_summary(user: User, summary_id: int) -> Summary:
    """A sent summary for anyone signed in; a draft only for the leads (to everyone else it doesn't exist)."""
    require(is_signed_in(user), "Sign in to read the summaries.")
    summary = db.session.get(Summary, summary_id)
    if summary is None or (summary.state == SummaryState.DRAFT and not can_publish(user)):
        raise NotFound("There is no such summary.")
    return summary


def sending_progress(user: User, summary: Summary):
    """How far sending got, for the leads; other readers of the archive don't see the outbox."""
    return outbox.progress(summary.id, actor=user) if can_publish(user) else None


def require_lead(user: User) -> None:
    require(can_publish(user), "Only marketing leads compose and send the summary.")


def every_summary() -> list[Summary]:
    """For the command line, which has no user: drafts included."""
    return list(db.session.execute(select(Summary).order_by(Summary.id.desc())).scalars())


def first_lead() -> User | None:
    """Who a draft made by cron is from, when nobody is named."""
    return db.session.execute(
        select(User).where(User.role == Role.LEAD, User.active.is_(True)).order_by(User.id).limit(1)
    ).scalar_one_or_none()


# Composing ----------------------------------------------------------------------------------------


def default_period(now: datetime | None = None) -> tuple[datetime, datetime]:
    """Since the last summary that went out, or the last SUMMARY_PERIOD_DAYS days."""
    now = now or utcnow()
    last_end = db.session.execute(
        select(func.max(Summary.period_end)).where(Summary.state != SummaryState.DRAFT)
    ).scalar_one_or_none()
    if last_end is not None and last_end.tzinfo is None:
        last_end = last_end.replace(tzinfo=now.tzinfo)
    if last_end is None or last_end >= now:
        last_end = now - timedelta(days=current_app.config["SUMMARY_PERIOD_DAYS"])
    return last_end, now


def period_of_days(first: date, last: date, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The period a lead picked as calendar days: from the start of `first` to the end of `last` (UTC), never
    past now. A summary reports what already happened, so a later end date is refused rather than guessed at;
    tomorrow still passes, as it may already be today for a lead east of UTC."""
    now = now or utcnow()
    if last > now.date() + timedelta(days=1):
        raise BadInput(
            f"The period can end today ({now:%Y-%m-%d}) at the latest, not {last.isoformat()}: "
            "a summary reports what already happened."
        )
    begins = datetime.combine(first, time.min, tzinfo=UTC)
    ends = min(datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC), now)
    return begins, ends


def _check_period(start: datetime, end: datetime) -> None:
    if end <= start:
        raise BadInput("The period must end after it starts.")
    if end - start > timedelta(days=MAX_PERIOD_DAYS):
        raise BadInput(f"A summary covers at most {MAX_PERIOD_DAYS} days.")


def create_draft(user: User, start: datetime, end: datetime) -> Summary:
    require(can_publish(user), "Only marketing leads compose the summary.")
    _check_period(start, end)
    with write_transaction() as session:
        summary = Summary(
            subject=f"What the council changed, {start:%d %b} – {end:%d %b %Y}",
            period_start=start,
            period_end=end,
            intro="",
            dropped=[],
            audience=list(AUDIENCES),
            created_by_id=user.id,
            created_at=utcnow(),
        )
        session.add(summary)
    return summary


def update_draft(
    user: User, summary: Summary, subject: str, intro: str, kept: set[str], audience: list[str]
) -> Summary:
    """Save the lead's edits. `kept` are the keys of the gathered items still ticked."""
    require(can_publish(user), "Only marketing leads edit the summary.")
    subject = " ".join((subject or "").split())
    intro = (intro or "").replace("\r\n", "\n").strip()
    if not subject:
        raise BadInput("Give the email a subject.")
    if len(subject) > MAX_SUBJECT:
        raise BadInput(f"The subject can be at most {MAX_SUBJECT} characters.")
    if len(intro) > MAX_INTRO:
        raise BadInput(f"The introduction can be at most {MAX_INTRO} characters.")
    if "\x00" in intro:
        raise BadInput("The introduction contains NUL characters, which can't be stored.")
    unknown = set(audience) - set(AUDIENCES)
    if unknown or not audience:
        raise BadInput("Send it to at least one of: field reps, the council, the marketing leads.")
    with write_transaction() as session:
        summary = _locked_draft(session, summary)
        summary.subject = subject
        summary.intro = intro
        summary.audience = [role for role in AUDIENCES if role in audience]
        summary.dropped = sorted(set(gather(summary.period_start, summary.period_end).keys()) - kept)
    return summary


def discard_draft(user: User, summary: Summary) -> None:
    require(can_publish(user), "Only marketing leads discard drafts.")
    with write_transaction() as session:
        session.delete(_locked_draft(session, summary))


def _locked_draft(session, summary: Summary) -> Summary:
    summary = lock_row(session, select(Summary).where(Summary.id == summary.id))
    if summary is None:
        raise NotFound("There is no such summary.")
    if summary.state != SummaryState.DRAFT:
        raise Conflict("This summary has been sent; it can't be changed any more.")
    return summary


def content_of(summary: Summary) -> Content:
    """The gathered items minus those the lead left out."""
    content = gather(summary.period_start, summary.period_end)
    dropped = set(summary.dropped or [])
    content.changes = [c for c in content.changes if c.key not in dropped]
    content.files = [c for c in content.files if c.key not in dropped]
    content.accepted = [c for c in content.accepted if c.key not in dropped]
    content.resolved = [c for c in content.resolved if c.key not in dropped]
    content.quotes = [q for q in content.quotes if quote_key(q) not in dropped]
    content.built = [b for b in content.built if b.key not in dropped]
    content.thanks = thanks(content, content.seats)
    return content


def render_email(summary: Summary) -> Email:
    """The email this summary sends now: its gathered items minus those the lead left out."""
    return summary_email.render_email(summary, content_of(summary))


def recipients_count(summary: Summary) -> int:
    return outbox.recipient_count(summary)


def start_sending(user: User, summary: Summary) -> Summary:
    """Freeze the email and queue one delivery per recipient. Sending itself is the outbox's job."""
    require(can_publish(user), "Only marketing leads send the summary.")
    with write_transaction() as session:
        summary = _locked_draft(session, summary)
        email = render_email(summary)
        summary.html_body, summary.text_body = email.html, email.text
        summary.state = SummaryState.SENDING
        summary.sent_by_id = user.id
        summary.sent_at = utcnow()
    outbox.queue(summary.id, actor=user)
    return summary
