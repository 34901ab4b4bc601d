"""Discussion version for caching the margin

Revision ID: 942b0e59ec51
Revises: 731d57f1bfc0
Create Date: 2026-11-25 00:47:32.035055

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '942b0e59ec51'
down_revision = '731d57f1bfc0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discussion_version', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_column('discussion_version')

