"""Title and kind belong to each revision

A page's title and kind move from the page onto every revision, so the field reads the published
revision's and a retitle waits for approval like any other change. Every existing revision takes the
page's current values.

Revision ID: d5f1b3c7e2a9
Revises: c4e8a9f2b1d0
Create Date: 2026-12-01 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5f1b3c7e2a9'
down_revision = 'c4e8a9f2b1d0'
branch_labels = None
depends_on = None

KIND = sa.Enum('plan', 'collateral', 'note', name='page_kind', native_enum=False, length=20)


def upgrade():
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('kind', KIND, nullable=True))
    op.execute(
        "UPDATE revisions SET "
        "title = (SELECT pages.title FROM pages WHERE pages.id = revisions.page_id), "
        "kind = (SELECT pages.kind FROM pages WHERE pages.id = revisions.page_id)"
    )
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.alter_column('title', existing_type=sa.String(length=200), nullable=False)
        batch_op.alter_column('kind', existing_type=KIND, nullable=False)
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_column('kind')
        batch_op.drop_column('title')


def downgrade():
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=True))
    op.execute(
        "UPDATE pages SET "
        "title = (SELECT revisions.title FROM revisions WHERE revisions.id = pages.head_revision_id), "
        "kind = (SELECT revisions.kind FROM revisions WHERE revisions.id = pages.head_revision_id)"
    )
    op.execute("UPDATE pages SET title = slug WHERE title IS NULL")
    op.execute("UPDATE pages SET kind = 'note' WHERE kind IS NULL")
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.alter_column('title', existing_type=sa.String(length=200), nullable=False)
        batch_op.alter_column('kind', existing_type=sa.String(length=20), nullable=False)
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_column('kind')
        batch_op.drop_column('title')
