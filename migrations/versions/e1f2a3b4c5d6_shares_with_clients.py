"""Shares with clients

Revision ID: e1f2a3b4c5d6
Revises: d5f1b3c7e2a9
Create Date: 2026-12-01 22:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e1f2a3b4c5d6'
down_revision = 'd5f1b3c7e2a9'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
