"""Test databases built once per run and copied for each test.

Building a schema (and the people and pages many tests start from) is most of what a test costs, so each is
built once, kept as a snapshot, and every test gets its own copy. On SQLite a snapshot is a copy of the database
file. On PostgreSQL it is the snapshot's rows: each test's database (one per test process) is emptied with one
TRUNCATE and the rows put back, which takes milliseconds where creating a database from a template takes a few
hundred on a busy machine. Code under test still commits for real, into its own copy.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, make_url, text

from wiki.extensions import db

# A snapshot as fixtures name it: its name, and the function that builds it (returning what tests need of it).
Snapshot = tuple[str, Callable[[], Any]]
BLANK: Snapshot = ("schema", lambda: None)


class Worlds:
    """Named snapshots of a test database; `restore` puts one in place under a running app."""

    def __init__(self, scratch: Path):
        self.scratch = scratch
        self.built: dict[str, Any] = {}
        self.rows: dict[str, dict[str, list[dict]]] = {}
        url = os.environ.get("DATABASE_URL")
        self.postgres = make_url(url) if url else None
        self.database = None
        if self.postgres is not None:
            worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
            self.database = f"{self.postgres.database}_test_{worker}".lower()
            self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)', f'CREATE DATABASE "{self.database}"')

    def test_url(self, tmp_path: Path) -> str:
        if self.postgres is None:
            return f"sqlite:///{tmp_path / 'wiki.sqlite'}"
        return self.postgres.set(database=self.database).render_as_string(hide_password=False)

    def blank(self, app) -> None:
        """The app's database with the schema and nothing else."""
        self.restore(app, *BLANK)

    def restore(self, app, name: str, build: Callable[[], Any], base: Snapshot | None = None) -> Any:
        """Give the app's database the contents of snapshot `name` and return what `build` returned when it was
        made. The first time, the database is first brought to `base` (another snapshot, name and builder), or
        to the bare schema, and `build` runs on it."""
        if name in self.built:
            self._copy_in(app, name)
            return self.built[name]
        if base is not None:
            self.restore(app, *base)
        with app.app_context():
            if name == "schema":
                self._fresh_schema()
            self.built[name] = build()
        self._copy_out(app, name)
        return self.built[name]

    def drop_all(self) -> None:
        if self.postgres is not None:
            self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    # Copies -------------------------------------------------------------------------------------------

    def _fresh_schema(self) -> None:
        if self.postgres is not None:
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        db.create_all()

    def _copy_out(self, app, name: str) -> None:
        if self.postgres is not None:
            with app.app_context():
                db.session.remove()
                with db.engine.connect() as connection:
                    self.rows[name] = {
                        table.name: [dict(row) for row in connection.execute(table.select()).mappings()]
                        for table in db.metadata.sorted_tables
                    }
            return
        self._release(app)
        path = _sqlite_path(app)
        connection = sqlite3.connect(path)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        shutil.copyfile(path, self.scratch / f"{name}.sqlite")

    def _copy_in(self, app, name: str) -> None:
        if self.postgres is not None:
            with app.app_context():
                db.session.remove()
                self._put_rows_back(self.rows[name])
            return
        self._release(app)
        path = Path(_sqlite_path(app))
        for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(self.scratch / f"{name}.sqlite", path)

    def _release(self, app) -> None:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()

    # PostgreSQL: the snapshot's rows --------------------------------------------------------------------

    def _put_rows_back(self, rows: dict[str, list[dict]]) -> None:
        tables = db.metadata.sorted_tables
        with db.engine.connect() as connection:
            if set(inspect(connection).get_table_names()) < {table.name for table in tables}:
                # A test (the migrations' own) rebuilt the schema its way and may have left it half done.
                connection.rollback()
                self._fresh_schema()
        with db.engine.begin() as connection:
            # A connection the last test left behind (a live server's thread, say) would hold the tables.
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            # Rows go back in any order (pages and revisions point at each other), and DELETE on these few rows
            # is several times quicker than TRUNCATE, which replaces every table's files.
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            connection.exec_driver_sql("; ".join(f'DELETE FROM "{table.name}"' for table in tables))
            for table in tables:
                if rows[table.name]:
                    connection.execute(table.insert(), rows[table.name])
            serial = [table.name for table in tables if "id" in table.c and table.c.id.autoincrement is not False]
            # Ids start again where the snapshot's end, as they would in a fresh copy.
            connection.exec_driver_sql(
                "SELECT "
                + ", ".join(
                    f"setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                    f'(SELECT coalesce(max(id), 0) + 1 FROM "{name}"), false)'
                    for name in serial
                )
            )

    def _admin(self, *statements: str) -> None:
        import psycopg

        url = self.postgres
        with psycopg.connect(
            host=url.host, port=url.port, user=url.username, password=url.password, dbname="postgres", autocommit=True
        ) as connection:
            for statement in statements:
                connection.execute(statement)


def _sqlite_path(app) -> str:
    return make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
