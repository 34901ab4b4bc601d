"""Indexes for what the listing pages ask on every view (issue 14, item 2)

Found with EXPLAIN QUERY PLAN (SQLite) and EXPLAIN (PostgreSQL) on the statements the home pages, the review
queue, the inbox, recent changes, the page view and its history, the council, tactics and the summaries run.

Revision ID: d0e1f2a3b4c5
Revises: f3a4b5c6d7e8
Create Date: 2026-12-12 00:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd0e1f2a3b4c5'
down_revision = 'f3a4b5c6d7e8'
branch_labels = None
depends_on = None

# (table, index, columns)
INDEXES = (
    ('tactic_pages', 'ix_tactic_pages_page_id', ['page_id']),
    ('tactics', 'ix_tactics_owner_id', ['owner_id']),
    ('pages', 'ix_pages_created_by_id', ['created_by_id']),
    ('revisions', 'ix_revisions_author_created', ['author_id', 'created_at']),
    ('revisions', 'ix_revisions_accepted_by_id', ['accepted_by_id']),
    ('approvals', 'ix_approvals_created_at', ['created_at']),
    ('file_decisions', 'ix_file_decisions_created_at', ['created_at']),
    ('threads', 'ix_threads_state_decided', ['state', 'decided_at']),
    ('notifications', 'ix_notifications_user_created', ['user_id', 'created_at']),
    ('summary_deliveries', 'ix_summary_deliveries_claim_token', ['claim_token']),
)


def upgrade():
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    for table, name, _ in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
