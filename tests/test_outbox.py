"""Sending a summary through the outbox to a real SMTP server (aiosmtpd in this process)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.conftest_mail import mail_server, smtp_server
from tests.factories import make_frozen_summary, make_user
from wiki.db import write_transaction
from wiki.errors import Conflict
from wiki.extensions import db
from wiki.mail import ConsoleTransport, Letter, MailSettings, Recipient, SMTPTransport, clean_header
from wiki.models import DeliveryState, Summary, SummaryDelivery, SummaryState, User, utcnow
from wiki.services import outbox, subscriptions, summaries


@pytest.fixture
def mailbox(app):
    with mail_server(app) as mailbox:
        yield mailbox


def field_reps(count: int) -> list[User]:
    return [make_user(role="field", name=f"Rep {n}", email=f"rep{n}@example.com") for n in range(count)]


def deliveries(summary_id: int) -> dict[str, SummaryDelivery]:
    rows = db.session.execute(select(SummaryDelivery).where(SummaryDelivery.summary_id == summary_id)).scalars()
    return {row.email: row for row in rows}


def body_text(message, subtype: str) -> str:
    return message.get_body((subtype,)).get_content().replace("\r\n", "\n")


def test_each_recipient_gets_one_multipart_message_with_the_frozen_content_and_their_own_links(
    app, people, mailbox, client
):
    with app.app_context():
        reps = field_reps(3)
        summary_id = make_frozen_summary(people["lead"], subject="Council summary: 1–14 November")
        report = outbox.deliver(summary_id)
        rows = deliveries(summary_id)
        summary = db.session.get(Summary, summary_id)
        assert summary.state == SummaryState.SENT and summary.finished_at is not None
        links = {person.email: subscriptions.unsubscribe_url(person.id) for person in [*people.values(), *reps]}

    assert (report.sent, report.failed, report.finished) == (6, 0, True)
    assert mailbox.per_recipient() == {email: 1 for email in links}
    for received in mailbox.received:
        (email,) = received.recipients
        message = received.message
        assert message.get_content_type() == "multipart/alternative"
        assert message["Subject"] == "Council summary: 1–14 November"
        assert (
            message["From"] == "Council Wiki <council-wiki@localhost>" and received.sender == "council-wiki@localhost"
        )
        assert [address.addr_spec for address in message["To"].addresses] == [email]
        assert message["Date"] and message["Auto-Submitted"] == "auto-generated"
        assert message["Message-ID"] == rows[email].message_id and message["Message-ID"].endswith("@wiki.example.com>")
        assert message["List-Unsubscribe"] == f"<{links[email]}>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text, html = body_text(message, "plain"), body_text(message, "html")
        assert "Thanks to Cora Council (EMEA)" in text and "<strong>Cora Council</strong> (EMEA)" in html
        assert f"https://wiki.example.com/summaries/{summary_id}" in text and f"/summaries/{summary_id}" in html
        assert f"Unsubscribe: {links[email]}\n" in text and f'<a href="{links[email]}">Unsubscribe</a>' in html
        assert "__UNSUBSCRIBE_URL__" not in text + html

    # The link in the email works: it names the person's own address, and its one-click POST unsubscribes them.
    path = links["rep0@example.com"].removeprefix("https://wiki.example.com")
    assert "rep0@example.com" in client.get(path).get_data(as_text=True)
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    with app.app_context():
        assert db.session.get(User, reps[0].id).summary_emails is False


def test_a_server_refusing_after_the_7th_message_stops_the_send_and_a_second_send_delivers_the_rest(
    app, people, mailbox
):
    mailbox.refuse_after = 7
    with app.app_context():
        field_reps(9)
        summary_id = make_frozen_summary(people["lead"])
        first = outbox.deliver(summary_id)
        assert (first.sent, first.failed, first.deferred, first.finished) == (7, 0, 1, False)
        assert "421" in first.stopped and first.retry_at > utcnow()
        halfway = outbox.progress(summary_id)
        assert (halfway.queued, halfway.sent, halfway.waiting, halfway.pending, halfway.sending) == (12, 7, 1, 4, 0)
        assert "421" in halfway.retries[0].reason and halfway.next_attempt_at == first.retry_at
        assert db.session.get(Summary, summary_id).state == SummaryState.SENDING

        mailbox.refuse_after = None
        second = outbox.deliver(summary_id, retry_now=True)
        assert (second.sent, second.finished) == (5, True)
        done = outbox.progress(summary_id)
        assert (done.sent, done.remaining, done.failed) == (12, 0, 0)
        everyone = db.session.execute(select(User.email)).scalars().all()
    assert len(mailbox.received) == 12
    assert mailbox.per_recipient() == {email: 1 for email in everyone}


def test_a_temporary_failure_waits_for_its_backoff_unless_retry_now(app, people, mailbox):
    mailbox.refuse_after = 0
    with app.app_context():
        summary_id = make_frozen_summary(people["lead"])
        refused_from = utcnow()
        first = outbox.deliver(summary_id)
        assert (first.sent, first.deferred) == (0, 1)
        mailbox.refuse_after = None
        # The two not tried yet go out; the one refused waits for its retry time.
        later = outbox.deliver(summary_id)
        assert (later.sent, later.finished) == (2, False)
        waiting = outbox.progress(summary_id)
        assert waiting.waiting == 1 and waiting.retries[0].attempts == 1
        # Measured from before the refusal, so a slow machine can't make the wait look shorter.
        assert waiting.next_attempt_at >= refused_from + outbox.backoff(1)
        # The worker leaves it to its backoff too.
        assert outbox.send_due() == {}
        now = outbox.deliver(summary_id, retry_now=True)
        assert (now.sent, now.finished) == (1, True)
    assert sorted(mailbox.per_recipient().values()) == [1, 1, 1]


def test_backoff_doubles_and_a_delivery_fails_for_good_after_the_last_attempt(app, people, mailbox):
    assert [outbox.backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert outbox.backoff(20) == outbox.LONGEST_RETRY
    mailbox.refuse_after = 0
    with app.app_context():
        summary_id = make_frozen_summary(people["lead"], audience=("lead",))
        for _ in range(outbox.MAX_ATTEMPTS):
            outbox.deliver(summary_id, retry_now=True)
        row = deliveries(summary_id)["lead@example.com"]
        assert row.state == DeliveryState.FAILED and row.attempts == outbox.MAX_ATTEMPTS
        assert row.last_error.startswith(f"Gave up after {outbox.MAX_ATTEMPTS} attempts") and "421" in row.last_error
        assert db.session.get(Summary, summary_id).state == SummaryState.SENT


def test_two_senders_started_at_once_send_each_message_once(app, people, mailbox):
    with app.app_context():
        field_reps(17)
        summary_id = make_frozen_summary(people["lead"])
    start = threading.Barrier(2)
    reports = []

    def sender():
        with app.app_context():
            start.wait()
            reports.append(outbox.deliver(summary_id, batch_size=3))

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(reports) == 2 and sum(report.sent for report in reports) == 20
    assert len(mailbox.received) == 20 and set(mailbox.per_recipient().values()) == {1}
    with app.app_context():
        assert db.session.get(Summary, summary_id).state == SummaryState.SENT


def test_a_claim_older_than_the_lease_is_taken_over_and_a_live_one_is_left_alone(app, people, mailbox):
    with app.app_context():
        summary_id = make_frozen_summary(people["lead"], audience=("field", "council"))
        outbox.queue(summary_id)
        now = utcnow()
        claims = {"field@example.com": now - outbox.lease() - timedelta(seconds=1), "council@example.com": now}
        with write_transaction() as session:
            for email, claimed_at in claims.items():
                session.execute(
                    update(SummaryDelivery)
                    .where(SummaryDelivery.email == email)
                    .values(state=DeliveryState.SENDING, claimed_at=claimed_at, claim_token=f"sender-{email}")
                )
        report = outbox.deliver(summary_id)
        assert (report.sent, report.finished) == (1, False)
        assert outbox.progress(summary_id).sending == 1
    assert list(mailbox.per_recipient()) == ["field@example.com"]


def test_a_resend_after_a_lost_reply_carries_the_same_message_id(app, people, mailbox):
    with app.app_context():
        summary_id = make_frozen_summary(people["lead"], audience=("field",))
        outbox.deliver(summary_id)
        message_id = deliveries(summary_id)["field@example.com"].message_id
        # As if the sender died after the server accepted the message, before it could record it.
        with write_transaction() as session:
            session.execute(
                update(SummaryDelivery).values(
                    state=DeliveryState.SENDING,
                    sent_at=None,
                    claim_token="died",
                    claimed_at=utcnow() - outbox.lease() * 2,
                )
            )
            session.execute(update(Summary).values(state=SummaryState.SENDING, finished_at=None))
        assert outbox.deliver(summary_id).sent == 1
    assert [received.message["Message-ID"] for received in mailbox.received] == [message_id, message_id]


def test_a_permanent_refusal_marks_that_delivery_failed_with_the_reason_and_sending_goes_on(app, people, mailbox):
    mailbox.rejected = {"council@example.com"}
    with app.app_context():
        field_reps(2)
        summary_id = make_frozen_summary(people["lead"])
        report = outbox.deliver(summary_id)
        assert (report.sent, report.failed, report.stopped, report.finished) == (4, 1, "", True)
        row = deliveries(summary_id)["council@example.com"]
        assert row.state == DeliveryState.FAILED and "550 5.1.1 No such mailbox here" in row.last_error
        state = outbox.progress(summary_id)
        assert state.failed == 1 and [(f.email, f.reason) for f in state.failures] == [
            ("council@example.com", row.last_error)
        ]
    assert "council@example.com" not in mailbox.per_recipient()


def test_ten_refusals_in_a_row_halt_the_send_as_a_settings_problem(app, people, mailbox):
    with app.app_context():
        reps = field_reps(25)
        mailbox.rejected = {rep.email for rep in reps}
        summary_id = make_frozen_summary(people["lead"], audience=("field",))
        report = outbox.deliver(summary_id)
        assert (report.sent, report.failed, report.halted) == (1, 10, True)
        assert "refused 10 recipients in a row" in report.stopped
        stopped = outbox.progress(summary_id)
        assert "refused 10 recipients in a row" in stopped.stopped and stopped.stalled
        # The worker leaves it alone until a lead resumes, instead of failing everyone ten at a time.
        assert outbox.send_due() == {}
        assert outbox.progress(summary_id).failed == 10
        outbox.resume(summary_id)
        assert outbox.progress(summary_id).stopped == ""
        (again,) = outbox.send_due().values()
        assert again.halted
        state = outbox.progress(summary_id)
        assert (state.failed, state.pending) == (20, 5)


def test_header_injection_through_a_name_or_the_subject_is_impossible(app, people, mailbox):
    with app.app_context():
        eve = make_user(role="field", name="Eve\r\nBcc: x@evil.example", email="eve@example.com")
        summary_id = make_frozen_summary(
            people["lead"], subject="News\r\nBcc: y@evil.example\nX-Evil: 1", audience=("field",)
        )
        outbox.deliver(summary_id)
    (received,) = [item for item in mailbox.received if item.recipients == [eve.email]]
    message = received.message
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert not any(line.lower().startswith((b"bcc:", b"x-evil:")) for line in received.raw.split(b"\r\n"))
    assert [address.addr_spec for address in message["To"].addresses] == ["eve@example.com"]
    assert message["To"].addresses[0].display_name == "Eve Bcc: x@evil.example"
    assert message["Subject"] == "News Bcc: y@evil.example X-Evil: 1"


@pytest.mark.parametrize(
    "name", ["Jörg Müller\r\nBcc: x@evil.example", "Zoë\x00\x1b[31m\u2028Cc: x@evil.example", 'A "quoted", name']
)
def test_a_recipient_name_stays_one_display_name(name):
    letter = Letter(mail_from="Council Wiki <wiki@example.com>", subject="S", text_body="t", html_body="h")
    recipient = Recipient("jo@example.com", name, "<1.2@wiki.example.com>", "https://wiki.example.com/unsubscribe/x")
    message = letter.message_for(recipient)
    (address,) = message["To"].addresses
    assert address.addr_spec == "jo@example.com" and address.display_name == clean_header(name)
    assert message["Cc"] is None and message["Bcc"] is None


LINK = "https://wiki.example.com/unsubscribe/MQ.abc"
ACCENTED_TEXT = "Merci à Zoë (EMEA) – “great slide”.\nUnsubscribe: __UNSUBSCRIBE_URL__\n"
ACCENTED_HTML = '<p>Merci à <b>Zoë</b> (EMEA) – “great slide”.</p>\n<a href="__UNSUBSCRIBE_URL__">Unsubscribe</a>\n'


def decoded(message) -> tuple[str, str]:
    return body_text(message, "plain"), body_text(message, "html")


def transfer_encodings(message) -> list[str]:
    return [part["Content-Transfer-Encoding"] for part in message.iter_parts()]


@pytest.mark.parametrize(
    ("text", "allow_8bit", "encoding"),
    [
        ("Plain ASCII.\nUnsubscribe: __UNSUBSCRIBE_URL__\n", False, "7bit"),
        (ACCENTED_TEXT, True, "8bit"),
        (ACCENTED_TEXT, False, "quoted-printable"),
        ("x" * 999 + "\nUnsubscribe: __UNSUBSCRIBE_URL__\n", True, "quoted-printable"),
        ("a\rb\nUnsubscribe: __UNSUBSCRIBE_URL__\n", True, "quoted-printable"),
        ("x" * (990 - len(LINK)) + "__UNSUBSCRIBE_URL__" + "y" * 20 + "\n", True, "quoted-printable"),
    ],
    ids=["ascii", "utf-8", "server-without-8bitmime", "long-line", "bare-cr", "no-room-for-the-link"],
)
def test_bodies_go_unencoded_when_smtp_can_carry_them_and_decode_the_same_either_way(text, allow_8bit, encoding):
    html = text.replace("__UNSUBSCRIBE_URL__", '<a href="__UNSUBSCRIBE_URL__">x</a>')
    letter = Letter(mail_from="Wiki <wiki@example.com>", subject="S", text_body=text, html_body=html)
    recipient = Recipient("jo@example.com", "Jo", "<1.2@example.com>", LINK)
    raw = letter.render(recipient, allow_8bit=allow_8bit)
    message = letter.message_for(recipient, allow_8bit=allow_8bit)
    assert transfer_encodings(message) == [encoding, encoding]
    assert raw.isascii() == (encoding != "8bit")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    if "\r" not in text:  # a bare CR comes back as a line break from quoted-printable
        assert decoded(message) == (
            text.replace("__UNSUBSCRIBE_URL__", LINK),
            html.replace("__UNSUBSCRIBE_URL__", LINK),
        )


def test_utf_8_goes_as_8bitmime_and_a_server_without_it_gets_quoted_printable(app, people):
    # aiosmtpd announces 8BITMIME unless it decodes what it receives.
    for server_kwargs, encoding in [({}, "8bit"), ({"decode_data": True}, "quoted-printable")]:
        with mail_server(app, **server_kwargs) as mailbox, app.app_context():
            summary_id = make_frozen_summary(people["lead"], audience=("field",))
            with write_transaction() as session:
                session.get(Summary, summary_id).text_body = ACCENTED_TEXT
                session.get(Summary, summary_id).html_body = ACCENTED_HTML
            assert outbox.deliver(summary_id).sent == 1
            link = subscriptions.unsubscribe_url(people["field"].id)
        (received,) = mailbox.received
        assert ("BODY=8BITMIME" in received.mail_options) == (encoding == "8bit")
        assert transfer_encodings(received.message) == [encoding, encoding]
        text, html = decoded(received.message)
        assert text == ACCENTED_TEXT.replace("__UNSUBSCRIBE_URL__", link)
        assert html == ACCENTED_HTML.replace("__UNSUBSCRIBE_URL__", link)


def test_an_unusable_address_fails_that_delivery_only(app, people, mailbox):
    with app.app_context():
        summary_id = make_frozen_summary(people["lead"], audience=("field", "council"))
        outbox.queue(summary_id)
        with write_transaction() as session:
            session.execute(
                update(SummaryDelivery)
                .where(SummaryDelivery.email == "field@example.com")
                .values(email="a@b.example, c@evil.example")
            )
        report = outbox.deliver(summary_id)
        assert (report.sent, report.failed) == (1, 1)
        assert "Unusable email address" in outbox.progress(summary_id).failures[0].reason
    assert list(mailbox.per_recipient()) == ["council@example.com"]


def test_queue_is_idempotent_and_picks_active_subscribed_people_in_the_audience(app, people):
    with app.app_context():
        field_reps(2)
        quiet = make_user(role="field", email="quiet@example.com")
        subscriptions.set_summary_emails(quiet, False)
        gone = make_user(role="council", email="gone@example.com")
        with write_transaction() as session:
            session.get(User, gone.id).active = False
        summary_id = make_frozen_summary(people["lead"], audience=("field", "council"))
        assert outbox.queue(summary_id) == 4
        first = {email: row.message_id for email, row in deliveries(summary_id).items()}
        assert outbox.queue(summary_id) == 0
        assert deliveries(summary_id).keys() == {
            "field@example.com",
            "council@example.com",
            "rep0@example.com",
            "rep1@example.com",
        }
        assert {email: row.message_id for email, row in deliveries(summary_id).items()} == first
        assert len(set(first.values())) == 4


def test_a_draft_cannot_be_queued_or_delivered(app, people):
    with app.app_context():
        summary_id = make_frozen_summary(people["lead"])
        with write_transaction() as session:
            session.get(Summary, summary_id).state = SummaryState.DRAFT
        with pytest.raises(Conflict):
            outbox.queue(summary_id)
        with pytest.raises(Conflict):
            outbox.deliver(summary_id)


def test_deliver_queues_a_summary_whose_queueing_was_interrupted(app, people, mailbox):
    with app.app_context():
        summary_id = make_frozen_summary(people["lead"])
        assert outbox.deliver(summary_id).sent == 3
    assert len(mailbox.received) == 3


def test_a_summary_with_nobody_to_send_to_is_finished_at_once(app, people, mailbox):
    with app.app_context():
        subscriptions.set_summary_emails(people["lead"], False)
        summary_id = make_frozen_summary(people["lead"], audience=("lead",))
        assert outbox.deliver(summary_id).finished
        assert outbox.progress(summary_id).finished


def test_without_smtp_host_the_email_is_printed_to_the_console(app, people, capsys):
    app.config.update(SMTP_HOST="", SITE_URL="http://127.0.0.1:5000")
    with app.app_context():
        summary_id = make_frozen_summary(people["lead"], subject="Printed summary", audience=("field",))
        assert outbox.deliver(summary_id).sent == 1
        link = subscriptions.unsubscribe_url(people["field"].id)
    out = capsys.readouterr().out
    assert "Email to field@example.com" in out and "Subject: Printed summary" in out
    assert "Thanks to Cora Council (EMEA)" in out and f"Unsubscribe: {link}" in out


def test_console_transport_shows_headers_and_the_text_part():
    letter = Letter(
        mail_from="Wiki <wiki@example.com>", subject="Hello", text_body="Plain words\n", html_body="<p>x</p>"
    )
    recipient = Recipient("jo@example.com", "Jo", "<1.2@example.com>", "https://wiki.example.com/unsubscribe/x")
    lines: list[str] = []

    class Stream:
        def write(self, text: str) -> None:
            lines.append(text)

        def flush(self) -> None:
            pass

    ConsoleTransport(Stream()).send(letter.sender, recipient.email, letter.render(recipient))
    printed = "".join(lines)
    assert "To: Jo <jo@example.com>" in printed and "Plain words" in printed and "HTML part" in printed


def test_the_connection_is_reused_and_reopened_once_after_the_server_dropped_it(app):
    letter = Letter(mail_from="Wiki <wiki@example.com>", subject="Hello", text_body="t\n", html_body="<p>h</p>")
    with smtp_server(timeout=0.3) as (controller, mailbox):
        app.config.update(SMTP_HOST=controller.hostname, SMTP_PORT=controller.port)
        transport = SMTPTransport(MailSettings.from_config(app.config))
        try:
            for n in range(3):
                recipient = Recipient(f"p{n}@example.com", "P", f"<{n}@example.com>", "https://w.example/u/x")
                transport.send(letter.sender, recipient.email, letter.render(recipient))
                if n == 1:
                    time.sleep(0.8)  # past the server's idle timeout: it hangs up
        finally:
            transport.close()
        assert [item.recipients for item in mailbox.received] == [
            ["p0@example.com"],
            ["p1@example.com"],
            ["p2@example.com"],
        ]


def test_an_unreachable_server_is_a_temporary_failure(app, people):
    with smtp_server() as (controller, _):
        port = controller.port
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    with app.app_context():
        summary_id = make_frozen_summary(people["lead"], audience=("field",))
        report = outbox.deliver(summary_id)
        assert (report.sent, report.deferred) == (0, 1) and "Could not talk to the mail server" in report.stopped
        assert outbox.progress(summary_id).waiting == 1


def test_summary_send_command_reports_and_fails_while_anyone_is_left_waiting(app, people, mailbox):
    runner = app.test_cli_runner()
    with app.app_context():
        field_reps(2)
        summary_id = make_frozen_summary(people["lead"])
    mailbox.refuse_after = 2
    stopped = runner.invoke(args=["summary", "send", str(summary_id)])
    assert stopped.exit_code == 1
    assert "Stopped: The mail server" in stopped.output and "sent 2, failed 0, waiting 3" in stopped.output
    mailbox.refuse_after = None
    mailbox.rejected = {"rep1@example.com"}
    rest = runner.invoke(args=["summary", "send", str(summary_id)])
    assert rest.exit_code == 1, rest.output
    assert "Failed: rep1@example.com: The mail server refused the recipient: 550" in rest.output
    assert rest.output.strip().endswith("sent 4, failed 1, waiting 0")
    assert len(mailbox.received) == 4 and set(mailbox.per_recipient().values()) == {1}


def test_summary_send_command_sends_everything_and_exits_zero(app, people, mailbox):
    with app.app_context():
        summary_id = make_frozen_summary(people["lead"])
    result = app.test_cli_runner().invoke(args=["summary", "send", str(summary_id)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("sent 3, failed 0, waiting 0")
    again = app.test_cli_runner().invoke(args=["summary", "send", str(summary_id)])
    assert again.exit_code == 0 and len(mailbox.received) == 3


def test_summary_send_command_refuses_a_draft_or_a_missing_summary(app, people, mailbox):
    with app.app_context():
        summary_id = make_frozen_summary(people["lead"])
        with write_transaction() as session:
            session.get(Summary, summary_id).state = SummaryState.DRAFT
    draft = app.test_cli_runner().invoke(args=["summary", "send", str(summary_id)])
    assert draft.exit_code == 1 and "still a draft" in draft.output
    missing = app.test_cli_runner().invoke(args=["summary", "send", "999"])
    assert missing.exit_code == 1 and "no summary 999" in missing.output
    assert mailbox.received == []


def test_summary_send_due_sends_what_every_summary_has_waiting_and_exits(app, people, mailbox):
    runner = app.test_cli_runner()
    with app.app_context():
        first = make_frozen_summary(people["lead"], audience=("field",))
        second = make_frozen_summary(people["lead"], audience=("council", "lead"))
    result = runner.invoke(args=["summary", "send", "--due"])
    assert result.exit_code == 0, result.output
    assert f"Summary {first}: sent 1, failed 0" in result.output and f"Summary {second}: sent 2" in result.output
    assert len(mailbox.received) == 3 and set(mailbox.per_recipient().values()) == {1}
    again = runner.invoke(args=["summary", "send", "--due"])
    assert again.exit_code == 0 and "Nothing is due." in again.output and len(mailbox.received) == 3
    assert runner.invoke(args=["summary", "send"]).exit_code == 2


def send_as_lead(app, people, as_lead) -> int:
    with app.app_context():
        start, end = summaries.default_period()
        draft_id = summaries.create_draft(db.session.get(User, people["lead"].id), start, end).id
    assert as_lead.post(f"/summaries/{draft_id}/send").status_code == 303
    return draft_id


def test_a_send_under_way_offers_no_resume_and_one_nobody_picks_up_says_no_sender_is_running(
    app, people, as_lead, mailbox
):
    summary_id = send_as_lead(app, people, as_lead)
    page = as_lead.get(f"/summaries/{summary_id}/progress").get_data(as_text=True)
    assert "Sending…" in page and "0</strong> of 3 delivered" in page
    assert "No sender is running" not in page and "Resume sending now" not in page

    # As if a lease had gone by since the lead pressed Send and no worker came.
    with app.app_context():
        earlier = utcnow() - outbox.lease() * 2
        with write_transaction() as session:
            session.execute(update(Summary).values(sent_at=earlier))
            session.execute(update(SummaryDelivery).values(next_attempt_at=earlier))
    page = as_lead.get(f"/summaries/{summary_id}/progress").get_data(as_text=True)
    assert "No sender is running: start <code>flask --app wsgi worker</code>" in page
    assert "Resume sending now" in page

    # A worker's pass over the outbox is the sign of life.
    with app.app_context():
        assert outbox.send_due()[summary_id].finished
    page = as_lead.get(f"/summaries/{summary_id}/progress").get_data(as_text=True)
    assert "No sender is running" not in page and "3</strong> of 3 delivered" in page
    assert mailbox.received and set(mailbox.per_recipient().values()) == {1}


def test_a_send_stopped_for_the_settings_says_why_and_resume_lets_the_worker_go_on(app, people, as_lead, mailbox):
    with app.app_context():
        reps = field_reps(12)
    mailbox.rejected = {rep.email for rep in reps}
    summary_id = send_as_lead(app, people, as_lead)
    with app.app_context():
        assert outbox.send_due()[summary_id].halted
    page = as_lead.get(f"/summaries/{summary_id}/progress").get_data(as_text=True)
    assert "Sending stopped: The mail server refused 10 recipients in a row" in page
    assert "Resume sending now" in page

    mailbox.rejected = set()
    assert as_lead.post(f"/summaries/{summary_id}/resume").status_code == 303
    with app.app_context():
        assert outbox.progress(summary_id).stopped == ""
        assert outbox.send_due()[summary_id].finished
    page = as_lead.get(f"/summaries/{summary_id}/progress").get_data(as_text=True)
    assert "Sent" in page and "Sending stopped" not in page and "Resume sending now" not in page


def test_resume_refuses_a_draft_and_people_who_are_not_leads(app, people, as_lead, as_council):
    with app.app_context():
        start, end = summaries.default_period()
        draft_id = summaries.create_draft(db.session.get(User, people["lead"].id), start, end).id
        sending_id = make_frozen_summary(people["lead"])
    assert as_lead.post(f"/summaries/{draft_id}/resume").status_code == 409
    assert as_council.post(f"/summaries/{sending_id}/resume").status_code == 403
