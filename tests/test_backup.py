from __future__ import annotations

import sqlite3

import pytest

from tests.factories import make_page
from tests.files.makers import make_deck
from tests.files.seed import add_file

DECK = make_deck([("Kept", "in the backup", "")])


def test_backup_copies_the_sqlite_database(app, people, tmp_path):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite-specific")
    with app.app_context():
        page = make_page(people["council"], bodies=("kept in the backup\n",))
        add_file(people["council"], page.slug, "deck.pptx", DECK)
    target = tmp_path / "copy.sqlite"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    bodies = sqlite3.connect(target).execute("select body from revisions").fetchall()
    assert bodies == [("kept in the backup\n",)]
    # Files live in the database, so the backup holds them too, byte for byte.
    [(data,)] = sqlite3.connect(target).execute("select data from blobs").fetchall()
    assert data == DECK
    again = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "already exists" in again.output
