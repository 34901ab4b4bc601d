"""HTTP plumbing shared by every blueprint: headers, errors, fragments, sessions, input hygiene."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import Flask, current_app, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from wiki.db import is_database_busy
from wiki.errors import Busy, TooManyAttempts, WikiError
from wiki.extensions import db, login_manager
from wiki.services import accounts, inbox, permissions

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


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
    app.session_interface = SessionInterface()
    if app.config["TRUST_PROXY"]:
        hops = app.config["TRUST_PROXY"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.user_loader(accounts.load_session_user)

    app.before_request(_refuse_undecodable_forms)
    app.after_request(_security_headers)

    app.register_error_handler(WikiError, _wiki_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(OperationalError, _operational_error)
    app.register_error_handler(HTTPException, _http_error)

    @app.context_processor
    def inject() -> dict:
        signed_in = current_user.is_authenticated
        return {
            "site_name": app.config["SITE_NAME"],
            "is_staff": permissions.is_staff(current_user),
            "is_lead": permissions.is_lead(current_user),
            "unread": (lambda: inbox.unread_count(current_user)) if signed_in else (lambda: 0),
        }


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.vary.update(("HX-Request", "HX-Request-Type"))
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def _refuse_undecodable_forms():
    """Werkzeug quietly replaces invalid UTF-8 with U+FFFD; we refuse it instead, so no text is mangled."""
    if request.method != "POST" or request.mimetype != "application/x-www-form-urlencoded":
        return None
    raw = request.get_data(cache=True)
    try:
        for pair in raw.split(b"&"):
            unquote_to_bytes(pair.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return _error_page(400, "That can't be used", "The form contained bytes that aren't valid UTF-8 text.")
    if b"%00" in raw or b"\x00" in raw:
        return _error_page(400, "That can't be used", "The form contained NUL characters, which can't be stored.")
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
    if error.code == 413:
        message = (
            f"That request is larger than the {current_app.config['MAX_CONTENT_LENGTH'] // 1024} KB the wiki "
            f"accepts; a page can be at most {current_app.config['MAX_PAGE_BYTES'] // 1024} KB."
        )
    return _error_page(error.code or 500, error.name, message)
