"""HTTP plumbing shared by every blueprint: headers, errors, fragments, sessions, input hygiene."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from urllib.parse import unquote_to_bytes

from flask import Flask, current_app, g, has_request_context, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

from wiki import generation
from wiki.db import is_database_busy
from wiki.errors import Busy, TooManyAttempts, WikiError
from wiki.extensions import db, login_manager
from wiki.models import User
from wiki.services import accounts, inbox, pages, permissions
from wiki.text.plaintext import first_words
from wiki.text.sizes import human_size

# Werkzeug's own multipart parser reads in chunks of this size; the decoder's size limit applies per chunk.
MULTIPART_CHUNK = 64 * 1024
NOT_UTF8 = "bytes that aren't valid UTF-8 text"
NUL = "NUL characters, which can't be stored"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class IdConverter(IntegerConverter):
    """`<int:…>` in a URL names a row, so a number no id column can hold is a 404 like any missing row
    (SQLite can't even compare past 64 bits: OverflowError)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = 2**31 - 1, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


class SessionInterface(SecureCookieSessionInterface):
    """Marks the cookie Secure whenever the request came over HTTPS, even without the setting."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def is_fragment_request() -> bool:
    # htmx 4 says "partial" when it will swap part of the page, "full" when it swaps the body.
    return request.headers.get("HX-Request-Type") == "partial"


def page_or_fragment(template: str, fragment: str | None = None, status: int = 200, **context):
    """The one place that decides between a whole page and the fragment htmx asked for."""
    name = fragment if fragment and is_fragment_request() else template
    return render_template(name, **context), status


def init_app(app: Flask) -> None:
    """Before the blueprints are registered: their routes take the `int` converter from here."""
    app.url_map.converters["int"] = IdConverter
    app.session_interface = SessionInterface()
    if app.config["TRUST_PROXY"]:
        hops = app.config["TRUST_PROXY"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.user_loader(_load_user)

    # The upload limit first: the input check reads the body, and it must read an upload in full.
    app.before_request(_allow_uploads)
    app.before_request(_refuse_unreadable_input)
    app.after_request(_security_headers)

    app.register_error_handler(WikiError, _wiki_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(OperationalError, _operational_error)
    app.register_error_handler(HTTPException, _http_error)
    app.add_template_filter(machine_time)
    app.add_template_filter(first_words)

    @app.context_processor
    def inject() -> dict:
        if not has_request_context():
            # An email rendered by the worker or the command line has a reader, but no request to be signed in to.
            return {"site_name": app.config["SITE_NAME"]}
        # The user itself, not the proxy: templates ask of it once per row of a list.
        user = current_user._get_current_object()
        signed_in = user.is_authenticated
        return {
            "site_name": app.config["SITE_NAME"],
            "is_staff": permissions.is_staff(user),
            "is_lead": permissions.is_lead(user),
            "unread": (lambda: _unread(user)) if signed_in else (lambda: 0),
            # What a template shows of a page (title, kind) is the revision this reader may see.
            "shown": lambda page: pages.shown(user, page),
            # Where an inbox item about a file opens for this reader, if anywhere (issue 11).
            "file_link": lambda item: inbox.file_link(user, item),
        }


def machine_time(moment: date | datetime) -> str:
    """A `<time datetime>` value. HTML allows at most three digits of a second, and no reader needs any."""
    if isinstance(moment, datetime):
        return moment.isoformat(timespec="seconds")
    return moment.isoformat()


@cache
def _with_the_user() -> tuple:
    """Built once: making these subqueries anew on every request costs more than running them."""
    return inbox.unread_of(User.id), generation.current()


def _load_user(token: str) -> User | None:
    """The signed-in user, with their unread count and the wiki's generation (what cached views are keyed by):
    one statement for what every page needs."""
    loaded = accounts.load_session_user(token, *_with_the_user())
    if loaded is None:
        return None
    user, g.unread_at_start, g.generation = loaded
    return user


def _unread(user: User) -> int:
    """The header's count: as the request found it, unless the request may have changed it."""
    if request.method in ("GET", "HEAD") and "unread_at_start" in g:
        return g.unread_at_start
    return inbox.unread_count(user)


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    # A view may allow its own pages to frame it (present mode's speaker view does), with its CSP to match.
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.vary.update(("HX-Request", "HX-Request-Type"))
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def accepts_upload(view):
    """Mark a view whose form carries a file: its requests may be as large as MAX_UPLOAD_BYTES allows."""
    view.accepts_upload = True
    return view


def _allow_uploads():
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "accepts_upload", False):
        # Room for the form's other fields and the multipart framing around the file.
        request.max_content_length = current_app.config["MAX_UPLOAD_BYTES"] + 256 * 1024


