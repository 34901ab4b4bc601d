"""Indexes for the home page at scale: contributions by origin, pages by their newest revision

A person's revisions by time now carry their origin in the index, so the lead's chart counts edits and accepted
suggestions without reading each revision's row (on SQLite, past its body). Pages are indexed by their head and
published revisions, so "recently changed" walks the newest few instead of sorting every page.

Revision ID: c4d5e6f7a8b9
Revises: e6f7a8b9c0d1
Create Date: 2026-12-02 07:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4d5e6f7a8b9'
down_revision = 'e6f7a8b9c0d1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_index('ix_revisions_author_created')
        batch_op.create_index('ix_revisions_author_created_origin', ['author_id', 'created_at', 'origin'], unique=False)
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.create_index('ix_pages_head_revision_id', ['head_revision_id'], unique=False)
        batch_op.create_index('ix_pages_published_revision_id', ['published_revision_id'], unique=False)


def downgrade():
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_index('ix_pages_published_revision_id')
        batch_op.drop_index('ix_pages_head_revision_id')
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_index('ix_revisions_author_created_origin')
        batch_op.create_index('ix_revisions_author_created', ['author_id', 'created_at'], unique=False)
