"""Open threads by time

An index on threads (state, created_at): the home page lists the newest open threads on a person's pages, and
PostgreSQL read every thread to find them without one.

Revision ID: e5a6b7c8d9e0
Revises: d4f5a6b7c8d9
Create Date: 2026-12-15 16:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e5a6b7c8d9e0'
down_revision = 'd4f5a6b7c8d9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_threads_state_created', 'threads', ['state', 'created_at'])


def downgrade():
    op.drop_index('ix_threads_state_created', table_name='threads')
