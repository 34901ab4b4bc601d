"""Summary emails: building each recipient's message and handing it to an SMTP server (or the console).

No Flask here: the outbox passes in the settings and the frozen summary, so this module can be used and
tested on its own.
"""

from __future__ import annotations

import re
import smtplib
import ssl
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from email import message_from_bytes, quoprimime
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart
from email.policy import SMTP
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from typing import Protocol, TextIO
from urllib.parse import urlsplit

# Where the recipient's own unsubscribe link goes in the frozen bodies (the summaries code writes it).
UNSUBSCRIBE_MARKER = "__UNSUBSCRIBE_URL__"
SMTP_TIMEOUT_S = 30

# C0 and C1 controls (CR and LF among them) and the Unicode line and paragraph separators: any of them
# in a header value could start a new header line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPACES = re.compile(r" {2,}")
# Plain dot-atom addresses (RFC 5322), which go into a header as they are; quoted or non-ASCII local parts and
# IP-literal domains are refused rather than parsed.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_ADDRESS = re.compile(rf"{_ATOM}(\.{_ATOM})*@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
_MESSAGE_ID = re.compile(r"<[!-;=?-~]+@[!-;=?-~]+>")
# Characters a link may use to go verbatim into a header, an HTML attribute and quoted-printable text.
_LINK = re.compile(r"https?://[A-Za-z0-9._~:/%@+\[\]-]+")
_QP_LINE = 75


class SendFailure(Exception):
    """A message that didn't go out, or may not have. Permanent: this recipient will never get it (the server
    refused the address with 550, 551 or 553, or the address is unusable). Otherwise temporary: try again later.
    outcome_unknown: the whole message went out but no answer came back (the connection dropped, or the reply
    came after our timeout), so the server may have taken it."""

    def __init__(self, reason: str, *, permanent: bool, outcome_unknown: bool = False):
        super().__init__(reason)
        self.reason = reason[:500]
        self.permanent = permanent
        self.outcome_unknown = outcome_unknown


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    username: str
    password: str
    starttls: bool
    mail_from: str
    site_url: str

    @classmethod
    def from_config(cls, config: Mapping) -> MailSettings:
        return cls(
            host=config["SMTP_HOST"],
            port=config["SMTP_PORT"],
            username=config["SMTP_USERNAME"],
            password=config["SMTP_PASSWORD"],
            starttls=config["SMTP_STARTTLS"],
            mail_from=config["MAIL_FROM"],
            site_url=config["SITE_URL"],
        )


