"""Comment threads, suggestions and the inbox

Revision ID: 731d57f1bfc0
Revises: 8e3b68b39099
Create Date: 2026-11-25 00:33:40.736301

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '731d57f1bfc0'
down_revision = '8e3b68b39099'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('threads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('comment', 'suggestion', name='thread_kind', native_enum=False, length=20), nullable=False),
    sa.Column('state', sa.Enum('open', 'resolved', 'accepted', 'rejected', name='thread_state', native_enum=False, length=20), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('origin_number', sa.Integer(), nullable=False),
    sa.Column('anchor_state', sa.Enum('page', 'anchored', 'orphaned', 'stale', name='anchor_state', native_enum=False, length=20), nullable=False),
    sa.Column('exact', sa.Text(), nullable=False),
    sa.Column('prefix', sa.String(length=64), nullable=False),
    sa.Column('suffix', sa.String(length=64), nullable=False),
    sa.Column('start', sa.Integer(), nullable=True),
    sa.Column('anchored_number', sa.Integer(), nullable=True),
    sa.Column('original_exact', sa.Text(), nullable=False),
    sa.Column('replacement', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.String(length=500), nullable=False),
    sa.Column('applied_revision_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['applied_revision_id'], ['revisions.id'], name=op.f('fk_threads_applied_revision_id_revisions')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_threads_author_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_threads_decided_by_id_users')),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_threads_page_id_pages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_threads'))
    )
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.create_index('ix_threads_page_state', ['page_id', 'state'], unique=False)

    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_comments_author_id_users')),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_comments_thread_id_threads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comments_thread_id'), ['thread_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('mention', 'reply', 'decision', 'suggestion', name='notification_kind', native_enum=False, length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_notifications_actor_id_users')),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_notifications_page_id_pages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_notifications_thread_id_threads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_read', ['user_id', 'read_at'], unique=False)

    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepted_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_revisions_accepted_by_id_users'), 'users', ['accepted_by_id'], ['id'])



def downgrade():
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_revisions_accepted_by_id_users'), type_='foreignkey')
        batch_op.drop_column('accepted_by_id')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_read')

    op.drop_table('notifications')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comments_thread_id'))

    op.drop_table('comments')
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_index('ix_threads_page_state')

    op.drop_table('threads')
