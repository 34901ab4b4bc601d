"""A real SMTP server in the test process (aiosmtpd on 127.0.0.1), keeping every message it accepts.

It can be told to refuse every message after the n-th (with 421, "try later", by default), to refuse
particular recipients for good (550), or to be slow. Its fault modes lose the reply to a message it has taken
(and kept): it hangs up after the data, or answers only once the client has given up waiting; and it can fail
the next n transactions (554 on the data). Use it through `mail_server(app)`, which points the app's SMTP
settings at it.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: list[str]
    raw: bytes
    mail_options: list[str]

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)


class Mailbox:
    """The aiosmtpd handler: stores what it accepts; refusals are set by the test."""

    def __init__(self):
        self.received: list[Received] = []
        self.refuse_after: int | None = None
        self.refusal = "421 4.3.2 Too many messages, try again later"
        self.rejected: set[str] = set()
        self.rcpt_refusal = "550 5.1.1 No such mailbox here"
        # Set to answer every MAIL FROM with it.
        self.sender_refusal: str | None = None
        # Seconds to take over each message, like a slow server.
        self.delay = 0.0
        # Address -> how many more of its messages to keep and then hang up on, without a reply.
        self.drop_after_data: dict[str, int] = {}
        # Address -> how many more of its messages to keep and answer only after the client hung up.
        self.reply_late: dict[str, int] = {}
        # How many of the next transactions to fail after their data, and how.
        self.fail_next = 0
        self.failure = "554 5.3.0 Transaction failed"
        self._lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.sender_refusal is not None:
            return self.sender_refusal
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.rejected:
            return self.rcpt_refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        with self._lock:
            if self.refuse_after is not None and len(self.received) >= self.refuse_after:
                return self.refusal
            if self.fail_next:
                self.fail_next -= 1
                return self.failure
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content, envelope.mail_options)
            )
            drop, late = (_take(faults, envelope.rcpt_tos) for faults in (self.drop_after_data, self.reply_late))
        if drop:
            server.transport.close()
        if late:
            # Polled, not timed: the answer surely comes after the client's timeout, however slow the machine.
            while server.transport is not None and not server.transport.is_closing():
                await asyncio.sleep(0.05)
        if drop or late:
            # The closed connection cancels this handler before the reply could go anywhere.
            await asyncio.sleep(LONGEST_WAIT_S)
        return "250 2.0.0 Accepted"

    def per_recipient(self) -> Counter:
        return Counter(address for item in self.received for address in item.recipients)

    def copies(self, addresses) -> Counter:
        """How many of these addresses got 0, 1 and 2 or more copies: {0: …, 1: …, 2: …}."""
        received = self.per_recipient()
        return Counter(min(received[address], 2) for address in addresses)


LONGEST_WAIT_S = 60


def _take(faults: dict[str, int], recipients: list[str]) -> bool:
    """Use up one of the faults left for any of these recipients."""
    for address in recipients:
        if faults.get(address, 0) > 0:
            faults[address] -= 1
            return True
    return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(**server_kwargs):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), **server_kwargs)
    controller.start()
    try:
        yield controller, mailbox
    finally:
        controller.stop()


@contextmanager
def mail_server(app, **server_kwargs):
    with smtp_server(**server_kwargs) as (controller, mailbox):
        app.config.update(SMTP_HOST=controller.hostname, SMTP_PORT=controller.port, SITE_URL="https://wiki.example.com")
        yield mailbox
