"""Connection behaviour: SQLite pragmas, and write transactions that take their lock up front.

SQLite in WAL mode lets readers run beside one writer. A transaction that starts as a reader and
later writes can fail at once with "database is locked" (busy_timeout doesn't apply to that upgrade),
so every write begins with BEGIN IMMEDIATE and waits its turn instead. PostgreSQL gets row locks from
the services (SELECT ... FOR UPDATE) and needs nothing here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import Date, Float, Select, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from wiki.extensions import db

_WRITE = "council_wiki_write"


def configure_engine(app: Flask) -> None:
    from wiki import generation

    with app.app_context():
        engine = db.engine
    generation.watch(engine)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"], app.config["SQLITE_CACHE_MB"])


def _configure_sqlite(engine: Engine, busy_timeout_ms: int, cache_mb: int) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        # Hand transaction control to SQLAlchemy's "begin" event below instead of pysqlite's guesses.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Negative: the size in KiB, not in pages.
        cursor.execute(f"PRAGMA cache_size={-int(cache_mb) * 1024}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection) -> None:
        immediate = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def write_transaction() -> Iterator[Session]:
    """One atomic write: commits on success, rolls back on any error."""
    session = db.session
    # End whatever read transaction the request opened so the write one can start with its lock.
    session.rollback()
    session.connection(execution_options={_WRITE: True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def lock_row(session: Session, query: Select):
    """Lock the row a query names (SELECT … FOR UPDATE) and read it as it is now, or None.

    populate_existing is the point: the session may already hold that object, read before another writer
    committed, and without it the locked SELECT hands back the stale copy (seen on PostgreSQL, READ
    COMMITTED: two leads approving at once left the older revision published). Every lock goes through here."""
    return session.execute(query.with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()


def is_database_busy(error: OperationalError) -> bool:
    return "database is locked" in str(error.orig) or "database is busy" in str(error.orig)


# Rows an ANALYZE samples per index: enough for the planner's choices, and quick on any size of wiki.
_ANALYSIS_LIMIT = 1000


def refresh_planner_statistics() -> bool:
    """Give SQLite's query planner the sizes of the tables and indexes (ANALYZE, sampled), which the worker
    does when it starts and daily. Without them SQLite guesses, and on a big wiki some guesses read every open
    thread to count a few pages' suggestions. PostgreSQL's autovacuum keeps its own: False, nothing done."""
    if db.engine.dialect.name != "sqlite":
        return False
    with db.engine.connect() as connection:
        connection.exec_driver_sql(f"PRAGMA analysis_limit={_ANALYSIS_LIMIT}")
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    return True


class day_number(FunctionElement):  # noqa: N801 (an SQL function, named as one)
    """A moment as a number of days (with the fraction) on the database's own scale: `day_number(a) + n <
    day_number(b)` says a moment n days after a is before b, in one expression on SQLite and PostgreSQL alike."""

    type = Float()
    inherit_cache = True


@compiles(day_number, "sqlite")
def _day_number_sqlite(element, compiler, **kw) -> str:
    return f"julianday({compiler.process(element.clauses, **kw)})"


@compiles(day_number, "postgresql")
def _day_number_postgresql(element, compiler, **kw) -> str:
    # date_part, not extract: it answers a float, where extract's numeric makes sorting by it several times slower.
    return f"(date_part('epoch', {compiler.process(element.clauses, **kw)}) / 86400.0)"


class utc_day(FunctionElement):  # noqa: N801 (an SQL function, named as one)
    """The UTC date of a stored moment."""

    type = Date()
    inherit_cache = True


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element, compiler, **kw) -> str:
    # Moments are stored in UTC, as text SQLite's date() reads.
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element, compiler, **kw) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC') AS DATE)"
