"""Blueprints: thin HTTP views, one module per area."""

from __future__ import annotations

from flask import Flask, request

from wiki.errors import BadInput


def register_blueprints(app: Flask) -> None:
    from wiki.views import admin, auth, council, email, feedback, main, pages, review, summaries, threads

    for module in (auth, main, pages, threads, review, council, summaries, admin, feedback, email):
        app.register_blueprint(module.bp)


def int_arg(name: str, default: int | None = None, *, source=None) -> int | None:
    """A positive whole number from the query string or form, or a 400 that says which one was wrong."""
    values = source if source is not None else request.args
    raw = values.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
        raise BadInput(f"“{name}” must be a positive whole number, not “{raw[:20]}”.")
    return int(raw)
