"""installation: when scheduling began; governance channels' creation time

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

An installation that has run scheduled jobs before this migration counts as scheduling since its
earliest recorded run, so that its catch-up behaves as before; a new one records its first leader's
start. Channels set up before this migration have no creation time and count from the installation.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('installation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_scheduled_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_installation'))
    )
    op.execute("INSERT INTO installation (id, first_scheduled_at) "
               "SELECT 1, ran_at FROM scheduled_runs ORDER BY ran_at LIMIT 1")
    with op.batch_alter_table('governance_channels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('governance_channels', schema=None) as batch_op:
        batch_op.drop_column('created_at')
    op.drop_table('installation')
