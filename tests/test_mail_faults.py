"""Sending a summary to a real SMTP server (aiosmtpd) that loses replies, fails transactions and refuses
recipients: what each recipient ends up with, counted at the server (0, 1, or 2+ copies)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.conftest_mail import mail_server
from tests.factories import make_frozen_summary, make_user
from wiki import mail
from wiki.db import write_transaction
from wiki.extensions import db
from wiki.models import DeliveryState, Summary, SummaryDelivery, SummaryState
from wiki.services import outbox

REPS = 20
VICTIM = "rep5@example.com"


@pytest.fixture
def mailbox(app):
    with mail_server(app) as mailbox:
        yield mailbox


def field_summary(people) -> tuple[int, list[str]]:
    """A summary for the field: the fixture's field rep and REPS more, in the order they are sent."""
    reps = [make_user(role="field", name=f"Rep {n}", email=f"rep{n}@example.com") for n in range(REPS)]
    return make_frozen_summary(people["lead"], audience=("field",)), [people["field"].email] + [r.email for r in reps]


def deliveries(summary_id: int) -> dict[str, SummaryDelivery]:
    rows = db.session.execute(select(SummaryDelivery).where(SummaryDelivery.summary_id == summary_id)).scalars()
    return {row.email: row for row in rows}


def minutes_pass(summary_id: int, minutes: int = 1) -> None:
    """As if the worker's next pass came `minutes` later: the retries wait that much less."""
    with write_transaction() as session:
        for row in session.execute(
            select(SummaryDelivery).where(
                SummaryDelivery.summary_id == summary_id, SummaryDelivery.state == DeliveryState.PENDING
            )
        ).scalars():
            row.next_attempt_at -= timedelta(minutes=minutes)


def worker_passes(summary_id: int, *, limit: int = 60) -> int:
    """The worker's passes over the outbox, a minute apart, until the summary is sent."""
    for passes in range(1, limit + 1):
        outbox.send_due()
        if db.session.get(Summary, summary_id).state == SummaryState.SENT:
            return passes
        db.session.expire_all()
        minutes_pass(summary_id)
    raise AssertionError(f"Summary {summary_id} was not sent after {limit} passes.")


def message_ids(mailbox, address: str) -> list[str]:
    return [item.message["Message-ID"] for item in mailbox.received if item.recipients == [address]]


def test_three_drops_after_the_data_give_one_extra_copy_and_end_the_delivery_uncertain(
    app, people, mailbox, as_lead
):
    mailbox.drop_after_data = {VICTIM: 3}
    with app.app_context():
        summary_id, everyone = field_summary(people)
        first = outbox.deliver(summary_id)
        # The connection had carried messages before: it is not reopened to send the same message at once.
        assert mailbox.per_recipient()[VICTIM] == 1 and first.deferred == 1
        assert "may have arrived" in first.stopped
        worker_passes(summary_id)
        row = deliveries(summary_id)[VICTIM]
        assert (row.state, row.attempts, row.unknown_outcomes) == (DeliveryState.UNCERTAIN, 2, 2)
        state = outbox.progress(summary_id)
        assert (state.sent, state.uncertain, state.failed, state.remaining) == (REPS, 1, 0, 0)
        assert [item.email for item in state.uncertainties] == [VICTIM]

    assert mailbox.copies(everyone) == {1: REPS, 2: 1}
    assert mailbox.per_recipient()[VICTIM] == 2 and mailbox.drop_after_data[VICTIM] == 1
    assert message_ids(mailbox, VICTIM) == [row.message_id] * 2
    page = as_lead.get(f"/summaries/{summary_id}/progress").get_data(as_text=True)
    assert "1 uncertain" in page and "May have received it twice / may not have received it — check" in page
    assert VICTIM in page and "Retry failed recipients" not in page


def test_one_drop_after_the_data_sends_the_message_once_more_with_the_same_message_id(app, people, mailbox):
    mailbox.drop_after_data = {VICTIM: 1}
    with app.app_context():
        summary_id, everyone = field_summary(people)
        worker_passes(summary_id)
        row = deliveries(summary_id)[VICTIM]
        assert (row.state, row.unknown_outcomes) == (DeliveryState.SENT, 1)
        assert outbox.progress(summary_id).uncertain == 0
    assert mailbox.copies(everyone) == {1: REPS, 2: 1}
    assert message_ids(mailbox, VICTIM) == [row.message_id] * 2


def test_a_reply_after_the_clients_timeout_gives_one_duplicate_and_no_more(app, people, mailbox, monkeypatch):
    # Short enough to wait out in a test, and still ample for a server in the same process.
    monkeypatch.setattr(mail, "SMTP_TIMEOUT_S", 2)
    mailbox.reply_late = {VICTIM: 1}
    with app.app_context():
        summary_id, everyone = field_summary(people)
        worker_passes(summary_id)
        row = deliveries(summary_id)[VICTIM]
        assert (row.state, row.attempts, row.unknown_outcomes) == (DeliveryState.SENT, 2, 1)
    assert mailbox.reply_late[VICTIM] == 0
    assert mailbox.copies(everyone) == {1: REPS, 2: 1}
    assert message_ids(mailbox, VICTIM) == [row.message_id] * 2


def test_a_burst_of_twelve_554_answers_is_retried_and_fails_nobody_for_good(app, people, mailbox):
    mailbox.fail_next = 12
    with app.app_context():
        summary_id, everyone = field_summary(people)
        worker_passes(summary_id)
        rows = deliveries(summary_id).values()
        assert {row.state for row in rows} == {DeliveryState.SENT}
        assert sum(row.attempts - 1 for row in rows) == 12
        assert outbox.progress(summary_id).failed == 0
    assert mailbox.fail_next == 0
    assert mailbox.copies(everyone) == {1: REPS + 1}


