"""The worker process, `flask --app wsgi worker`, sending to a real SMTP server (aiosmtpd in this process)."""

from __future__ import annotations

import asyncio
import signal
import threading

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from tests.conftest_mail import Mailbox, free_port, mail_server
from tests.factories import make_frozen_summary, make_user
from tests.worker_process import wait_for, worker_process
from wiki.extensions import db
from wiki.models import DeliveryState, Summary, SummaryDelivery, SummaryState, User
from wiki.services import outbox, summaries


def field_reps(count: int) -> list[User]:
    return [make_user(role="field", name=f"Rep {n}", email=f"rep{n}@example.com") for n in range(count)]


def everyone(app) -> set[str]:
    with app.app_context():
        return set(db.session.execute(select(User.email)).scalars())


def state_of(app, summary_id: int) -> SummaryState:
    with app.app_context():
        return db.session.get(Summary, summary_id).state


def progress_of(app, summary_id: int) -> outbox.Progress:
    with app.app_context():
        return outbox.progress(summary_id)


@pytest.fixture
def mailbox(app):
    with mail_server(app) as mailbox:
        yield mailbox


def test_the_worker_sends_what_a_lead_sent_while_no_web_request_runs(app, people, as_lead, mailbox, tmp_path):
    with app.app_context():
        start, end = summaries.default_period()
        draft_id = summaries.create_draft(db.session.get(User, people["lead"].id), start, end).id
    assert as_lead.post(f"/summaries/{draft_id}/send").status_code == 303
    # The web process only queued it.
    queued = progress_of(app, draft_id)
    assert (queued.queued, queued.sent, queued.pending) == (3, 0, 3) and mailbox.received == []

    with worker_process(app, tmp_path / "worker.log") as worker:
        wait_for(lambda: state_of(app, draft_id) == SummaryState.SENT, "the worker to send the summary")
        assert worker.poll() is None, "the worker keeps running, waiting for more"
    assert mailbox.per_recipient() == {email: 1 for email in everyone(app)}


def test_sigterm_stops_the_worker_after_the_message_being_sent_and_hands_back_its_claim(app, people, mailbox, tmp_path):
    mailbox.delay = 0.3
    with app.app_context():
        field_reps(12)
        summary_id = make_frozen_summary(people["lead"])
    log = tmp_path / "worker.log"
    with worker_process(app, log) as worker:
        wait_for(lambda: len(mailbox.received) >= 2, "the worker to start sending")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(60) == 0, log.read_text()
    stopped = progress_of(app, summary_id)
    assert stopped.sending == 0 and 2 <= stopped.sent < 15 and stopped.pending == 15 - stopped.sent
    assert len(mailbox.received) == stopped.sent
    assert "stopped" in log.read_text()

    # Whatever the next sender is, it starts at once on what was handed back.
    result = app.test_cli_runner().invoke(args=["summary", "send", "--due"])
    assert result.exit_code == 0, result.output
    assert state_of(app, summary_id) == SummaryState.SENT
    assert mailbox.per_recipient() == {email: 1 for email in everyone(app)}


class HoldingMailbox(Mailbox):
    """Holds the n-th message unanswered until told to let go, then refuses it: a sender killed while it waits
    never had that message accepted."""

    def __init__(self, hold_at: int):
        super().__init__()
        self.hold_at = hold_at
        self.holding = threading.Event()
        self.let_go = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if len(self.received) == self.hold_at and not self.let_go.is_set():
            self.holding.set()
            while not self.let_go.is_set():
                await asyncio.sleep(0.02)
            return "451 4.3.0 The client went away"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def holding_mailbox(app):
    mailbox = HoldingMailbox(hold_at=4)
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST=controller.hostname, SMTP_PORT=controller.port, SITE_URL="https://wiki.example.com")
    try:
        yield mailbox
    finally:
        mailbox.let_go.set()
        controller.stop()


def test_a_worker_killed_mid_send_is_taken_over_within_the_lease_and_everyone_gets_one_copy(
    app, people, holding_mailbox, tmp_path
):
    with app.app_context():
        field_reps(9)
        summary_id = make_frozen_summary(people["lead"])
    with worker_process(app, tmp_path / "first.log") as first:
        assert holding_mailbox.holding.wait(90), "the first worker never reached the fifth message"
        first.send_signal(signal.SIGKILL)
        first.wait(60)
    holding_mailbox.let_go.set()
    left = progress_of(app, summary_id)
    assert (left.sent, left.sending) == (4, 8), "the dead worker's claim is still on the rest"

    # With the old ten-minute lease this would wait far longer than the test does.
    with worker_process(app, tmp_path / "second.log"):
        wait_for(lambda: state_of(app, summary_id) == SummaryState.SENT, "the second worker to take over")
    assert holding_mailbox.per_recipient() == {email: 1 for email in everyone(app)}
    with app.app_context():
        states = db.session.execute(select(SummaryDelivery.state)).scalars().all()
    assert states == [DeliveryState.SENT] * 12


def test_two_workers_at_once_never_send_a_message_twice_even_when_sending_outlasts_the_lease(
    app, people, mailbox, tmp_path
):
    # 30 messages at 0.2 s each keep the first worker busy past its 4-second lease: only its heartbeat keeps
    # the other from taking the claim over.
    mailbox.delay = 0.2
    with app.app_context():
        field_reps(27)
        summary_id = make_frozen_summary(people["lead"])
    with worker_process(app, tmp_path / "a.log"), worker_process(app, tmp_path / "b.log"):
        wait_for(lambda: state_of(app, summary_id) == SummaryState.SENT, "the workers to send the summary")
    assert len(mailbox.received) == 30
    assert mailbox.per_recipient() == {email: 1 for email in everyone(app)}


def test_the_worker_gives_sqlite_its_planner_statistics_when_it_starts_and_then_daily(app, monkeypatch):
    from sqlalchemy import text

    from wiki import worker as worker_module

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL's autovacuum keeps its own statistics")

    def statistics() -> int:
        with app.app_context():
            found = db.session.execute(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"))
            if not found.scalar_one():
                return 0
            return db.session.execute(text("SELECT count(*) FROM sqlite_stat1")).scalar_one()

    worker = worker_module.Worker(app)
    assert statistics() == 0
    worker.run_once()
    assert statistics() > 0
    with app.app_context():
        db.session.execute(text("DELETE FROM sqlite_stat1"))
        db.session.commit()
    worker.run_once()
    assert statistics() == 0, "a second poll within the day analyses again"
    clock = worker_module.time.monotonic() + worker_module.STATISTICS_EVERY_S + 1
    monkeypatch.setattr(worker_module.time, "monotonic", lambda: clock)
    worker.run_once()
    assert statistics() > 0
