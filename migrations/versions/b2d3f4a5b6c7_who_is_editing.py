"""Who is editing

One row per person with a page's editor open, refreshed by the editor's heartbeat: who, since when, last seen.
Keyed by slug, as drafts are, since someone may be writing a page that doesn't exist yet.

Revision ID: b2d3f4a5b6c7
Revises: a1c2e3f4a5b6
Create Date: 2026-12-14 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2d3f4a5b6c7'
down_revision = 'a1c2e3f4a5b6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'editing_presences',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=80), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_editing_presences_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_editing_presences')),
        sa.UniqueConstraint('slug', 'user_id', name=op.f('uq_editing_presences_slug_user_id')),
    )


def downgrade():
    op.drop_table('editing_presences')
