"""Settings, read from the environment once when the app is created.

Every setting is documented in README.md; keep the two in step.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from wiki.text.render import MAX_BODY_BYTES


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _password_hash_method() -> str:
    """scrypt, werkzeug's memory-hard default, unless told otherwise. Changing it leaves existing hashes
    working: each stored hash names the method it was made with."""
    method = os.environ.get("PASSWORD_HASH_METHOD") or "scrypt"
    if method.partition(":")[0] not in {"scrypt", "pbkdf2"}:
        raise RuntimeError(
            f"PASSWORD_HASH_METHOD={method!r} is not a method werkzeug hashes with "
            "(use scrypt, or pbkdf2:sha256 with an iteration count, like pbkdf2:sha256:600000)."
        )
    return method


def from_environment(instance_path: Path) -> dict:
    """Build the config dict; the production checks live here so a bad deploy fails at start, not later."""
    environment = os.environ.get("WIKI_ENV", "development")
    max_page_bytes = _int("MAX_PAGE_BYTES", MAX_BODY_BYTES)
    config = {
        "WIKI_ENV": environment,
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL")
        or f"sqlite:///{instance_path / 'council-wiki.sqlite'}",
        "SQLITE_BUSY_TIMEOUT_MS": _int("SQLITE_BUSY_TIMEOUT_MS", 5000),
        # SQLite keeps 2 MB of the database per connection by default; a wiki's revisions are megabytes more
        # (every list of revisions reads past their bodies), and re-reading them from the OS costs a page's
        # lists several times over.
        "SQLITE_CACHE_MB": _int("SQLITE_CACHE_MB", 64),
        "MAX_PAGE_BYTES": max_page_bytes,
        # Room for the form's other fields and percent-encoding; the page limit itself is checked
        # by the service so the user gets a sentence naming it.
        "MAX_CONTENT_LENGTH": _int("MAX_REQUEST_BYTES", max_page_bytes * 4 + 64 * 1024),
        # Files on pages (issue 11): the largest upload, how far a zip-based file (pptx, docx, xlsx) may expand
        # when opened, and the sandbox that reads what is inside each upload.
        "MAX_UPLOAD_BYTES": _int("MAX_UPLOAD_BYTES", 50 * 2**20),
        "MAX_EXPANDED_UPLOAD_BYTES": _int("MAX_EXPANDED_UPLOAD_BYTES", 500 * 2**20),
        # Under gunicorn's 30-second worker timeout, so a slow file ends the reader, never the worker.
        "FILE_PREVIEW_SECONDS": _int("FILE_PREVIEW_SECONDS", 20),
        "FILE_PREVIEW_MEMORY_BYTES": _int("FILE_PREVIEW_MEMORY_MB", 1536) * 2**20,
        "FILE_PREVIEW_PAGES": _int("FILE_PREVIEW_PAGES", 20),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE"),
        "TRUST_PROXY": _int("TRUST_PROXY", 0),
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 5),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": _int("LOGIN_MAX_FAILURES_PER_ADDRESS", 20),
        "LOGIN_LOCKOUT_SECONDS": _int("LOGIN_LOCKOUT_SECONDS", 60),
        "PASSWORD_HASH_METHOD": _password_hash_method(),
        "HISTORY_PAGE_SIZE": _int("HISTORY_PAGE_SIZE", 50),
        "SITE_NAME": os.environ.get("SITE_NAME", "Council Wiki"),
        "REQUIRE_SECOND_APPROVER": _bool("REQUIRE_SECOND_APPROVER"),
        "COUNCIL_TARGET_SIZE": _int("COUNCIL_TARGET_SIZE", 6),
        # Email. With no SMTP_HOST, messages are printed to the console instead of sent.
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": _int("SMTP_PORT", 25),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool("SMTP_STARTTLS"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Council Wiki <council-wiki@localhost>"),
        # Where people reach the wiki; emails link here, so it must be the public address.
        "SITE_URL": os.environ.get("SITE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "SUMMARY_PERIOD_DAYS": _int("SUMMARY_PERIOD_DAYS", 14),
        "WTF_CSRF_TIME_LIMIT": None,
    }
    config |= {
        # The sender process, `flask --app wsgi worker` (issue 12): how often it looks for due mail, how long a claim
        # on recipients lasts without renewal (a dead worker's recipients are taken over after it), and how often a
        # live worker renews its claim. The renewal must come well inside the lease.
        "WORKER_POLL_SECONDS": _int("WORKER_POLL_SECONDS", 5),
        "OUTBOX_LEASE_SECONDS": _int("OUTBOX_LEASE_SECONDS", 60),
        "OUTBOX_HEARTBEAT_SECONDS": _int("OUTBOX_HEARTBEAT_SECONDS", 15),
    }
    if not 0 < 2 * config["OUTBOX_HEARTBEAT_SECONDS"] <= config["OUTBOX_LEASE_SECONDS"]:
        raise RuntimeError("OUTBOX_HEARTBEAT_SECONDS must be positive and at most half of OUTBOX_LEASE_SECONDS.")
    config |= {
        # Who is editing (issue 15, part 4): how often an open editor says so, and how long after its last word the
        # others stop being told. A window of two beats and a bit survives one late beat without flickering.
        "PRESENCE_BEAT_SECONDS": _int("PRESENCE_BEAT_SECONDS", 20),
        "PRESENCE_WINDOW_SECONDS": _int("PRESENCE_WINDOW_SECONDS", 45),
    }
    if not 0 < config["PRESENCE_BEAT_SECONDS"] < config["PRESENCE_WINDOW_SECONDS"]:
        raise RuntimeError("PRESENCE_BEAT_SECONDS must be positive and shorter than PRESENCE_WINDOW_SECONDS.")
    secret = os.environ.get("SECRET_KEY")
    if not secret:
        if environment == "production":
            raise RuntimeError(
                "SECRET_KEY must be set when WIKI_ENV=production "
                "(for example: export SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))'))."
            )
        secret = _dev_secret(instance_path)
    config["SECRET_KEY"] = secret
    return config


def _dev_secret(instance_path: Path) -> str:
    """Generated once and kept, so restarting the dev server doesn't log everyone out."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32)
    path.write_text(secret)
    path.chmod(0o600)
    return secret
