"""Shares with clients

A field rep records that they sent the published version of a page to a client: the kind of client and,
optionally, how the client reacted.

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
    op.create_table(
        'shares',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('page_id', sa.Integer(), nullable=False),
        sa.Column('revision_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('client_kind', sa.String(length=80), nullable=False),
        sa.Column('reaction', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_shares_author_id_users')),
        sa.ForeignKeyConstraint(
            ['page_id'], ['pages.id'], name=op.f('fk_shares_page_id_pages'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['revision_id'], ['revisions.id'], name=op.f('fk_shares_revision_id_revisions'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shares')),
    )
    with op.batch_alter_table('shares', schema=None) as batch_op:
        batch_op.create_index('ix_shares_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_shares_page_created', ['page_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('shares', schema=None) as batch_op:
        batch_op.drop_index('ix_shares_page_created')
        batch_op.drop_index('ix_shares_created_at')
    op.drop_table('shares')
