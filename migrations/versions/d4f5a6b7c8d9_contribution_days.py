"""Contributions per person and day

What each person contributed on each day (UTC): revisions saved, their suggestions accepted, their comment
threads resolved, kept as they happen so the leads' chart sums a row per member and day. Filled from the
history already stored.

Revision ID: d4f5a6b7c8d9
Revises: c3e4f5a6b7c8
Create Date: 2026-12-15 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4f5a6b7c8d9'
down_revision = 'c3e4f5a6b7c8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'contribution_days',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('edits', sa.Integer(), nullable=False),
        sa.Column('accepted_suggestions', sa.Integer(), nullable=False),
        sa.Column('resolved_threads', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_contribution_days_user_id_users')),
        sa.PrimaryKeyConstraint('user_id', 'day', name=op.f('pk_contribution_days')),
    )
    # The same counting as wiki/services/contributions.py recount(); moments are stored in UTC.
    if op.get_bind().dialect.name == 'postgresql':
        day = "CAST(({} AT TIME ZONE 'UTC') AS DATE)"
    else:
        day = "date({})"
    op.execute(
        f"""
        INSERT INTO contribution_days (user_id, day, edits, accepted_suggestions, resolved_threads)
        SELECT user_id, day, sum(edits), sum(accepted_suggestions), sum(resolved_threads) FROM (
            SELECT author_id AS user_id, {day.format('created_at')} AS day,
                   CASE WHEN origin = 'suggestion' THEN 0 ELSE 1 END AS edits,
                   CASE WHEN origin = 'suggestion' THEN 1 ELSE 0 END AS accepted_suggestions,
                   0 AS resolved_threads
            FROM revisions
            UNION ALL
            SELECT author_id, {day.format('decided_at')}, 0, 0, 1
            FROM threads WHERE kind = 'comment' AND state = 'resolved'
        ) AS made
        GROUP BY user_id, day
        """
    )


def downgrade():
    op.drop_table('contribution_days')