def clean_header(value: str) -> str:
    """A header value from user input on one line: control characters become spaces."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", value)).strip()


def new_message_id(settings: MailSettings) -> str:
    domain = urlsplit(settings.site_url).hostname or parseaddr(settings.mail_from)[1].rpartition("@")[2]
    return make_msgid(domain=domain or "localhost")


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    message_id: str
    unsubscribe_url: str


class Letter:
    """One summary's email for all its recipients.

    The MIME structure and the encoded bodies are built once with the standard library; each recipient's
    copy then only needs its To, Date, Message-ID and List-Unsubscribe headers and its unsubscribe link
    filled in. Building a full EmailMessage per recipient would cost more than sending it.

    Bodies whose lines all fit SMTP's 998-octet limit go as they are (8bit, for a server that announces
    8BITMIME, or 7bit when they are plain ASCII): a server reads them in far fewer lines. Otherwise they
    go in quoted-printable, which any server takes.
    """

    def __init__(self, *, mail_from: str, subject: str, text_body: str, html_body: str):
        headers = EmailMessage(policy=SMTP)
        headers["From"] = clean_header(mail_from)
        senders = headers["From"].addresses
        if len(senders) != 1 or not senders[0].addr_spec or headers["From"].defects:
            raise ValueError(
                f"MAIL_FROM must be one address, like 'Council Wiki <wiki@example.com>', not {mail_from!r}."
            )
        self.sender = senders[0].addr_spec
        headers["Subject"] = clean_header(subject)
        # RFC 8058: mail providers offer an unsubscribe button that POSTs to the List-Unsubscribe address.
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        # RFC 3834, and the older Precedence convention: out-of-office replies should not answer a bulk email.
        headers["Auto-Submitted"] = "auto-generated"
        headers["Precedence"] = "bulk"
        headers["MIME-Version"] = "1.0"
        bodies = {"plain": text_body.replace("\r\n", "\n"), "html": html_body.replace("\r\n", "\n")}
        self._quoted = _template(headers, {subtype: _quoted_printable(body) for subtype, body in bodies.items()})
        # How long an unsubscribe link may be before a line with it in would pass the limit.
        self._room = min(_room(body) for body in bodies.values())
        self._ascii = all(body.isascii() for body in bodies.values())
        self._unencoded = _template(headers, bodies, "7bit" if self._ascii else "8bit") if self._room > 0 else None

    def render(self, recipient: Recipient, *, allow_8bit: bool = True) -> bytes:
        """The complete message for one recipient, as it goes over SMTP. allow_8bit: the server announced
        8BITMIME (the transport then declares BODY=8BITMIME for a message that isn't ASCII)."""
        link = recipient.unsubscribe_url
        if not _LINK.fullmatch(link):
            raise SendFailure(f"Unusable unsubscribe link {link!r}; check SITE_URL.", permanent=False)
        if not _MESSAGE_ID.fullmatch(recipient.message_id):
            raise SendFailure(f"Unusable Message-ID {recipient.message_id!r}.", permanent=True)
        personal = (
            _to_header(recipient.name, recipient.email)
            + f"Date: {formatdate(usegmt=True)}\r\n"
            + f"Message-ID: {recipient.message_id}\r\n"
            + f"List-Unsubscribe: <{link}>\r\n"
        ).encode("ascii")
        if self._unencoded is not None and (allow_8bit or self._ascii) and len(link) <= self._room:
            head, body = self._unencoded
            return personal + head + body.replace(_MARKER, link.encode("ascii"))
        # In quoted-printable the link is cut into soft-broken lines, which decoding joins again.
        chunks = (link[i : i + _QP_LINE] for i in range(0, len(link), _QP_LINE))
        head, body = self._quoted
        return personal + head + body.replace(_QP_MARKER, ("=\r\n".join(chunks) + "=\r\n").encode("ascii"))

    def message_for(self, recipient: Recipient, *, allow_8bit: bool = True) -> EmailMessage:
        return message_from_bytes(self.render(recipient, allow_8bit=allow_8bit), policy=SMTP)


_MARKER = UNSUBSCRIBE_MARKER.encode("ascii")
_QP_MARKER = _MARKER + b"=\r\n"
_MAX_LINE = 998


def _template(headers: EmailMessage, bodies: dict[str, str], cte: str = "quoted-printable") -> tuple[bytes, bytes]:
    """Everything but the personal headers, as (the shared headers, the multipart/alternative body): the
    link goes into the body only, whatever the subject says."""
    message = EmailMessage(policy=SMTP)
    for name, value in headers.items():
        message[name] = value
    message["Content-Type"] = "multipart/alternative"
    for subtype, body in bodies.items():
        part = MIMEPart(policy=SMTP)
        part["Content-Type"] = f'text/{subtype}; charset="utf-8"'
        part["Content-Transfer-Encoding"] = cte
        # Surrogate escapes make the generator write the UTF-8 bytes as they are.
        part.set_payload(body.encode("utf-8").decode("ascii", "surrogateescape"))
        message.attach(part)
    head, _, body = message.as_bytes().partition(b"\r\n\r\n")
    return head + b"\r\n\r\n", body


def _quoted_printable(body: str) -> str:
    """Quoted-printable, with each unsubscribe marker kept whole at the start of a line and ended by a soft
    line break ("=" at the end of a line, removed when decoding), so render() can replace it."""
    pieces = [
        quoprimime.body_encode(piece.encode("utf-8").decode("latin-1"), maxlinelen=_QP_LINE)
        for piece in body.split(UNSUBSCRIBE_MARKER)
    ]
    return f"=\n{UNSUBSCRIBE_MARKER}=\n".join(pieces)


def _room(body: str) -> int:
    """The longest unsubscribe link the body can take as it is; 0 if a line is too long even without one,
    or holds characters SMTP can't carry unencoded."""
    if "\r" in body or "\x00" in body:
        return 0
    room = _MAX_LINE
    for line in body.split("\n"):
        links = line.count(UNSUBSCRIBE_MARKER)
        length = len(line.encode("utf-8")) - links * len(UNSUBSCRIBE_MARKER)
        if length > _MAX_LINE:
            return 0
        if links:
            room = min(room, (_MAX_LINE - length) // links)
    return room


def _to_header(name: str, email: str) -> str:
    if not _ADDRESS.fullmatch(email):
        raise SendFailure(f"Unusable email address {email!r}.", permanent=True)
    name = clean_header(name)
    if name.isascii():
        # formataddr quotes and escapes an ASCII name as RFC 5322 wants, and costs far less than the parser.
        return f"To: {formataddr((name, email))}\r\n"
    # A non-ASCII name needs encoded words. formataddr would leave its ASCII words unquoted ("Jörg Bcc: x@evil"
    # would read as a group holding x@evil); the header registry quotes the whole name first.
    return SMTP.header_factory("To", Address(display_name=name, addr_spec=email)).fold(policy=SMTP)


class Transport(Protocol):
    @property
    def accepts_8bit(self) -> bool: ...

    def send(self, sender: str, recipient: str, message: bytes) -> None: ...

    def close(self) -> None: ...


class ConsoleTransport:
    """Prints each message instead of sending it, so a development setup without SMTP shows the email."""

    accepts_8bit = True

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream

    def send(self, sender: str, recipient: str, message: bytes) -> None:
        parsed = message_from_bytes(message, policy=SMTP)
        text = parsed.get_body(("plain",))
        html = parsed.get_body(("html",))
        out = self.stream or sys.stdout
        lines = [
            "-" * 72,
            f"Email to {recipient} (SMTP_HOST is not set, so it is printed here instead of sent)",
            *(f"{name}: {value}" for name, value in parsed.items() if not name.lower().startswith("content-")),
            "",
            text.get_content() if text is not None else "",
            f"[and an HTML part of {len(html.get_content())} characters]" if html is not None else "",
            "-" * 72,
        ]
        print("\n".join(lines), file=out, flush=True)

    def close(self) -> None:
        pass


class SMTPTransport:
    """One SMTP connection, opened on the first message and reused for the rest of the batch."""

    def __init__(self, settings: MailSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self._sent_on_connection = 0

    @property
    def accepts_8bit(self) -> bool:
        """Whether the server announced 8BITMIME; asking opens the connection."""
        try:
            return (self._smtp or self._connect()).has_extn("8bitmime")
        except OSError as error:
            raise _classify(error) from error

    def send(self, sender: str, recipient: str, message: bytes) -> None:
        worked_before = self._smtp is not None and self._sent_on_connection > 0
        options = () if message.isascii() else ("BODY=8BITMIME",)
        try:
            try:
                _transaction(self._smtp or self._connect(), sender, recipient, message, options)
            except (
                smtplib.SMTPServerDisconnected,
                smtplib.SMTPResponseException,
                smtplib.SMTPRecipientsRefused,
            ) as error:
                # Servers close connections that sat idle, some with a parting 421: a connection that worked
                # before gets one fresh start. Neither case means the server accepted the message (a reply lost
                # after the message went out is _ReplyLost, and is never resent here).
                if not worked_before or not _closing(error):
                    raise
                self._drop()
                _transaction(self._connect(), sender, recipient, message, options)
            self._sent_on_connection += 1
        except _ReplyLost as lost:
            self._drop()
            raise SendFailure(
                f"No answer from the mail server after the message went out, so it may have arrived: {lost.error}",
                permanent=False,
                outcome_unknown=True,
            ) from lost.error
        except OSError as error:  # smtplib's errors are OSErrors too
            if not isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused):
                # The connection is in an unknown state; the next message starts a new one.
                self._drop()
            raise _classify(error) from error

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_S)
        try:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password)
            smtp.ehlo_or_helo_if_needed()
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        self._sent_on_connection = 0
        return smtp

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except OSError:
            pass
        self._drop()


