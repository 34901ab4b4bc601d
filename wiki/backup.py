"""Online backup of the SQLite database (PostgreSQL has pg_dump for this)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from wiki.errors import BadInput
from wiki.extensions import db


def backup_sqlite(destination: str) -> None:
    """SQLite's backup API copies a consistent snapshot even while others write (copying the file in WAL
    mode can miss committed pages still in the -wal file)."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise BadInput("This database is not SQLite; back it up with pg_dump (see README).")
    target = Path(destination)
    if target.exists():
        raise BadInput(f"{destination} already exists; choose a new file name.")
    source = sqlite3.connect(url.database)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()
