"""Section presenters

A lead assigns a council member to present each `##` section of a page in present mode (/p/<slug>/present);
one presenter per section, the section named by its heading's slug.

Revision ID: a1c2e3f4a5b6
Revises: c4d5e6f7a8b9
Create Date: 2026-12-14 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1c2e3f4a5b6'
down_revision = 'c4d5e6f7a8b9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'section_presenters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('page_id', sa.Integer(), nullable=False),
        sa.Column('section', sa.String(length=80), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('assigned_by_id', sa.Integer(), nullable=False),
        sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['assigned_by_id'], ['users.id'], name=op.f('fk_section_presenters_assigned_by_id_users')
        ),
        sa.ForeignKeyConstraint(
            ['page_id'], ['pages.id'], name=op.f('fk_section_presenters_page_id_pages'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_section_presenters_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_section_presenters')),
        sa.UniqueConstraint('page_id', 'section', name=op.f('uq_section_presenters_page_id_section')),
    )


def downgrade():
    op.drop_table('section_presenters')
