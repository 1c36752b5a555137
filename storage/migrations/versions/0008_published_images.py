"""published images

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'  # was '0006' in the brief; 0007 landed meanwhile (two heads break 'upgrade head')
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('published_images',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_images'))
    )
    with op.batch_alter_table('published_images', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_images_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('published_images', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_images_created_at'))

    op.drop_table('published_images')