class _ReplyLost(Exception):
    """The message went out whole, but its reply didn't come back: deliberately not an OSError, so nothing that
    retries a failed transaction at once catches it."""

    def __init__(self, error: OSError):
        super().__init__(str(error))
        self.error = error


_LEADING_DOT = re.compile(rb"(?m)^\.")


def _transaction(smtp: smtplib.SMTP, sender: str, recipient: str, message: bytes, options: tuple[str, ...]) -> None:
    """What smtplib's sendmail() does for one recipient, except that it tells a failure before the message
    went out (nothing can have arrived: safe to send again) from a reply lost after it (_ReplyLost)."""
    smtp.ehlo_or_helo_if_needed()
    code, reply = smtp.mail(sender, options)
    if code != 250:
        _end_transaction(smtp, code)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    code, reply = smtp.rcpt(recipient)
    if code not in (250, 251):
        _end_transaction(smtp, code)
        raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    code, reply = smtp.docmd("data")
    if code != 354:
        _end_transaction(smtp, code)
        raise smtplib.SMTPDataError(code, reply)
    data = _LEADING_DOT.sub(b"..", message)
    try:
        smtp.send(data + (b"" if data.endswith(b"\r\n") else b"\r\n") + b".\r\n")
        code, reply = smtp.getreply()
    except OSError as error:
        # Even a send that failed part way may have carried the final dot before the connection went.
        raise _ReplyLost(error) from error
    if code != 250:
        _end_transaction(smtp, code)
        raise smtplib.SMTPDataError(code, reply)


