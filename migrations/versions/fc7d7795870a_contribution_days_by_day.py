"""Contribution days by day

An index on contribution_days (day): the leads' chart sums the last 90 days of every council member, and without
one PostgreSQL read every day ever counted to find them.

Revision ID: fc7d7795870a
Revises: f6a7b8c9d0e1
Create Date: 2026-12-16 16:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'fc7d7795870a'
down_revision = 'f6a7b8c9d0e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_contribution_days_day', 'contribution_days', ['day'])


def downgrade():
    op.drop_index('ix_contribution_days_day', table_name='contribution_days')
