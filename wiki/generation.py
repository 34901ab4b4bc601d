"""Moving the wiki's generation on (wiki/models/site.py) with every committed write that can change a view.

It is done at the connection, below the ORM, so no way of writing can forget it: each INSERT, UPDATE or DELETE
marks the connection, and its commit adds one to the generation in the same transaction. Rows no view shows are
left out, so reading the inbox or autosaving a draft keeps every cached page.
"""

from __future__ import annotations

import re

from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from wiki.extensions import db
from wiki.models import Generation

_WRITE = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
# Tables no cached view reads: notifications reach the header's unread count, read per request; who is editing
# is a fragment of its own, asked afresh (an open editor's heartbeat every 20 s would otherwise throw away every
# kept page as often).
UNSEEN = frozenset(
    {"generations", "notifications", "drafts", "login_throttles", "summary_deliveries", "editing_presences"}
)
_MARK = "council_wiki_writes"


def watch(engine: Engine) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def note_write(connection, cursor, statement, parameters, context, executemany) -> None:
        written = _WRITE.match(statement)
        if written and written.group(1).lower() not in UNSEEN:
            connection.info[_MARK] = True

    @event.listens_for(engine, "commit")
    def move_on(connection) -> None:
        if not connection.info.pop(_MARK, False):
            return
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            # Before the migration that makes the table has run there is nothing to move on. Asked at every
            # writing commit (a catalog lookup, microseconds), because a database can be emptied and migrated
            # again under the same engine.
            if _has_table(cursor, engine.dialect.name):
                cursor.execute("UPDATE generations SET value = value + 1 WHERE id = 1")
        finally:
            cursor.close()

    @event.listens_for(engine, "rollback")
    def forget(connection) -> None:
        connection.info.pop(_MARK, None)


def _has_table(cursor, dialect: str) -> bool:
    if dialect == "sqlite":
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'generations'")
    else:
        cursor.execute("SELECT to_regclass('generations')")
        return cursor.fetchone()[0] is not None
    return cursor.fetchone() is not None


def current():
    """The generation as a scalar subquery, to read beside something else in one statement."""
    return select(Generation.value).where(Generation.id == 1).scalar_subquery()


def now() -> int:
    return db.session.execute(select(current())).scalar_one()
