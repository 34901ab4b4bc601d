"""Removed reps' versions

A rep can delete their own version of a page. `removed_variants` keeps its id, page and author so the links in
the suggestions it sent back say it was removed. On SQLite the `variants` table is rebuilt with AUTOINCREMENT,
so a removed version's id is never given to a new one (PostgreSQL sequences never reuse an id).

Revision ID: e5f6a7b8c9d0
Revises: e4f5a6b7c8d9
Create Date: 2026-12-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5f6a7b8c9d0'
down_revision = 'e4f5a6b7c8d9'
branch_labels = None
depends_on = None


def _rebuild_variants(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    with op.batch_alter_table(
        'variants', recreate='always', table_kwargs={'sqlite_autoincrement': autoincrement}
    ):
        pass


def upgrade():
    op.create_table('removed_variants',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_removed_variants_author_id_users')),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_removed_variants_page_id_pages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_removed_variants'))
    )
    _rebuild_variants(autoincrement=True)


def downgrade():
    _rebuild_variants(autoincrement=False)
    op.drop_table('removed_variants')
