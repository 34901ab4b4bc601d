"""SQLite under write contention: many processes saving at once never see "database is locked",
and a lock held past the timeout answers 503 with a retry message instead of a 500."""

from __future__ import annotations

import multiprocessing
import sqlite3

import pytest

from tests.conftest import Browser
from tests.factories import make_page, make_user
from wiki import create_app
from wiki.extensions import db

PROCESSES = 4
SAVES = 25
# What this guards is the instant "database is locked" of a reader upgrading to a writer, which no timeout helps;
# a generous wait for the lock keeps a busy CI machine (where one writer can be starved for seconds) out of it.
PATIENT_MS = 120_000


def _save_many(database_uri: str, worker: int, results) -> None:
    from wiki import create_app
    from wiki.models import User
    from wiki.services import pages
    from wiki.services.pages import EditSubmission

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": "x", "SQLITE_BUSY_TIMEOUT_MS": PATIENT_MS})
    errors = []
    with app.app_context():
        user = db.session.get(User, 1)
        slug = f"page-{worker}"
        for n in range(SAVES):
            try:
                pages.save_revision(
                    user, EditSubmission(slug=slug, body=f"save {n} by {worker}\n", summary="", base_number=n)
                )
            except Exception as error:  # noqa: BLE001 - the test reports every failure it saw
                errors.append(repr(error))
    results.put((worker, errors))


@pytest.mark.slow
def test_processes_saving_at_once_see_no_locked_errors(app):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if not uri.startswith("sqlite"):
        pytest.skip("SQLite-specific")
    with app.app_context():
        make_user(role="council")
        db.engine.dispose()
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    workers = [context.Process(target=_save_many, args=(uri, i, results)) for i in range(PROCESSES)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join(30)
    failures = [error for _, errors in outcomes for error in errors]
    assert failures == []
    with app.app_context():
        from wiki.models import Revision

        assert db.session.query(Revision).count() == PROCESSES * SAVES


def test_lock_held_past_the_timeout_answers_503_with_a_retry_message(app, people):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if not uri.startswith("sqlite"):
        pytest.skip("SQLite-specific")
    with app.app_context():
        make_page(people["council"])
    impatient = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "x", "SQLITE_BUSY_TIMEOUT_MS": 100}
    )
    person = Browser(impatient)
    assert person.login("council@example.com").status_code == 303
    blocker = sqlite3.connect(uri.removeprefix("sqlite:///"), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        response = person.post("/p/fy27-plan/edit", {"body": "new text\n", "base_revision": "1"})
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert response.status_code == 503
    assert "retry" in response.get_data(as_text=True)
    assert response.headers["Retry-After"]
    again = person.post("/p/fy27-plan/edit", {"body": "new text\n", "base_revision": "1"})
    assert again.status_code == 303


def test_each_sqlite_connection_opens_in_wal_mode_with_the_configured_page_cache(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's connection settings")
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            kib = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    assert kib == -app.config["SQLITE_CACHE_MB"] * 1024 and app.config["SQLITE_CACHE_MB"] == 64