@pytest.mark.parametrize("refusal", ["550 5.1.1 No such mailbox", "551 5.1.6 User not local", "553 5.1.3 Bad name"])
def test_a_recipient_refused_on_rcpt_with_550_551_or_553_fails_for_good_with_the_servers_reason(
    app, people, mailbox, refusal
):
    mailbox.rejected, mailbox.rcpt_refusal = {VICTIM}, refusal
    with app.app_context():
        summary_id, everyone = field_summary(people)
        assert outbox.deliver(summary_id).finished
        row = deliveries(summary_id)[VICTIM]
        assert (row.state, row.attempts) == (DeliveryState.FAILED, 1) and refusal in row.last_error
    assert mailbox.copies(everyone) == {0: 1, 1: REPS}


@pytest.mark.parametrize(
    "fault",
    [
        ("rcpt_refusal", "554 5.7.1 Relay access denied"),
        ("rcpt_refusal", "552 5.2.2 Mailbox full"),
        ("sender_refusal", "553 5.7.1 Sender address rejected"),
        ("failure", "550 5.7.1 Message content rejected"),
    ],
)
def test_other_refusals_are_about_the_server_or_the_transaction_and_are_retried(app, people, mailbox, fault):
    setting, answer = fault
    setattr(mailbox, setting, answer)
    if setting == "rcpt_refusal":
        mailbox.rejected = {people["field"].email}
    mailbox.fail_next = int(setting == "failure")
    with app.app_context():
        summary_id = make_frozen_summary(people["lead"], audience=("field",))
        first = outbox.deliver(summary_id)
        assert (first.sent, first.failed, first.deferred) == (0, 0, 1) and answer in first.stopped
        assert outbox.progress(summary_id).waiting == 1
        mailbox.sender_refusal, mailbox.rejected = None, set()
        assert outbox.deliver(summary_id, retry_now=True).finished
    assert mailbox.per_recipient() == {people["field"].email: 1}


def failed_send(app, people, mailbox) -> tuple[int, list[str]]:
    mailbox.rejected = {VICTIM, "rep7@example.com"}
    with app.app_context():
        summary_id, everyone = field_summary(people)
        assert outbox.deliver(summary_id).finished
    mailbox.rejected = set()
    return summary_id, everyone


def test_a_lead_retries_the_failed_recipients_from_the_progress_page_and_the_worker_sends_them(
    app, people, mailbox, as_lead
):
    summary_id, everyone = failed_send(app, people, mailbox)
    page = as_lead.get(f"/summaries/{summary_id}/progress").get_data(as_text=True)
    assert "2 failed" in page and "Retry failed recipients" in page

    response = as_lead.post(f"/summaries/{summary_id}/retry-failed", follow_redirects=True)
    assert "2 failed recipients will be tried again." in response.get_data(as_text=True)
    with app.app_context():
        state = outbox.progress(summary_id)
        assert (state.state, state.failed, state.pending) == (SummaryState.SENDING, 0, 2)
        assert outbox.send_due()[summary_id].finished
    page = as_lead.get(f"/summaries/{summary_id}/progress").get_data(as_text=True)
    assert f"{REPS + 1}</strong> of {REPS + 1} delivered" in page and "Retry failed recipients" not in page
    assert mailbox.copies(everyone) == {1: REPS + 1}


def test_retry_failed_is_for_leads_only_needs_the_csrf_token_and_refuses_a_draft(
    app, people, mailbox, as_lead, as_council
):
    summary_id, _ = failed_send(app, people, mailbox)
    assert as_council.post(f"/summaries/{summary_id}/retry-failed").status_code == 403
    assert as_lead.client.post(f"/summaries/{summary_id}/retry-failed").status_code == 400
    with app.app_context():
        assert outbox.progress(summary_id).failed == 2
        with write_transaction() as session:
            session.execute(update(Summary).values(state=SummaryState.DRAFT))
    assert as_lead.post(f"/summaries/{summary_id}/retry-failed").status_code == 409


def test_retry_failed_leaves_uncertain_deliveries_alone(app, people, mailbox):
    mailbox.drop_after_data = {VICTIM: 2}
    mailbox.rejected = {"rep7@example.com"}
    with app.app_context():
        summary_id, everyone = field_summary(people)
        worker_passes(summary_id)
        mailbox.rejected = set()
        assert outbox.retry_failed(summary_id) == 1
        worker_passes(summary_id)
        assert deliveries(summary_id)[VICTIM].state == DeliveryState.UNCERTAIN
    assert mailbox.copies(everyone) == {1: REPS, 2: 1} and mailbox.per_recipient()[VICTIM] == 2


def test_summary_retry_failed_command_puts_the_failed_back_for_the_worker(app, people, mailbox):
    summary_id, everyone = failed_send(app, people, mailbox)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["summary", "retry-failed", str(summary_id)])
    assert result.exit_code == 0, result.output
    assert f"Summary {summary_id}: 2 failed recipients will be tried again." in result.output
    assert "0 failed recipients" in runner.invoke(args=["summary", "retry-failed", str(summary_id)]).output
    assert runner.invoke(args=["summary", "send", "--due"]).exit_code == 0
    assert mailbox.copies(everyone) == {1: REPS + 1}
    missing = runner.invoke(args=["summary", "retry-failed", "999"])
    assert missing.exit_code == 1 and "no summary 999" in missing.output
