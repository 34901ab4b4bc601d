"""The full-text index (issue 14, item 3): one row per searchable thing, and the database's own index over them.

A row is a page's text (a revision: the head for staff, the published one for the field, one row when they are
the same), one part of a file version (its name, a slide, a page, a sheet, a stretch of a long document) or one
comment. `staff` and `field` say who may find it, so the field's search never reads a draft. The rows are written
by wiki/services/search_index.py in the transaction that changes what they hold.

The index itself is made by DDL here and in the migration, not described as models: on SQLite an FTS5 table per
source (search_fts_page, _file, _comment) kept in step by triggers on search_docs (porter stemming; bm25, snippet and
highlight read them); on PostgreSQL a generated tsvector column (English stemming, the title weighted A and the text
B; "<" read as "<" and TAG_BREAK, see wiki/text/search_text.py) with a GIN index per source. One index per source
means a search for pages never reads the comments that match, nor the other way round.
`described_by_models` tells Alembic to leave them out of its comparison. A batch migration on SQLite that rebuilds
search_docs drops its triggers: such a migration must create them again (FTS5_DDL).
"""

from __future__ import annotations

import enum

from sqlalchemy import DDL, ForeignKey, Index, Integer, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from wiki.extensions import db
from wiki.models.core import _enum


class SearchSource(enum.StrEnum):
    PAGE = "page"
    FILE = "file"
    COMMENT = "comment"


class SearchDoc(db.Model):
    __tablename__ = "search_docs"
    __table_args__ = (
        Index("ix_search_docs_page_source", "page_id", "source"),
        # Every foreign key is indexed: deleting a file or a page cascades here without reading the whole index.
        Index("ix_search_docs_revision_id", "revision_id"),
        Index("ix_search_docs_attachment_id", "attachment_id"),
        Index("ix_search_docs_file_version_id", "file_version_id"),
        Index("ix_search_docs_comment_id", "comment_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[SearchSource] = mapped_column(_enum(SearchSource, "search_source"))
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id", ondelete="CASCADE"))
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id", ondelete="CASCADE"))
    file_version_id: Mapped[int | None] = mapped_column(ForeignKey("file_versions.id", ondelete="CASCADE"))
    # For a file: 0 for its name, else the 1-based slide, page or sheet (or stretch of a document without them).
    position: Mapped[int | None] = mapped_column(Integer)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    staff: Mapped[bool] = mapped_column(default=False)
    field: Mapped[bool] = mapped_column(default=False)
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")


def _fts5_ddl(source: str) -> tuple[str, ...]:
    table = f"search_fts_{source}"
    old, new = "old.id, old.title, old.body", "new.id, new.title, new.body"
    return (
        f"CREATE VIRTUAL TABLE {table} USING fts5(title, body, content='search_docs', content_rowid='id', "
        "tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')",
        f"CREATE TRIGGER {table}_ai AFTER INSERT ON search_docs WHEN new.source = '{source}' BEGIN "
        f"INSERT INTO {table} (rowid, title, body) VALUES ({new}); END",
        f"CREATE TRIGGER {table}_ad AFTER DELETE ON search_docs WHEN old.source = '{source}' BEGIN "
        f"INSERT INTO {table} ({table}, rowid, title, body) VALUES ('delete', {old}); END",
        # Only a change of the words touches the index; moving a row between staff and field doesn't.
        f"CREATE TRIGGER {table}_au AFTER UPDATE OF title, body ON search_docs WHEN old.source = '{source}' BEGIN "
        f"INSERT INTO {table} ({table}, rowid, title, body) VALUES ('delete', {old}); "
        f"INSERT INTO {table} (rowid, title, body) VALUES ({new}); END",
    )


FTS5_DDL = tuple(statement for source in SearchSource for statement in _fts5_ddl(source.value))
POSTGRESQL_DDL = (
    "ALTER TABLE search_docs ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
    "(setweight(to_tsvector('english', replace(title, '<', '<' || chr(1))), 'A') || "
    "setweight(to_tsvector('english', replace(body, '<', '<' || chr(1))), 'B')) STORED",
    *(
        f"CREATE INDEX ix_search_docs_tsv_{source.value} ON search_docs USING gin (tsv) WHERE source = '{source.value}'"
        for source in SearchSource
    ),
)

for statement in FTS5_DDL:
    event.listen(SearchDoc.__table__, "after_create", DDL(statement).execute_if(dialect="sqlite"))
for statement in POSTGRESQL_DDL:
    event.listen(SearchDoc.__table__, "after_create", DDL(statement).execute_if(dialect="postgresql"))
for source in SearchSource:
    drop = DDL(f"DROP TABLE IF EXISTS search_fts_{source.value}")
    event.listen(SearchDoc.__table__, "before_drop", drop.execute_if(dialect="sqlite"))


def described_by_models(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's include_name: False for the parts of the full-text index that DDL makes, not the models."""
    if type_ == "table":
        return not name.startswith("search_fts_")
    if type_ == "column":
        return not (parent_names.get("table_name") == "search_docs" and name == "tsv")
    if type_ == "index":
        return not name.startswith("ix_search_docs_tsv_")
    return True
