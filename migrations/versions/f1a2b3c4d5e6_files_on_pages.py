"""Files on pages (issue 11)

Content-addressed blobs, attachments with versions, page images and lead decisions on versions; threads, feedback
and shares can name a file and a slide or page.

Revision ID: f1a2b3c4d5e6
Revises: e5f6a7b8c9d0
Create Date: 2026-12-02 00:09:15.948340

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1a2b3c4d5e6'
down_revision = 'e5f6a7b8c9d0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('blobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_blobs'))
    )
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('head_number', sa.Integer(), nullable=False),
    sa.Column('head_version_id', sa.Integer(), nullable=True),
    sa.Column('published_version_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_attachments_created_by_id_users')),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_attachments_page_id_pages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('page_id', 'name', name=op.f('uq_attachments_page_id_name'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_page_id'), ['page_id'], unique=False)

    op.create_table('file_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('blob_sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('restored_from', sa.Integer(), nullable=True),
    sa.Column('units', sa.JSON(), nullable=False),
    sa.Column('unit_count', sa.Integer(), nullable=False),
    sa.Column('truncated', sa.Boolean(), nullable=False),
    sa.Column('image_count', sa.Integer(), nullable=False),
    sa.Column('preview_error', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.CheckConstraint('number >= 1', name=op.f('ck_file_versions_number_positive')),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_file_versions_attachment_id_attachments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_file_versions_author_id_users')),
    sa.ForeignKeyConstraint(['blob_sha256'], ['blobs.sha256'], name=op.f('fk_file_versions_blob_sha256_blobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_file_versions')),
    sa.UniqueConstraint('attachment_id', 'number', name=op.f('uq_file_versions_attachment_id_number'))
    )
    with op.batch_alter_table('file_versions', schema=None) as batch_op:
        batch_op.create_index('ix_file_versions_created_at', ['created_at'], unique=False)

    # The attachments' version pointers can only name file_versions once it exists.
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_attachments_head_version_id_file_versions', 'file_versions', ['head_version_id'], ['id'])
        batch_op.create_foreign_key('fk_attachments_published_version_id_file_versions', 'file_versions', ['published_version_id'], ['id'])

    op.create_table('file_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.Enum('approved', 'changes_requested', name='decision', native_enum=False, length=20), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_file_decisions_attachment_id_attachments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_file_decisions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['file_versions.id'], name=op.f('fk_file_decisions_version_id_file_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_file_decisions'))
    )
    with op.batch_alter_table('file_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_file_decisions_attachment_created', ['attachment_id', 'created_at'], unique=False)

    op.create_table('file_images',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('blob_sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['blob_sha256'], ['blobs.sha256'], name=op.f('fk_file_images_blob_sha256_blobs')),
    sa.ForeignKeyConstraint(['version_id'], ['file_versions.id'], name=op.f('fk_file_images_version_id_file_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', 'position', name=op.f('pk_file_images'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('file_version_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('unit', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_feedback_file_version_id_file_versions'), 'file_versions', ['file_version_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('shares', schema=None) as batch_op:
        batch_op.add_column(sa.Column('file_version_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('unit', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_shares_file_version_id_file_versions'), 'file_versions', ['file_version_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachment_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('unit', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_threads_attachment_id'), ['attachment_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_threads_attachment_id_attachments'), 'attachments', ['attachment_id'], ['id'], ondelete='CASCADE')



def downgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_threads_attachment_id_attachments'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_threads_attachment_id'))
        batch_op.drop_column('unit')
        batch_op.drop_column('attachment_id')

    with op.batch_alter_table('shares', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_shares_file_version_id_file_versions'), type_='foreignkey')
        batch_op.drop_column('unit')
        batch_op.drop_column('file_version_id')

    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_feedback_file_version_id_file_versions'), type_='foreignkey')
        batch_op.drop_column('unit')
        batch_op.drop_column('file_version_id')

    op.drop_table('file_images')
    with op.batch_alter_table('file_decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_file_decisions_attachment_created')

    op.drop_table('file_decisions')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint('fk_attachments_published_version_id_file_versions', type_='foreignkey')
        batch_op.drop_constraint('fk_attachments_head_version_id_file_versions', type_='foreignkey')

    with op.batch_alter_table('file_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_file_versions_created_at')

    op.drop_table('file_versions')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_page_id'))

    op.drop_table('attachments')
    op.drop_table('blobs')
