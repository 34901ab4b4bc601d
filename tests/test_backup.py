from __future__ import annotations

import sqlite3

import pytest

from tests.factories import make_page


def test_backup_copies_the_sqlite_database(app, people, tmp_path):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite-specific")
    with app.app_context():
        make_page(people["council"], bodies=("kept in the backup\n",))
    target = tmp_path / "copy.sqlite"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    bodies = sqlite3.connect(target).execute("select body from revisions").fetchall()
    assert bodies == [("kept in the backup\n",)]
    again = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "already exists" in again.output
