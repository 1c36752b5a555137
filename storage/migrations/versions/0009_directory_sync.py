"""directory: people can be deactivated; a record of directory changes

Revision ID: 0009_directory
Revises: 0008
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_directory'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('directory_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=320), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('person_email', sa.String(length=320), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_changes'))
    )
    with op.batch_alter_table('directory_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_changes_person_email'), ['person_email'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('directory_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_changes_person_email'))
    op.drop_table('directory_changes')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('deactivated_at')
        batch_op.drop_column('active')
