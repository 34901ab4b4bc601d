"""Sending a frozen summary: the outbox holds one row per recipient.

Rows are claimed atomically (two senders never take the same row), sent over one SMTP connection, and each
result is committed right after its message went out, so a crash or an SMTP outage resumes where it stopped.
SMTP can't promise exactly-once: if the server accepted a message and we crashed before recording it, that
one message goes again, with the same Message-ID so mail clients show it once. A reply lost after the message
went out (the connection dropped, or the answer came after our timeout) is counted on the delivery: the message
goes again once, and a second lost reply ends the delivery as UNCERTAIN rather than send a third copy.

The worker process (wiki/worker.py) calls send_due() over and over; the web process only queues and marks. A
sender renews its claim every OUTBOX_HEARTBEAT_SECONDS, so a claim left alone for OUTBOX_LEASE_SECONDS belongs to
a sender that died or hung, and is taken over.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Row, and_, bindparam, func, insert, or_, select, update

from wiki.db import lock_row, write_transaction
from wiki.errors import Conflict, NotFound, require
from wiki.extensions import db
from wiki.mail import Letter, MailSettings, Recipient, SendFailure, Transport, new_message_id, transport_for
from wiki.models import DeliveryState, Role, Summary, SummaryDelivery, SummaryState, User, utcnow
from wiki.services import subscriptions
from wiki.services.permissions import can_publish

BATCH_SIZE = 100
MAX_ATTEMPTS = 8
# Attempts that may each have put a copy in the recipient's mailbox: the first is followed by one more try.
MAX_UNKNOWN_OUTCOMES = 2
MAX_REFUSALS_IN_A_ROW = 10
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)

Delivery = SummaryDelivery


@dataclass
class DeliveryReport:
    """What one deliver() run did."""

    sent: int = 0
    failed: int = 0
    # Ended after a second lost reply: the recipient may have it twice, or not at all.
    uncertain: int = 0
    # Temporary failures put back for a later attempt (a run stops at the first one).
    deferred: int = 0
    # Why the run ended before the outbox was empty; empty when it simply ran out of due rows.
    stopped: str = ""
    retry_at: datetime | None = None
    # Stopped for something a person must fix (the mail settings): kept on the summary, and the worker leaves it
    # alone until a lead resumes it.
    halted: bool = False
    # Every delivery reached its end: the summary is now SENT.
    finished: bool = False


@dataclass(frozen=True)
class RecipientStatus:
    name: str
    email: str
    attempts: int
    reason: str
    next_attempt_at: datetime | None


@dataclass(frozen=True)
class Progress:
    state: SummaryState
    queued: int
    sent: int
    failed: int
    waiting: int  # failed for the moment, retried at next_attempt_at
    pending: int  # not tried yet
    sending: int  # claimed by a sender right now
    failures: list[RecipientStatus] = field(default_factory=list)
    retries: list[RecipientStatus] = field(default_factory=list)
    # Ended with two lost replies: a lead checks with these people whether they got it.
    uncertain: int = 0
    uncertainties: list[RecipientStatus] = field(default_factory=list)
    next_attempt_at: datetime | None = None
    # Why sending stopped for a person to fix; empty while it goes on.
    stopped: str = ""
    # Mail has been due for longer than a lease and no sender has touched the outbox meanwhile.
    no_sender: bool = False

    @property
    def remaining(self) -> int:
        return self.waiting + self.pending + self.sending

    @property
    def finished(self) -> bool:
        return self.state == SummaryState.SENT

    @property
    def stalled(self) -> bool:
        """Nothing will go out without a person: stopped, no sender running, or only retries left to wait for.
        A normal send in progress is not stalled, and offers no "Resume"."""
        if self.finished or not self.remaining:
            return False
        return bool(self.stopped) or self.no_sender or (self.waiting > 0 and not self.pending and not self.sending)


def lease() -> timedelta:
    """A claim older than this is taken over: its sender died or hung."""
    return timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])


def _heartbeat() -> timedelta:
    return timedelta(seconds=current_app.config["OUTBOX_HEARTBEAT_SECONDS"])


def _sendable(summary: Summary | None, summary_id: int) -> Summary:
    if summary is None:
        raise NotFound(f"There is no summary {summary_id}.")
    if summary.state == SummaryState.DRAFT:
        raise Conflict(f"Summary {summary_id} is still a draft: a lead previews and sends it first.")
    if summary.html_body is None or summary.text_body is None:
        raise Conflict(f"Summary {summary_id} has no frozen email to send.")
    return summary


def _recipients(audience: list[str] | None):
    """Who receives a summary: every active user with the email on, in one of the chosen roles."""
    roles = [role for role in Role if role.value in (audience or [])]
    return User.active.is_(True), User.summary_emails.is_(True), User.role.in_(roles)


def recipient_count(summary: Summary) -> int:
    return db.session.execute(select(func.count()).select_from(User).where(*_recipients(summary.audience))).scalar_one()


def queue(summary_id: int, *, actor: User | None = None) -> int:
    """One delivery per recipient: every active, subscribed user whose role is in the summary's audience.

    Calling it again adds nobody twice (the unique constraint backs this up). Returns how many were added.
    actor is None for the command line and the worker."""
    if actor is not None:
        require(can_publish(actor), "Only marketing leads send the summary.")
    settings = MailSettings.from_config(current_app.config)
    with write_transaction() as session:
        # The lock makes two queue() calls on PostgreSQL take turns instead of colliding on the constraint.
        summary = lock_row(session, select(Summary).where(Summary.id == summary_id))
        if _sendable(summary, summary_id).state != SummaryState.SENDING:
            return 0
        already = select(Delivery.user_id).where(Delivery.summary_id == summary_id)
        people = session.execute(
            select(User.id, User.email, User.name)
            .where(*_recipients(summary.audience), User.id.not_in(already))
            .order_by(User.id)
        ).all()
        now = utcnow()
        if people:
            session.execute(
                insert(Delivery),
                [
                    {
                        "summary_id": summary_id,
                        "user_id": person.id,
                        "email": person.email,
                        "name": person.name,
                        "state": DeliveryState.PENDING,
                        "attempts": 0,
                        "next_attempt_at": now,
                        # Fixed now, so every attempt at this delivery carries the same Message-ID.
                        "message_id": new_message_id(settings),
                        "last_error": "",
                    }
                    for person in people
                ],
            )
    return len(people)


def deliver(
    summary_id: int,
    *,
    retry_now: bool = False,
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[DeliveryReport], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    actor: User | None = None,
) -> DeliveryReport:
    """Send every due delivery of a summary, batch by batch over one SMTP connection.

    Stops at the first temporary failure (that recipient is retried later with backoff; the server is not
    hammered). retry_now ignores the backoff wait. on_progress is called after each recorded message;
    should_stop is asked before each message, and a True ends the run, handing back what it claimed."""
    if actor is not None:
        require(can_publish(actor), "Only marketing leads send the summary.")
    summary = _sendable(db.session.get(Summary, summary_id), summary_id)
    report = DeliveryReport()
    if summary.state == SummaryState.SENT:
        report.finished = True
        return report
    if db.session.execute(select(Delivery.id).where(Delivery.summary_id == summary_id).limit(1)).first() is None:
        # The lead's request may have died between freezing the summary and queueing it.
        queue(summary_id)
    _seen(summary_id)
    settings = MailSettings.from_config(current_app.config)
    try:
        letter = Letter(
            mail_from=settings.mail_from,
            subject=summary.subject,
            text_body=summary.text_body,
            html_body=summary.html_body,
        )
    except ValueError as error:
        report.stopped, report.halted = str(error), True
        _halt(summary_id, report.stopped)
        return report
    transport = transport_for(settings)
    refused_in_a_row = 0
    heartbeat = _heartbeat()
    stopping = False
    try:
        while not report.stopped and not stopping:
            token, renewed_at, rows = _claim(summary_id, retry_now, batch_size)
            if not rows:
                break
            try:
                for done, row in enumerate(rows):
                    if should_stop is not None and should_stop():
                        stopping = True
                        break
                    if utcnow() - renewed_at >= heartbeat:
                        # Renewed before each message once due, so a message never goes out on a claim that may
                        # have lapsed (SMTP_TIMEOUT_S keeps one message well inside the lease).
                        if not _renew(token, len(rows) - done):
                            report.stopped = "Another sender took over these deliveries."
                            break
                        renewed_at = utcnow()
                    outcome = _send_one(letter, transport, token, row, report)
                    if outcome is not None and on_progress is not None:
                        on_progress(report)
                    if outcome in (None, DeliveryState.PENDING):
                        break
                    refused_in_a_row = refused_in_a_row + 1 if outcome == DeliveryState.FAILED else 0
                    if refused_in_a_row >= MAX_REFUSALS_IN_A_ROW:
                        # Real bad addresses are scattered; a run of them is the server refusing us (no login
                        # for a relay, say), and each would otherwise be marked failed for good.
                        report.stopped = (
                            f"The mail server refused {refused_in_a_row} recipients in a row; check the SMTP "
                            "settings before resuming sending."
                        )
                        report.halted = True
                        break
            finally:
                _release(token)
    finally:
        transport.close()
    if report.halted:
        _halt(summary_id, report.stopped)
    report.finished = _finish_if_done(summary_id)
    return report


def _due_rows(now: datetime, retry_now: bool):
    waiting = Delivery.state == DeliveryState.PENDING
    if not retry_now:
        waiting = and_(waiting, Delivery.next_attempt_at <= now)
    abandoned = and_(Delivery.state == DeliveryState.SENDING, Delivery.claimed_at < now - lease())
    return or_(waiting, abandoned)


def _due(summary_id: int, now: datetime, retry_now: bool):
    return and_(Delivery.summary_id == summary_id, _due_rows(now, retry_now))


def _renew(token: str, holding: int) -> bool:
    """The heartbeat: push our claim's time forward. False when some of the `holding` rows we have not
    recorded yet were taken over (our claim had lapsed), and this sender must stop."""
    with write_transaction() as session:
        renewed = session.execute(
            update(Delivery)
            .where(Delivery.claim_token == token, Delivery.state == DeliveryState.SENDING)
            .values(claimed_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
    return renewed == holding


def _seen(summary_id: int) -> None:
    with write_transaction() as session:
        session.execute(
            update(Summary)
            .where(Summary.id == summary_id)
            .values(outbox_seen_at=utcnow())
            .execution_options(synchronize_session=False)
        )


def _halt(summary_id: int, reason: str) -> None:
    with write_transaction() as session:
        session.execute(
            update(Summary)
            .where(Summary.id == summary_id, Summary.state == SummaryState.SENDING)
            .values(sending_stopped=reason[:500] or "Sending stopped.")
            .execution_options(synchronize_session=False)
        )


def due_summaries() -> list[int]:
    """The summaries a sender should work on now: sending, not stopped for a person, and with a delivery due,
    or none left open (queueing was interrupted, or a sender died before marking the summary sent)."""
    now = utcnow()
    due = select(Delivery.id).where(Delivery.summary_id == Summary.id, _due_rows(now, False))
    still_open = select(Delivery.id).where(
        Delivery.summary_id == Summary.id, Delivery.state.in_((DeliveryState.PENDING, DeliveryState.SENDING))
    )
    return list(
        db.session.execute(
            select(Summary.id)
            .where(
                Summary.state == SummaryState.SENDING,
                Summary.sending_stopped == "",
                or_(due.exists(), ~still_open.exists()),
            )
            .order_by(Summary.id)
        ).scalars()
    )


def send_due(*, should_stop: Callable[[], bool] | None = None) -> dict[int, DeliveryReport]:
    """One pass over the outbox: deliver() every summary with something due. The worker's loop body, and
    `summary send --due`."""
    reports = {}
    for summary_id in due_summaries():
        if should_stop is not None and should_stop():
            break
        reports[summary_id] = deliver(summary_id, should_stop=should_stop)
    return reports


def resume(summary_id: int, *, actor: User | None = None) -> None:
    """A lead's "Resume sending": forget why sending stopped, and make every waiting delivery due now. The
    worker sends them on its next look at the outbox."""
    if actor is not None:
        require(can_publish(actor), "Only marketing leads send the summary.")
    with write_transaction() as session:
        summary = lock_row(session, select(Summary).where(Summary.id == summary_id))
        if _sendable(summary, summary_id).state != SummaryState.SENDING:
            return
        summary.sending_stopped = ""
        session.execute(
            update(Delivery)
            .where(Delivery.summary_id == summary_id, Delivery.state == DeliveryState.PENDING)
            .values(next_attempt_at=utcnow())
            .execution_options(synchronize_session=False)
        )


def retry_failed(summary_id: int, *, actor: User | None = None) -> int:
    """A lead's "Retry failed recipients" (and `summary retry-failed ID`): every failed delivery goes back to
    pending, with its attempts counted afresh, and the worker sends them; a summary already marked sent is
    sending again. Uncertain deliveries stay as they are: sending those again could be a third copy.
    Returns how many went back."""
    if actor is not None:
        require(can_publish(actor), "Only marketing leads send the summary.")
    with write_transaction() as session:
        summary = lock_row(session, select(Summary).where(Summary.id == summary_id))
        _sendable(summary, summary_id)
        again = session.execute(
            update(Delivery)
            .where(Delivery.summary_id == summary_id, Delivery.state == DeliveryState.FAILED)
            .values(state=DeliveryState.PENDING, attempts=0, next_attempt_at=utcnow(), last_error="")
            .execution_options(synchronize_session=False)
        ).rowcount
        if again:
            # A lead asking to go on also lifts a stop for the mail settings (ten refusals in a row).
            summary.state, summary.finished_at, summary.sending_stopped = SummaryState.SENDING, None, ""
    return again


def _claim(summary_id: int, retry_now: bool, limit: int) -> tuple[str, datetime, list[Row]]:
    """Take up to `limit` due rows for this sender alone, in one statement.

    On PostgreSQL, SKIP LOCKED lets a second sender take other rows instead of queueing behind the first,
    and repeating the condition in the UPDATE re-checks a row that changed while we waited for it. SQLite
    has no FOR UPDATE (SQLAlchemy leaves it out): BEGIN IMMEDIATE already makes this the only writer."""
    now = utcnow()
    token = secrets.token_hex(16)
    due = _due(summary_id, now, retry_now)
    candidates = select(Delivery.id).where(due).order_by(Delivery.id).limit(limit).with_for_update(skip_locked=True)
    with write_transaction() as session:
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(candidates), due)
            .values(state=DeliveryState.SENDING, claim_token=token, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        rows = session.execute(
            select(
                Delivery.id,
                Delivery.user_id,
                Delivery.email,
                Delivery.name,
                Delivery.message_id,
                Delivery.attempts,
                Delivery.unknown_outcomes,
            )
            .where(Delivery.summary_id == summary_id, Delivery.claim_token == token)
            .order_by(Delivery.id)
        ).all()
    return token, now, rows


# One statement for every outcome, built once: this runs after each message, and building an UPDATE costs
# more than SQLite takes to run it.
_outbox = Delivery.__table__
_RECORD = (
    update(_outbox)
    .where(
        _outbox.c.id == bindparam("row_id"),
        _outbox.c.claim_token == bindparam("token"),
        _outbox.c.state == DeliveryState.SENDING,
    )
    .values(
        state=bindparam("outcome"),
        attempts=bindparam("attempt"),
        unknown_outcomes=bindparam("unknown"),
        next_attempt_at=bindparam("retry_at"),
        sent_at=bindparam("done_at"),
        last_error=bindparam("error"),
        claim_token=None,
        claimed_at=None,
    )
)


def _send_one(
    letter: Letter, transport: Transport, token: str, row: Row, report: DeliveryReport
) -> DeliveryState | None:
    """Send one message and record the outcome at once: SENT, FAILED, UNCERTAIN, or PENDING (to retry later).
    None when another sender has taken the row over."""
    failure = None
    try:
        recipient = Recipient(row.email, row.name, row.message_id, subscriptions.unsubscribe_url(row.user_id))
        transport.send(letter.sender, row.email, letter.render(recipient, allow_8bit=transport.accepts_8bit))
    except SendFailure as error:
        failure = error
    now = utcnow()
    attempt = row.attempts + 1
    unknown = row.unknown_outcomes + (failure is not None and failure.outcome_unknown)
    record = {
        "row_id": row.id,
        "token": token,
        "attempt": attempt,
        "unknown": unknown,
        "retry_at": now,
        "done_at": None,
        "error": "",
    }
    if failure is None:
        record |= {"outcome": DeliveryState.SENT, "done_at": now}
    elif failure.outcome_unknown and unknown >= MAX_UNKNOWN_OUTCOMES:
        reason = f"No answer from the mail server twice, so no third copy was sent: {failure.reason}"
        record |= {"outcome": DeliveryState.UNCERTAIN, "error": reason[:500]}
    elif failure.permanent:
        record |= {"outcome": DeliveryState.FAILED, "error": failure.reason}
    elif attempt >= MAX_ATTEMPTS:
        reason = f"Gave up after {attempt} attempts: {failure.reason}"
        # An earlier attempt whose reply was lost may have arrived.
        record |= {"outcome": DeliveryState.UNCERTAIN if unknown else DeliveryState.FAILED, "error": reason[:500]}
    else:
        record |= {"outcome": DeliveryState.PENDING, "retry_at": now + backoff(attempt), "error": failure.reason}
    with write_transaction() as session:
        recorded = session.execute(_RECORD, record).rowcount
    if not recorded:
        report.stopped = "Another sender took over these deliveries."
        return None
    if record["outcome"] == DeliveryState.SENT:
        report.sent += 1
    elif record["outcome"] == DeliveryState.FAILED:
        report.failed += 1
    elif record["outcome"] == DeliveryState.UNCERTAIN:
        report.uncertain += 1
    else:
        report.deferred += 1
        report.stopped = failure.reason
        report.retry_at = record["retry_at"]
    return record["outcome"]


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after each failed attempt, at most an hour."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def _release(token: str) -> None:
    """Hand back what a run claimed but didn't send, so the next run takes it without waiting for the lease."""
    with write_transaction() as session:
        session.execute(
            update(Delivery)
            .where(Delivery.claim_token == token, Delivery.state == DeliveryState.SENDING)
            .values(state=DeliveryState.PENDING, claim_token=None, claimed_at=None)
            .execution_options(synchronize_session=False)
        )


