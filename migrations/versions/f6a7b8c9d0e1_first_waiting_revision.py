"""Each page's first waiting revision

pages.first_waiting_revision_id names the first revision after the published one (the first of all, on a page
never published) while any wait, NULL when the field reads the head; indexed, so the review queue takes the
longest-waiting pages in order. Filled from the revisions already stored.

Revision ID: f6a7b8c9d0e1
Revises: e5a6b7c8d9e0
Create Date: 2026-12-15 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f6a7b8c9d0e1'
down_revision = 'e5a6b7c8d9e0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pages') as batch_op:
        batch_op.add_column(sa.Column('first_waiting_revision_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_pages_first_waiting_revision_id', ['first_waiting_revision_id'])
    # Revisions are numbered without gaps: the first waiting one is numbered after the published one.
    op.execute(
        """
        UPDATE pages SET first_waiting_revision_id = (
            SELECT first.id FROM revisions AS first
            WHERE first.page_id = pages.id
              AND first.number = coalesce(
                  (SELECT published.number FROM revisions AS published WHERE published.id = pages.published_revision_id),
                  0
              ) + 1
        )
        WHERE head_revision_id IS NOT NULL
          AND (published_revision_id IS NULL OR published_revision_id != head_revision_id)
        """
    )


def downgrade():
    with op.batch_alter_table('pages') as batch_op:
        batch_op.drop_index('ix_pages_first_waiting_revision_id')
        batch_op.drop_column('first_waiting_revision_id')
