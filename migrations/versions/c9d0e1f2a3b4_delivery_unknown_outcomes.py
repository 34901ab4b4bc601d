"""A delivery counts the attempts whose outcome is unknown (issue 12, part 4)

After a lost reply (the connection dropped after the message, or the answer came after the client's timeout) the
message goes again at most once; the second unknown outcome ends the delivery as 'uncertain' instead of sending
a third copy. The new state needs no migration: delivery states are stored as plain strings.

Revision ID: c9d0e1f2a3b4
Revises: b8c9d0e1f2a3
Create Date: 2026-12-05 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c9d0e1f2a3b4'
down_revision = 'b8c9d0e1f2a3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('summary_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unknown_outcomes', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('summary_deliveries', schema=None) as batch_op:
        batch_op.drop_column('unknown_outcomes')
