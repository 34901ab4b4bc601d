"""The summary's schedule (issue 12, part 2)

The leads set a cadence (every N days, a weekday, an hour, a time zone); the worker composes the draft when it is
due, tells the leads, and reminds them once if it stays unsent. One row holds the cadence and where the worker is
in it.

Revision ID: b8c9d0e1f2a3
Revises: a7b8c9d0e1f2
Create Date: 2026-12-05 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8c9d0e1f2a3'
down_revision = 'a7b8c9d0e1f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'summary_schedules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('every_days', sa.Integer(), nullable=False),
        sa.Column('weekday', sa.Integer(), nullable=False),
        sa.Column('hour', sa.Integer(), nullable=False),
        sa.Column('time_zone', sa.String(length=64), nullable=False),
        sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_due_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('draft_id', sa.Integer(), nullable=True),
        sa.Column('remind_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['draft_id'], ['summaries.id'], name=op.f('fk_summary_schedules_draft_id_summaries'), ondelete='SET NULL'
        ),
        sa.ForeignKeyConstraint(
            ['updated_by_id'], ['users.id'], name=op.f('fk_summary_schedules_updated_by_id_users'), ondelete='SET NULL'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_summary_schedules')),
    )
    with op.batch_alter_table('summary_schedules', schema=None) as batch_op:
        batch_op.create_index('ix_summary_schedules_enabled_next_due_at', ['enabled', 'next_due_at'], unique=False)
        batch_op.create_index('ix_summary_schedules_enabled_remind_at', ['enabled', 'remind_at'], unique=False)


def downgrade():
    with op.batch_alter_table('summary_schedules', schema=None) as batch_op:
        batch_op.drop_index('ix_summary_schedules_enabled_remind_at')
        batch_op.drop_index('ix_summary_schedules_enabled_next_due_at')
    op.drop_table('summary_schedules')
