"""Comment rounds for the field

A lead opens a published page to comments from the whole field until a date; the threads written in a
round point to it (threads.round_id), so the field reads those and nothing else.

Revision ID: e3f4a5b6c7d8
Revises: e2f3a4b5c6d7
Create Date: 2026-12-01 22:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3f4a5b6c7d8'
down_revision = 'e2f3a4b5c6d7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'comment_rounds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('page_id', sa.Integer(), nullable=False),
        sa.Column('prompt', sa.String(length=200), nullable=False),
        sa.Column('closes_on', sa.Date(), nullable=False),
        sa.Column('opened_by_id', sa.Integer(), nullable=False),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('closed_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_comment_rounds_closed_by_id_users')),
        sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_comment_rounds_opened_by_id_users')),
        sa.ForeignKeyConstraint(
            ['page_id'], ['pages.id'], name=op.f('fk_comment_rounds_page_id_pages'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_rounds')),
    )
    with op.batch_alter_table('comment_rounds', schema=None) as batch_op:
        batch_op.create_index('ix_comment_rounds_page_closes', ['page_id', 'closes_on'], unique=False)
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_threads_round_id'), ['round_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_threads_round_id_comment_rounds'), 'comment_rounds', ['round_id'], ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_threads_round_id_comment_rounds'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_threads_round_id'))
        batch_op.drop_column('round_id')
    with op.batch_alter_table('comment_rounds', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_rounds_page_closes')
    op.drop_table('comment_rounds')
