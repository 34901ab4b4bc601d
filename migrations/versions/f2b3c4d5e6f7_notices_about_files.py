"""Inbox notices about a file open the file (issue 11)

A notification can name one of the page's files, the version it is about and a slide or page of it.

Revision ID: f2b3c4d5e6f7
Revises: f1a2b3c4d5e6
Create Date: 2026-12-03 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f2b3c4d5e6f7'
down_revision = 'f1a2b3c4d5e6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachment_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('file_version_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('unit', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_notifications_attachment_id_attachments'), 'attachments', ['attachment_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_notifications_file_version_id_file_versions'), 'file_versions', ['file_version_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notifications_file_version_id_file_versions'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_notifications_attachment_id_attachments'), type_='foreignkey')
        batch_op.drop_column('unit')
        batch_op.drop_column('file_version_id')
        batch_op.drop_column('attachment_id')
