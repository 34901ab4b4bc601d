"""Full-text search (issue 14, item 3)

search_docs holds what search finds (pages' head and published revisions, file versions' parts, comments), with
the database's index over it: an FTS5 table kept in step by triggers on SQLite, a generated tsvector column with a
GIN index on PostgreSQL. The index is filled from the data already there; `flask --app wsgi search reindex`
rebuilds it the way the app writes it.

Revision ID: e6f7a8b9c0d1
Revises: d0e1f2a3b4c5
Create Date: 2026-12-12 00:00:00.000000

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6f7a8b9c0d1'
down_revision = 'd0e1f2a3b4c5'
branch_labels = None
depends_on = None

SOURCES = ('page', 'file', 'comment')


def _fts5_ddl(source):
    """As wiki/models/search.py makes them when it creates the table: an FTS5 table per source, and its triggers."""
    table = f"search_fts_{source}"
    old, new = "old.id, old.title, old.body", "new.id, new.title, new.body"
    return (
        f"CREATE VIRTUAL TABLE {table} USING fts5(title, body, content='search_docs', content_rowid='id', "
        "tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')",
        f"CREATE TRIGGER {table}_ai AFTER INSERT ON search_docs WHEN new.source = '{source}' BEGIN "
        f"INSERT INTO {table} (rowid, title, body) VALUES ({new}); END",
        f"CREATE TRIGGER {table}_ad AFTER DELETE ON search_docs WHEN old.source = '{source}' BEGIN "
        f"INSERT INTO {table} ({table}, rowid, title, body) VALUES ('delete', {old}); END",
        f"CREATE TRIGGER {table}_au AFTER UPDATE OF title, body ON search_docs WHEN old.source = '{source}' BEGIN "
        f"INSERT INTO {table} ({table}, rowid, title, body) VALUES ('delete', {old}); "
        f"INSERT INTO {table} (rowid, title, body) VALUES ({new}); END",
    )


FTS5_DDL = tuple(statement for source in SOURCES for statement in _fts5_ddl(source))
POSTGRESQL_DDL = (
    "ALTER TABLE search_docs ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
    "(setweight(to_tsvector('english', replace(title, '<', '<' || chr(1))), 'A') || "
    "setweight(to_tsvector('english', replace(body, '<', '<' || chr(1))), 'B')) STORED",
    *(f"CREATE INDEX ix_search_docs_tsv_{source} ON search_docs USING gin (tsv) WHERE source = '{source}'"
      for source in SOURCES),
)
MAX_CHARS = 100_000
STRETCH_CHARS = 20_000

docs = sa.table(
    'search_docs',
    sa.column('source', sa.String),
    sa.column('page_id', sa.Integer),
    sa.column('revision_id', sa.Integer),
    sa.column('attachment_id', sa.Integer),
    sa.column('file_version_id', sa.Integer),
    sa.column('position', sa.Integer),
    sa.column('comment_id', sa.Integer),
    sa.column('staff', sa.Boolean),
    sa.column('field', sa.Boolean),
    sa.column('title', sa.Text),
    sa.column('body', sa.Text),
)
pages = sa.table(
    'pages', sa.column('id', sa.Integer), sa.column('head_revision_id', sa.Integer),
    sa.column('published_revision_id', sa.Integer),
)
revisions = sa.table(
    'revisions', sa.column('id', sa.Integer), sa.column('page_id', sa.Integer), sa.column('title', sa.String),
    sa.column('body', sa.Text),
)
attachments = sa.table(
    'attachments', sa.column('id', sa.Integer), sa.column('page_id', sa.Integer), sa.column('name', sa.String),
    sa.column('head_version_id', sa.Integer), sa.column('published_version_id', sa.Integer),
)
file_versions = sa.table(
    'file_versions', sa.column('id', sa.Integer), sa.column('units', sa.JSON), sa.column('text', sa.Text),
)
_MARKUP = re.compile(r"^[ \t]*(?:#{1,6}|>|[-*+]|\d{1,9}[.)])[ \t]+|\]\([^)\n]*\)|[*`\[\]|]|~~|[\x02\x03]", re.M)


def _plain(text):
    """Roughly how the text reads, for the index: Markdown's marks and link targets out, single spaces. The app's
    own rules (wiki/text/search_text.py) apply from the next save, or after `flask search reindex`."""
    return " ".join(_MARKUP.sub(" ", text[: MAX_CHARS * 2]).split())[:MAX_CHARS]


def _audiences(head_id, published_id):
    wanted = {}
    if published_id is not None:
        wanted[published_id] = (False, True)
    if head_id is not None:
        wanted[head_id] = (True, head_id == published_id)
    return wanted


def _stretches(text):
    stretches = []
    while text:
        if len(text) <= STRETCH_CHARS:
            stretches.append(text)
            break
        cut = text.rfind(" ", STRETCH_CHARS // 2, STRETCH_CHARS)
        cut = cut if cut > 0 else STRETCH_CHARS
        stretches.append(text[:cut])
        text = text[cut:].lstrip()
    return stretches


def _fill(bind):
    for page in bind.execute(sa.select(pages).where(pages.c.head_revision_id.is_not(None))).all():
        wanted = _audiences(page.head_revision_id, page.published_revision_id)
        rows = bind.execute(sa.select(revisions).where(revisions.c.id.in_(list(wanted)))).all()
        bind.execute(docs.insert(), [
            {'source': 'page', 'page_id': page.id, 'revision_id': row.id, 'staff': wanted[row.id][0],
             'field': wanted[row.id][1], 'title': _plain(row.title), 'body': _plain(row.body)}
            for row in rows
        ])
    for attachment in bind.execute(sa.select(attachments).where(attachments.c.head_version_id.is_not(None))).all():
        wanted = _audiences(attachment.head_version_id, attachment.published_version_id)
        for version in bind.execute(sa.select(file_versions).where(file_versions.c.id.in_(list(wanted)))).all():
            common = {'source': 'file', 'page_id': attachment.page_id, 'attachment_id': attachment.id,
                      'file_version_id': version.id, 'staff': wanted[version.id][0], 'field': wanted[version.id][1]}
            rows = [{**common, 'position': 0, 'title': re.sub(r"[-_.]", " ", attachment.name), 'body': ''}]
            if version.units:
                parts = [(unit['title'], f"{unit['text']}\n{unit['notes']}") for unit in version.units]
            else:
                parts = [('', stretch) for stretch in _stretches(" ".join((version.text or '').split()))]
            rows += [
                {**common, 'position': position, 'title': _plain(title), 'body': _plain(text)}
                for position, (title, text) in enumerate(parts, start=1)
                if title.strip() or text.strip()
            ]
            bind.execute(docs.insert(), rows)
    bind.execute(sa.text(
        "INSERT INTO search_docs (source, page_id, comment_id, staff, field, title, body) "
        "SELECT 'comment', threads.page_id, comments.id, true, false, '', comments.body "
        "FROM comments JOIN threads ON threads.id = comments.thread_id "
        "WHERE comments.deleted_at IS NULL AND comments.body <> ''"
    ))


def upgrade():
    op.create_table('search_docs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('page', 'file', 'comment', name='search_source', native_enum=False, length=20), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=True),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('file_version_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('staff', sa.Boolean(), nullable=False),
    sa.Column('field', sa.Boolean(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_search_docs_attachment_id_attachments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_search_docs_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['file_version_id'], ['file_versions.id'], name=op.f('fk_search_docs_file_version_id_file_versions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_search_docs_page_id_pages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name=op.f('fk_search_docs_revision_id_revisions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_docs'))
    )
    with op.batch_alter_table('search_docs', schema=None) as batch_op:
        batch_op.create_index('ix_search_docs_attachment_id', ['attachment_id'], unique=False)
        batch_op.create_index('ix_search_docs_comment_id', ['comment_id'], unique=True)
        batch_op.create_index('ix_search_docs_file_version_id', ['file_version_id'], unique=False)
        batch_op.create_index('ix_search_docs_page_source', ['page_id', 'source'], unique=False)
        batch_op.create_index('ix_search_docs_revision_id', ['revision_id'], unique=False)

    bind = op.get_bind()
    for statement in FTS5_DDL if bind.dialect.name == 'sqlite' else POSTGRESQL_DDL:
        op.execute(statement)
    _fill(bind)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for source in SOURCES:
            op.execute(f"DROP TABLE IF EXISTS search_fts_{source}")
    with op.batch_alter_table('search_docs', schema=None) as batch_op:
        batch_op.drop_index('ix_search_docs_revision_id')
        batch_op.drop_index('ix_search_docs_page_source')
        batch_op.drop_index('ix_search_docs_file_version_id')
        batch_op.drop_index('ix_search_docs_comment_id')
        batch_op.drop_index('ix_search_docs_attachment_id')

    op.drop_table('search_docs')
