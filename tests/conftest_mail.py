"""A real SMTP server in the test process (aiosmtpd on 127.0.0.1), keeping every message it accepts.

It can be told to refuse every message after the n-th (with 421, "try later", by default), to refuse
particular recipients for good (550), or to be slow. Use it through `mail_server(app)`, which points the
app's SMTP settings at it.
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
        # Seconds to take over each message, like a slow server.
        self.delay = 0.0
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.rejected:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        with self._lock:
            if self.refuse_after is not None and len(self.received) >= self.refuse_after:
                return self.refusal
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content, envelope.mail_options)
            )
        return "250 2.0.0 Accepted"

    def per_recipient(self) -> Counter:
        return Counter(address for item in self.received for address in item.recipients)


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
