"""Counting the SQL statements a request runs: the query-count tests compare a page with few rows and many."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from wiki.extensions import db


@contextmanager
def counted_queries(app):
    """The statements run inside the block, in order (a list that fills as they run)."""
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def forget_kept_pages(app) -> None:
    """Move the wiki's generation on, as any write does, so the next view of a page is made afresh (for a test
    that counts what making a page costs, not what serving a kept one does)."""
    from sqlalchemy import update

    from wiki.models import Generation

    with app.app_context():
        db.session.execute(update(Generation).values(value=Generation.value + 1))
        db.session.commit()