def _refuse_unreadable_input():
    """One check of every text a request brings, before anything reads it: the path, the query string, and form
    field names and values in either encoding. Werkzeug quietly replaces invalid UTF-8 with U+FFFD; we refuse it
    instead, so no text is mangled. NUL is refused too: PostgreSQL can't store it in text."""
    problem = _text_problem(_raw_path()) or _text_problem(_unquote_plus(request.query_string))
    if problem:
        return _error_page(400, "That can't be used", f"The address contained {problem}.")
    problem = _form_problem()
    if problem:
        return _error_page(400, "That can't be used", f"The form contained {problem}.")
    return None


def _raw_path() -> bytes:
    """The path as the client sent it. PATH_INFO can't be trusted to show bad bytes: werkzeug's own server and
    test client build it with U+FFFD already in; gunicorn and werkzeug also pass the raw request line on."""
    environ = request.environ
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw_uri:
        return unquote_to_bytes(raw_uri.encode("latin-1", "replace").partition(b"?")[0])
    return environ.get("PATH_INFO", "").encode("latin-1", "replace")


def _form_problem() -> str | None:
    if request.mimetype == "application/x-www-form-urlencoded":
        return _text_problem(_unquote_plus(request.get_data(cache=True)))
    if request.mimetype == "multipart/form-data":
        return _multipart_problem(request.get_data(cache=True))
    return None


def _unquote_plus(raw: bytes) -> bytes:
    # Decoding the whole string is as strict as decoding each name and value: "&" and "=" are ASCII.
    return unquote_to_bytes(raw.replace(b"+", b" "))


def _text_problem(raw: bytes) -> str | None:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return NOT_UTF8
    return NUL if b"\x00" in raw else None


def _multipart_problem(raw: bytes) -> str | None:
    """The same check on a multipart body, part by part as werkzeug will read it. A file's content is left
    alone (slides are binary); its field name and file name are checked like any text."""
    try:
        boundary = request.mimetype_params["boundary"].encode("ascii")
    except (KeyError, UnicodeEncodeError):
        return None  # werkzeug reads no form from it either
    decoder = MultipartDecoder(
        boundary, max_form_memory_size=request.max_form_memory_size, max_parts=request.max_form_parts
    )
    chunks = [raw[i : i + MULTIPART_CHUNK] for i in range(0, len(raw), MULTIPART_CHUNK)]
    part, value = None, bytearray()
    try:
        for chunk in [*chunks, None]:
            decoder.receive_data(chunk)
            event = decoder.next_event()
            while not isinstance(event, Epilogue | NeedData):
                if isinstance(event, Field | File):
                    part, value = event, bytearray()
                    # Part headers were decoded strictly (see below), so only NUL can be wrong with the names.
                    names = (event.name, event.filename) if isinstance(event, File) else (event.name,)
                    if any("\x00" in (name or "") for name in names):
                        return NUL
                elif isinstance(event, Data) and isinstance(part, Field):
                    value += event.data
                    if not event.more_data and (problem := _text_problem(bytes(value))):
                        return problem
                event = decoder.next_event()
    except UnicodeDecodeError:
        return NOT_UTF8  # in a part's headers, where its field name is
    except ValueError:
        return None  # malformed: werkzeug reads no form from it either
    return None


def _error_page(status: int, title: str, message: str, headers: dict | None = None):
    db.session.rollback()
    headers = dict(headers or {})
    if is_fragment_request():
        # Shown in the page's error area instead of replacing the form the user is typing in.
        headers.update({"HX-Retarget": "#errors", "HX-Reswap": "innerHTML"})
        body = render_template("partials/error.html", status=status, title=title, message=message, inline=True)
    else:
        body = render_template("error.html", status=status, title=title, message=message)
    return body, status, headers


def _wiki_error(error: WikiError):
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, TooManyAttempts) else None
    return _error_page(error.status, error.title, error.message, headers)


def _csrf_error(error: CSRFError):
    return _error_page(
        400,
        "Your form expired",
        "The form was missing its security token (it may have been open too long, or cookies are off). "
        "Go back, reload the page and try again; copy your text first if you typed a lot.",
    )


def _operational_error(error: OperationalError):
    if is_database_busy(error):
        busy = Busy("The wiki is very busy right now and couldn't save in time. Nothing was lost: please retry.")
        return _error_page(busy.status, busy.title, busy.message, {"Retry-After": "2"})
    raise error


def _http_error(error: HTTPException):
    messages = {
        404: "There is nothing at this address.",
        405: "That action isn't available at this address.",
        413: "That request is too large for the wiki to accept.",
    }
    message = messages.get(error.code or 500, error.description or "")
    if error.code == 413 and request.max_content_length != current_app.config["MAX_CONTENT_LENGTH"]:
        limit = human_size(current_app.config["MAX_UPLOAD_BYTES"])
        return _error_page(413, "That file is too large", f"Files can be at most {limit}; choose a smaller one.")
    if error.code == 413:
        message = (
            f"That request is larger than the {current_app.config['MAX_CONTENT_LENGTH'] // 1024} KB the wiki "
            f"accepts; a page can be at most {current_app.config['MAX_PAGE_BYTES'] // 1024} KB."
        )
    return _error_page(error.code or 500, error.name, message)