def _end_transaction(smtp: smtplib.SMTP, code: int) -> None:
    """After a refusal, as smtplib does: a 421 means the server is closing; otherwise RSET for the next one."""
    if code == 421:
        smtp.close()
        return
    try:
        smtp.rset()
    except smtplib.SMTPServerDisconnected:
        pass


def _closing(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(code == 421 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPServerDisconnected) or getattr(error, "smtp_code", None) == 421


def _reply(code: int, text: bytes | str) -> str:
    return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}".strip()


# RCPT TO answers that refuse this one address for good (no such mailbox, not local, mailbox name not
# allowed). Any other 5xx there (554 relaying denied, 552 mailbox full…), a 5xx to MAIL FROM and any answer to
# the message itself (554 "transaction failed") are about the server, the settings or the moment.
_NO_SUCH_RECIPIENT = frozenset({550, 551, 553})


def _classify(error: Exception) -> SendFailure:
    """Only the server's refusal of this recipient's address is permanent: everything else (the connection, the
    login, the sender address, the transaction, a 4xx) is a problem of the moment or of the settings, retried."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
        return SendFailure(
            f"The mail server refused the recipient: {_reply(code, text)}", permanent=code in _NO_SUCH_RECIPIENT
        )
    if isinstance(error, smtplib.SMTPSenderRefused):
        return SendFailure(
            f"The mail server refused the sender address (MAIL_FROM): {_reply(error.smtp_code, error.smtp_error)}",
            permanent=False,
        )
    if isinstance(error, smtplib.SMTPDataError):
        # The same message goes to everyone, so a refusal of it says nothing about this recipient.
        return SendFailure(
            f"The mail server refused the message: {_reply(error.smtp_code, error.smtp_error)}", permanent=False
        )
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return SendFailure(
            f"The mail server refused the login (SMTP_USERNAME / SMTP_PASSWORD): "
            f"{_reply(error.smtp_code, error.smtp_error)}",
            permanent=False,
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return SendFailure(f"The mail server answered {_reply(error.smtp_code, error.smtp_error)}", permanent=False)
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return SendFailure(f"The mail server closed the connection: {error}", permanent=False)
    return SendFailure(f"Could not talk to the mail server: {error.__class__.__name__}: {error}", permanent=False)


def transport_for(settings: MailSettings) -> Transport:
    return SMTPTransport(settings) if settings.host else ConsoleTransport()