def _finish_if_done(summary_id: int) -> bool:
    open_rows = select(Delivery.id).where(
        Delivery.summary_id == summary_id, Delivery.state.in_((DeliveryState.PENDING, DeliveryState.SENDING))
    )
    with write_transaction() as session:
        session.execute(
            update(Summary)
            .where(Summary.id == summary_id, Summary.state == SummaryState.SENDING, ~open_rows.exists())
            .values(state=SummaryState.SENT, finished_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        state = session.execute(select(Summary.state).where(Summary.id == summary_id)).scalar_one()
    return state == SummaryState.SENT


def progress(summary_id: int, *, actor: User | None = None, limit: int = 50) -> Progress:
    """Where sending stands, with up to `limit` of the failed and the waiting recipients."""
    if actor is not None:
        require(can_publish(actor), "Only marketing leads follow the sending of a summary.")
    summary = db.session.get(Summary, summary_id)
    if summary is None:
        raise NotFound(f"There is no summary {summary_id}.")
    counts = {state: 0 for state in DeliveryState}
    waiting = 0
    tried = Delivery.attempts > 0
    for state, was_tried, count in db.session.execute(
        select(Delivery.state, tried, func.count())
        .where(Delivery.summary_id == summary_id)
        .group_by(Delivery.state, tried)
    ):
        counts[state] += count
        if state == DeliveryState.PENDING and was_tried:
            waiting += count

    def recipients(*conditions, order) -> list[RecipientStatus]:
        rows = db.session.execute(
            select(Delivery.name, Delivery.email, Delivery.attempts, Delivery.last_error, Delivery.next_attempt_at)
            .where(Delivery.summary_id == summary_id, *conditions)
            .order_by(order, Delivery.id)
            .limit(limit)
        )
        return [RecipientStatus(*row) for row in rows]

    retries = recipients(Delivery.state == DeliveryState.PENDING, tried, order=Delivery.next_attempt_at)
    uncertain = DeliveryState.UNCERTAIN
    return Progress(
        stopped=summary.sending_stopped,
        no_sender=summary.state == SummaryState.SENDING and not summary.sending_stopped and _no_sender(summary),
        state=summary.state,
        queued=sum(counts.values()),
        sent=counts[DeliveryState.SENT],
        failed=counts[DeliveryState.FAILED],
        waiting=waiting,
        pending=counts[DeliveryState.PENDING] - waiting,
        sending=counts[DeliveryState.SENDING],
        failures=recipients(Delivery.state == DeliveryState.FAILED, order=Delivery.id),
        retries=retries,
        uncertain=counts[uncertain],
        uncertainties=recipients(Delivery.state == uncertain, order=Delivery.id) if counts[uncertain] else [],
        next_attempt_at=retries[0].next_attempt_at if retries else None,
    )


def _no_sender(summary: Summary) -> bool:
    """Mail of this summary has been due for longer than a lease, yet no sender has worked on this summary
    meanwhile nor holds a live claim on any summary's recipients (one busy with another summary would)."""
    now = utcnow()
    quiet_since = now - lease()
    if (summary.outbox_seen_at or summary.sent_at or now) > quiet_since:
        return False
    overdue = (
        select(Delivery.id)
        .where(
            Delivery.summary_id == summary.id,
            Delivery.state == DeliveryState.PENDING,
            Delivery.next_attempt_at < quiet_since,
        )
        .exists()
    )
    live_claim = (
        select(Delivery.id).where(Delivery.state == DeliveryState.SENDING, Delivery.claimed_at >= quiet_since).exists()
    )
    return bool(db.session.execute(select(overdue & ~live_claim)).scalar_one())
