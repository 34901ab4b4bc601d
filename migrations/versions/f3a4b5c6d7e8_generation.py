"""The wiki's generation, which cached page views are keyed by (issue 14, part 1)

One row whose value every committed write that can change a page's view moves on (wiki/generation.py).

Revision ID: f3a4b5c6d7e8
Revises: c9d0e1f2a3b4
Create Date: 2026-12-06 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3a4b5c6d7e8'
down_revision = 'c9d0e1f2a3b4'
branch_labels = None
depends_on = None


def upgrade():
    generations = op.create_table(
        'generations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.bulk_insert(generations, [{'id': 1, 'value': 0}])


def downgrade():
    op.drop_table('generations')
