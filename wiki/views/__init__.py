"""Blueprints: thin HTTP views, one module per area."""

from __future__ import annotations

from flask import Flask, request

from wiki.errors import BadInput


def register_blueprints(app: Flask) -> None:
    from wiki.views import admin, auth, council, email, feedback, main, pages, review, summaries, threads

    for module in (auth, main, pages, threads, review, council, summaries, admin, feedback, email):
        app.register_blueprint(module.bp)
    # Reps' own versions (issue 10, part 1).
    from wiki.views import variants

    app.register_blueprint(variants.bp)
    # Content requests (issue 10, part 2).
    from wiki.views import content_requests

    app.register_blueprint(content_requests.bp)
    # Comment rounds and shares with clients (issue 10, parts 3 and 4).
    from wiki.views import rounds, shares

    app.register_blueprint(rounds.bp)
    app.register_blueprint(shares.bp)
    # Files on pages (issue 11).
    from wiki.views import file_threads, files

    app.register_blueprint(files.bp)
    app.register_blueprint(file_threads.bp)
    # A page's PDF, the export download and the import form (issue 15, parts 2 and 3).
    from wiki.views import transfer

    app.register_blueprint(transfer.bp)
    # Present mode (issue 15, part 1).
    from wiki.views import present

    app.register_blueprint(present.bp)
    # Who is editing (issue 15, part 4).
    from wiki.views import presence

    app.register_blueprint(presence.bp)


def whole_number(raw: str | None) -> int | None:
    """The number in a form or query value of ASCII digits 0-9, short enough for any database column.

    Not `str.isdigit()`: it also accepts "²" and "①", which `int()` then refuses with a ValueError."""
    if raw is None or not 0 < len(raw) <= 9 or not raw.isascii() or not raw.isdigit():
        return None
    return int(raw)


def int_arg(name: str, default: int | None = None, *, source=None) -> int | None:
    """A positive whole number from the query string or form, or a 400 that says which one was wrong."""
    values = source if source is not None else request.args
    raw = values.get(name)
    if raw is None or raw == "":
        return default
    number = whole_number(raw)
    if number is None or number < 1:
        raise BadInput(f"“{name}” must be a positive whole number, not “{raw[:20]}”.")
    return number
