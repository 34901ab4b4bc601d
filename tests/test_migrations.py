"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text

from wiki.extensions import db
from wiki.models.search import described_by_models


def test_migrations_match_the_models(app):
    with app.app_context():
        _empty_database()
        upgrade()
        with db.engine.connect() as connection:
            # The full-text index's own tables, column and index are made by DDL (wiki/models/search.py).
            opts = {"compare_type": True, "include_name": described_by_models}
            context = MigrationContext.configure(connection, opts=opts)
            differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_every_migration_applies_to_a_database_with_data(app):
    """Each step runs on a database that already holds pages, as it will in production."""
    from alembic.script import ScriptDirectory
    from flask import current_app

    with app.app_context():
        _empty_database()
        config = current_app.extensions["migrate"].migrate.get_config()
        steps = list(reversed(list(ScriptDirectory.from_config(config).walk_revisions())))
        upgrade(revision=steps[0].revision)
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, email, name, role, password_hash, active, session_version, created_at) "
                    "VALUES (1, 'a@example.com', 'A', 'council', 'x', true, 1, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO pages (id, slug, title, kind, created_by_id, created_at, head_number) "
                    "VALUES (1, 'fy27-plan', 'Plan', 'plan', 1, CURRENT_TIMESTAMP, 1)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO revisions (id, page_id, number, body, size, size_change, summary, author_id, "
                    "created_at, origin) VALUES (1, 1, 1, 'text', 4, 4, '', 1, CURRENT_TIMESTAMP, 'edit')"
                )
            )
            connection.execute(text("UPDATE pages SET head_revision_id = 1 WHERE id = 1"))
        for step in steps[1:]:
            upgrade(revision=step.revision)
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT body FROM revisions")).scalar_one() == "text"
            assert connection.execute(text("SELECT head_revision_id FROM pages")).scalar_one() == 1
            # Title and kind moved from the page onto each of its revisions.
            assert tuple(connection.execute(text("SELECT title, kind FROM revisions")).one()) == ("Plan", "plan")


def test_the_answer_tallies_migration_counts_the_answers_already_given(app):
    """Each rep's latest answer about a page's text counts once."""
    with app.app_context():
        _empty_database()
        upgrade(revision="b2d3f4a5b6c7")
        with db.engine.begin() as connection:
            for user_id in (1, 2, 3):
                connection.execute(
                    text(
                        "INSERT INTO users (id, email, name, role, password_hash, active, session_version, "
                        f"summary_emails, created_at) VALUES ({user_id}, 'r{user_id}@example.com', 'R', 'field', "
                        "'x', true, 1, true, CURRENT_TIMESTAMP)"
                    )
                )
            connection.execute(
                text(
                    "INSERT INTO pages (id, slug, created_by_id, created_at, head_number, discussion_version) "
                    "VALUES (1, 'deck', 1, CURRENT_TIMESTAMP, 2, 0)"
                )
            )
            for number in (1, 2):
                connection.execute(
                    text(
                        "INSERT INTO revisions (id, page_id, number, title, kind, body, size, size_change, summary, "
                        f"author_id, created_at, origin) VALUES ({number}, 1, {number}, 'Deck', 'collateral', 'x', "
                        "1, 1, '', 1, CURRENT_TIMESTAMP, 'edit')"
                    )
                )
            connection.execute(text("UPDATE pages SET head_revision_id = 2, published_revision_id = 2"))
            # Rep 1 would share version 1 but not version 2, their latest answer; rep 2 would.
            for answer_id, revision_id, author_id, would_share in ((1, 1, 1, True), (2, 2, 1, False), (3, 2, 2, True)):
                connection.execute(
                    text(
                        "INSERT INTO feedback (id, page_id, revision_id, author_id, would_share, note, created_at) "
                        f"VALUES ({answer_id}, 1, {revision_id}, {author_id}, {would_share}, '', CURRENT_TIMESTAMP)"
                    )
                )
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT page_id, reps, would_share FROM answer_tallies")).all() == [
                (1, 2, 1)
            ]


def _empty_database() -> None:
    """No tables at all, as before the first migration."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
