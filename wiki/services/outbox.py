"""Sending a frozen summary: the outbox holds one row per recipient.

Rows are claimed atomically (two senders never take the same row), sent over one SMTP connection, and each
result is committed right after its message went out, so a crash or an SMTP outage resumes where it stopped.
SMTP can't promise exactly-once: if the server accepted a message and we crashed before recording it, that
one message goes again, with the same Message-ID so mail clients show it once.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import Row, and_, bindparam, func, insert, or_, select, update

from wiki.db import lock_row, write_transaction
from wiki.errors import Conflict, NotFound, require
from wiki.extensions import db
from wiki.mail import Letter, MailSettings, Recipient, SendFailure, Transport, new_message_id, transport_for
from wiki.models import DeliveryState, Role, Summary, SummaryDelivery, SummaryState, User, utcnow
from wiki.services import subscriptions
from wiki.services.permissions import can_publish

BATCH_SIZE = 100
# A claim older than this is taken over: its sender crashed or hung. Senders stop using a claim at half
# of it, so a live sender never overlaps with one that took over.
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 8
MAX_REFUSALS_IN_A_ROW = 10
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
# The background sender gives up after this many rounds in a row that delivered nothing; "Resume sending"
# or `flask summary send` start it again.
MAX_IDLE_ROUNDS = 2 * MAX_ATTEMPTS
_MIN_WAIT_S = 1.0

Delivery = SummaryDelivery


@dataclass
class DeliveryReport:
    """What one deliver() run did."""

    sent: int = 0
    failed: int = 0
    # Temporary failures put back for a later attempt (a run stops at the first one).
    deferred: int = 0
    # Why the run ended before the outbox was empty; empty when it simply ran out of due rows.
    stopped: str = ""
    retry_at: datetime | None = None
    # Stopped for something a person must fix (the mail settings): the background sender doesn't retry.
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
    next_attempt_at: datetime | None = None

    @property
    def remaining(self) -> int:
        return self.waiting + self.pending + self.sending

    @property
    def finished(self) -> bool:
        return self.state == SummaryState.SENT


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
    actor is None for the command line and the background sender."""
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
    actor: User | None = None,
) -> DeliveryReport:
    """Send every due delivery of a summary, batch by batch over one SMTP connection.

    Stops at the first temporary failure (that recipient is retried later with backoff; the server is not
    hammered). retry_now ignores the backoff wait. on_progress is called after each recorded message."""
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
        return report
    transport = transport_for(settings)
    refused_in_a_row = 0
    try:
        while not report.stopped:
            token, claimed_at, rows = _claim(summary_id, retry_now, batch_size)
            if not rows:
                break
            try:
                for row in rows:
                    if utcnow() - claimed_at > LEASE / 2:
                        break
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
    report.finished = _finish_if_done(summary_id)
    return report


def _due(summary_id: int, now: datetime, retry_now: bool):
    waiting = Delivery.state == DeliveryState.PENDING
    if not retry_now:
        waiting = and_(waiting, Delivery.next_attempt_at <= now)
    abandoned = and_(Delivery.state == DeliveryState.SENDING, Delivery.claimed_at < now - LEASE)
    return and_(Delivery.summary_id == summary_id, or_(waiting, abandoned))


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
            select(Delivery.id, Delivery.user_id, Delivery.email, Delivery.name, Delivery.message_id, Delivery.attempts)
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
    """Send one message and record the outcome at once: SENT, FAILED, or PENDING (to retry later). None
    when another sender has taken the row over."""
    failure = None
    try:
        recipient = Recipient(row.email, row.name, row.message_id, subscriptions.unsubscribe_url(row.user_id))
        transport.send(letter.sender, row.email, letter.render(recipient, allow_8bit=transport.accepts_8bit))
    except SendFailure as error:
        failure = error
    now = utcnow()
    attempt = row.attempts + 1
    record = {"row_id": row.id, "token": token, "attempt": attempt, "retry_at": now, "done_at": None, "error": ""}
    if failure is None:
        record |= {"outcome": DeliveryState.SENT, "done_at": now}
    elif failure.permanent or attempt >= MAX_ATTEMPTS:
        reason = failure.reason if failure.permanent else f"Gave up after {attempt} attempts: {failure.reason}"
        record |= {"outcome": DeliveryState.FAILED, "error": reason[:500]}
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
    return Progress(
        state=summary.state,
        queued=sum(counts.values()),
        sent=counts[DeliveryState.SENT],
        failed=counts[DeliveryState.FAILED],
        waiting=waiting,
        pending=counts[DeliveryState.PENDING] - waiting,
        sending=counts[DeliveryState.SENDING],
        failures=recipients(Delivery.state == DeliveryState.FAILED, order=Delivery.id),
        retries=retries,
        next_attempt_at=retries[0].next_attempt_at if retries else None,
    )


