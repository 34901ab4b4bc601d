"""Answer tallies

Per page, the field reps who answered "would you share this?" about its text and how many of them said yes
last, kept on each answer so the home page ranks pages by usage without reading every answer. Filled from the
answers already given.

Revision ID: c3e4f5a6b7c8
Revises: b2d3f4a5b6c7
Create Date: 2026-12-15 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3e4f5a6b7c8'
down_revision = 'b2d3f4a5b6c7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'answer_tallies',
        sa.Column('page_id', sa.Integer(), nullable=False),
        sa.Column('reps', sa.Integer(), nullable=False),
        sa.Column('would_share', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['page_id'], ['pages.id'], name=op.f('fk_answer_tallies_page_id_pages'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('page_id', name=op.f('pk_answer_tallies')),
    )
    # Each rep's latest answer about a page's text counts once (wiki/services/feedback.py answer_numbers).
    op.execute(
        """
        INSERT INTO answer_tallies (page_id, reps, would_share)
        SELECT page_id, count(DISTINCT author_id), count(DISTINCT CASE WHEN would_share THEN author_id END)
        FROM feedback
        WHERE id IN (
            SELECT max(id) FROM feedback WHERE file_version_id IS NULL GROUP BY page_id, author_id
        )
        GROUP BY page_id
        """
    )


def downgrade():
    op.drop_table('answer_tallies')
