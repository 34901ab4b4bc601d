"""Content requests

The field asks for content (`content_requests`), others add *I need this too* (`request_votes`, one per
person), and every step is kept as the request's story (`request_events`). An inbox notice can now be about a
request instead of a page: `notifications.page_id` becomes nullable and `notifications.request_id` is added.

Revision ID: e2f3a4b5c6d7
Revises: e1f2a3b4c5d6
Create Date: 2026-12-01 22:30:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'e2f3a4b5c6d7'
down_revision = 'e1f2a3b4c5d6'
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, length=20)


def upgrade():
    op.create_table(
        'content_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('details', sa.Text(), nullable=False),
        sa.Column('segment', sa.String(length=80), nullable=False),
        sa.Column('stage', _enum('request_stage', 'prospecting', 'proposal', 'closing', 'renewal'), nullable=True),
        sa.Column('needed_by', sa.Date(), nullable=True),
        sa.Column('requester_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            'state',
            _enum('request_state', 'new', 'accepted', 'in_progress', 'done', 'declined', 'merged'),
            nullable=False,
        ),
        sa.Column('tactic_id', sa.Integer(), nullable=True),
        sa.Column('assignee_id', sa.Integer(), nullable=True),
        sa.Column('decline_reason', sa.String(length=500), nullable=False),
        sa.Column('answer_page_id', sa.Integer(), nullable=True),
        sa.Column('answer_revision_number', sa.Integer(), nullable=True),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('merged_into_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['answer_page_id'], ['pages.id'], name=op.f('fk_content_requests_answer_page_id_pages'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_content_requests_assignee_id_users')),
        sa.ForeignKeyConstraint(['merged_into_id'], ['content_requests.id'], name=op.f('fk_content_requests_merged_into_id_content_requests'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['requester_id'], ['users.id'], name=op.f('fk_content_requests_requester_id_users')),
        sa.ForeignKeyConstraint(['tactic_id'], ['tactics.id'], name=op.f('fk_content_requests_tactic_id_tactics'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_requests')),
    )
    with op.batch_alter_table('content_requests', schema=None) as batch_op:
        batch_op.create_index('ix_content_requests_state', ['state'], unique=False)
        batch_op.create_index('ix_content_requests_done_at', ['done_at'], unique=False)

    op.create_table(
        'request_votes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['request_id'], ['content_requests.id'], name=op.f('fk_request_votes_request_id_content_requests'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_request_votes_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_request_votes')),
        sa.UniqueConstraint('request_id', 'user_id', name=op.f('uq_request_votes_request_id_user_id')),
    )
    with op.batch_alter_table('request_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_votes_request_id'), ['request_id'], unique=False)

    op.create_table(
        'request_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column(
            'kind',
            _enum(
                'request_event_kind',
                'asked', 'joined', 'accepted', 'in_progress', 'done', 'declined', 'merged', 'absorbed',
            ),
            nullable=False,
        ),
        sa.Column('actor_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('tactic_id', sa.Integer(), nullable=True),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('page_id', sa.Integer(), nullable=True),
        sa.Column('revision_number', sa.Integer(), nullable=True),
        sa.Column('other_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_request_events_actor_id_users')),
        sa.ForeignKeyConstraint(['other_id'], ['content_requests.id'], name=op.f('fk_request_events_other_id_content_requests'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_request_events_page_id_pages'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['person_id'], ['users.id'], name=op.f('fk_request_events_person_id_users')),
        sa.ForeignKeyConstraint(['request_id'], ['content_requests.id'], name=op.f('fk_request_events_request_id_content_requests'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['tactic_id'], ['tactics.id'], name=op.f('fk_request_events_tactic_id_tactics'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_request_events')),
    )
    with op.batch_alter_table('request_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_events_request_id'), ['request_id'], unique=False)

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_notifications_request_id_content_requests'),
            'content_requests', ['request_id'], ['id'], ondelete='CASCADE',
        )
        batch_op.alter_column('page_id', existing_type=sa.Integer(), nullable=True)


def downgrade():
    # Notices about requests have no page to point at; they go with the requests.
    op.execute("DELETE FROM notifications WHERE page_id IS NULL")
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.alter_column('page_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f('fk_notifications_request_id_content_requests'), type_='foreignkey')
        batch_op.drop_column('request_id')
    with op.batch_alter_table('request_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_events_request_id'))
    op.drop_table('request_events')
    with op.batch_alter_table('request_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_votes_request_id'))
    op.drop_table('request_votes')
    with op.batch_alter_table('content_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_content_requests_done_at')
        batch_op.drop_index('ix_content_requests_state')
    op.drop_table('content_requests')