def next_due(summary_id: int) -> datetime | None:
    """When some delivery of this summary can next be worked on: a retry coming due, or a claim expiring."""
    retry = db.session.execute(
        select(func.min(Delivery.next_attempt_at)).where(
            Delivery.summary_id == summary_id, Delivery.state == DeliveryState.PENDING
        )
    ).scalar_one()
    claimed = db.session.execute(
        select(func.min(Delivery.claimed_at)).where(
            Delivery.summary_id == summary_id, Delivery.state == DeliveryState.SENDING
        )
    ).scalar_one()
    times = [retry] if retry is not None else []
    if claimed is not None:
        times.append(claimed + LEASE)
    return min(times, default=None)


class BackgroundSender(threading.Thread):
    """Runs deliver() for one summary until it is finished, sleeping until the next retry falls due after a
    temporary failure. Bounded: it gives up after MAX_IDLE_ROUNDS rounds in a row that delivered nothing."""

    def __init__(self, app: Flask, summary_id: int, *, retry_now: bool = False):
        super().__init__(name=f"summary-{summary_id}-outbox", daemon=True)
        self.app = app
        self.summary_id = summary_id
        self._retry_now = retry_now
        self._wake = threading.Event()
        self._stopping = False

    def resume(self) -> None:
        """Try again now, ignoring the backoff (the lead pressed "Resume sending")."""
        self._retry_now = True
        self._wake.set()

    def stop(self, timeout: float | None = None) -> None:
        self._stopping = True
        self._wake.set()
        self.join(timeout)

    def run(self) -> None:
        idle = 0
        while not self._stopping and idle < MAX_IDLE_ROUNDS:
            retry_now, self._retry_now = self._retry_now, False
            self._wake.clear()
            try:
                with self.app.app_context():
                    report = deliver(self.summary_id, retry_now=retry_now, on_progress=self._stop_if_asked)
                    if report.finished:
                        return
                    if report.halted:
                        self.app.logger.warning("Sending summary %s stopped: %s", self.summary_id, report.stopped)
                        return
                    wake_at = report.retry_at or next_due(self.summary_id)
                    delivered = report.sent + report.failed
            except _Stopped:
                return
            except Exception:
                # A busy or unreachable database, most likely: wait, then try again, within the bound.
                self.app.logger.exception("Sending summary %s failed; trying again later.", self.summary_id)
                wake_at, delivered = utcnow() + FIRST_RETRY, 0
            if wake_at is None:
                return
            idle = 0 if delivered else idle + 1
            self._wake.wait(max((wake_at - utcnow()).total_seconds(), _MIN_WAIT_S))

    def _stop_if_asked(self, _report: DeliveryReport) -> None:
        # Raised between two messages: deliver() hands back what it claimed and hasn't sent.
        if self._stopping:
            raise _Stopped


class _Stopped(Exception):
    pass


_senders_lock = threading.Lock()


def start_background(app: Flask, summary_id: int, *, retry_now: bool = False) -> BackgroundSender:
    """Send a summary from a daemon thread of this process. Calling it again while that thread lives only
    wakes it (with retry_now); a sender in another process is kept apart by the claims."""
    with _senders_lock:
        senders: dict[int, BackgroundSender] = app.extensions.setdefault("outbox_senders", {})
        sender = senders.get(summary_id)
        if sender is not None and sender.is_alive():
            if retry_now:
                sender.resume()
            return sender
        sender = BackgroundSender(app, summary_id, retry_now=retry_now)
        senders[summary_id] = sender
        sender.start()
        return sender


def stop_background(app: Flask, timeout: float | None = None) -> None:
    """Stop this app's background senders (tests, and a clean shutdown); unsent rows stay in the outbox."""
    with _senders_lock:
        senders = list(app.extensions.get("outbox_senders", {}).values())
    for sender in senders:
        sender.stop(timeout)
