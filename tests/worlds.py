"""Test databases built once per run and copied for each test.

Building a schema (and the people and pages many tests start from) is most of what a test costs, so each is
built once, kept as a snapshot, and every test gets its own copy: a file copy on SQLite, a database created
from a template on PostgreSQL. Code under test still commits for real, into its own copy.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import make_url

from wiki.extensions import db


class Worlds:
    """Named snapshots of a test database; `restore` puts one in place under a running app."""

    def __init__(self, scratch: Path):
        self.scratch = scratch
        self.built: dict[str, Any] = {}
        url = os.environ.get("DATABASE_URL")
        self.postgres = make_url(url) if url else None
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.suffix = worker

    # Where each test's database lives -------------------------------------------------------------

    def test_url(self, tmp_path: Path) -> str:
        if self.postgres is None:
            return f"sqlite:///{tmp_path / 'wiki.sqlite'}"
        return self.postgres.set(database=self._name("test")).render_as_string(hide_password=False)

    def _name(self, what: str) -> str:
        return f"{self.postgres.database}_{what}_{self.suffix}".lower()

    # Snapshots ------------------------------------------------------------------------------------

    def restore(self, app, name: str, build: Callable[[], Any]) -> Any:
        """Give the app's database the contents of snapshot `name`, building it first (on the database as it
        is now) if this run hasn't yet. Returns what `build` returned the first time."""
        if name in self.built:
            self._release(app)
            self._copy_in(app, name)
            return self.built[name]
        with app.app_context():
            self.built[name] = build()
        self._release(app)
        self._copy_out(app, name)
        return self.built[name]

    def _release(self, app) -> None:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()

    def _copy_out(self, app, name: str) -> None:
        if self.postgres is None:
            path = _sqlite_path(app)
            connection = sqlite3.connect(path)
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.close()
            shutil.copyfile(path, self.scratch / f"{name}.sqlite")
        else:
            snapshot = self._name(f"snap_{name}")
            self._admin(
                f'DROP DATABASE IF EXISTS "{snapshot}"', f'CREATE DATABASE "{snapshot}" TEMPLATE "{self._name("test")}"'
            )

    def _copy_in(self, app, name: str) -> None:
        if self.postgres is None:
            path = Path(_sqlite_path(app))
            for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)
            shutil.copyfile(self.scratch / f"{name}.sqlite", path)
        else:
            test = self._name("test")
            self._admin(
                f'DROP DATABASE IF EXISTS "{test}" WITH (FORCE)',
                f'CREATE DATABASE "{test}" TEMPLATE "{self._name(f"snap_{name}")}"',
            )

    def blank(self, app) -> None:
        """The app's database with the schema and nothing else."""
        if "schema" not in self.built and self.postgres is not None:
            test = self._name("test")
            self._admin(f'DROP DATABASE IF EXISTS "{test}" WITH (FORCE)', f'CREATE DATABASE "{test}"')
        self.restore(app, "schema", lambda: db.create_all())

    def drop_all(self) -> None:
        if self.postgres is None:
            return
        names = [self._name("test")] + [self._name(f"snap_{name}") for name in self.built]
        self._admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names))

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
