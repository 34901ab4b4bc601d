"""Reps' own versions of published pages

A variant is a rep's copy of a page's published text for a client or segment, with its own revisions,
the colleagues it is shared with, and the changes sent back to the original as suggestions.

Revision ID: e4f5a6b7c8d9
Revises: e3f4a5b6c7d8
Create Date: 2026-12-01 22:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4f5a6b7c8d9'
down_revision = 'e3f4a5b6c7d8'
branch_labels = None
depends_on = None

ORIGIN = sa.Enum('start', 'edit', 'merge', 'update', name='variant_origin', native_enum=False, length=20)


def upgrade():
    op.create_table('variants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('base_revision_id', sa.Integer(), nullable=False),
    sa.Column('head_number', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_variants_author_id_users')),
    sa.ForeignKeyConstraint(['base_revision_id'], ['revisions.id'], name=op.f('fk_variants_base_revision_id_revisions')),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_variants_page_id_pages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_variants'))
    )
    with op.batch_alter_table('variants', schema=None) as batch_op:
        batch_op.create_index('ix_variants_page_author', ['page_id', 'author_id'], unique=False)
        batch_op.create_index('ix_variants_updated_at', ['updated_at'], unique=False)

    op.create_table('variant_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('base_number', sa.Integer(), nullable=True),
    sa.Column('upstream_revision_id', sa.Integer(), nullable=False),
    sa.Column('origin', ORIGIN, nullable=False),
    sa.CheckConstraint('number >= 1', name=op.f('ck_variant_revisions_number_positive')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_variant_revisions_author_id_users')),
    sa.ForeignKeyConstraint(['upstream_revision_id'], ['revisions.id'], name=op.f('fk_variant_revisions_upstream_revision_id_revisions')),
    sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_variant_revisions_variant_id_variants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_variant_revisions')),
    sa.UniqueConstraint('variant_id', 'number', name=op.f('uq_variant_revisions_variant_id_number'))
    )

    op.create_table('variant_shares',
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('shared_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_variant_shares_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_variant_shares_variant_id_variants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('variant_id', 'user_id', name=op.f('pk_variant_shares'))
    )
    with op.batch_alter_table('variant_shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_variant_shares_user_id'), ['user_id'], unique=False)

    op.create_table('variant_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('base_revision_id', sa.Integer(), nullable=False),
    sa.Column('passage', sa.Text(), nullable=False),
    sa.Column('replacement', sa.Text(), nullable=False),
    sa.Column('reaction', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_revision_id'], ['revisions.id'], name=op.f('fk_variant_offers_base_revision_id_revisions')),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_variant_offers_thread_id_threads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_variant_offers_variant_id_variants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_variant_offers')),
    sa.UniqueConstraint('thread_id', name=op.f('uq_variant_offers_thread_id'))
    )
    with op.batch_alter_table('variant_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_variant_offers_variant_id'), ['variant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('variant_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_variant_offers_variant_id'))
    op.drop_table('variant_offers')
    with op.batch_alter_table('variant_shares', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_variant_shares_user_id'))
    op.drop_table('variant_shares')
    op.drop_table('variant_revisions')
    with op.batch_alter_table('variants', schema=None) as batch_op:
        batch_op.drop_index('ix_variants_updated_at')
        batch_op.drop_index('ix_variants_page_author')
    op.drop_table('variants')
