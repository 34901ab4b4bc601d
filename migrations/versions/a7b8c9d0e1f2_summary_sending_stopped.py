"""A summary remembers why its sending stopped for a person to fix, and when a sender last worked on it (issue 12)

The worker process polls the outbox: without the first it would go on refusing ten recipients at a time; the
second lets the progress page say when no worker seems to be running.

Revision ID: a7b8c9d0e1f2
Revises: f2b3c4d5e6f7
Create Date: 2026-12-04 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7b8c9d0e1f2'
down_revision = 'f2b3c4d5e6f7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('summaries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sending_stopped', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('outbox_seen_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('summaries', schema=None) as batch_op:
        batch_op.drop_column('outbox_seen_at')
        batch_op.drop_column('sending_stopped')
