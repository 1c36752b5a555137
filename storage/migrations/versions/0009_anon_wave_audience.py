"""survey waves keep their audience's org units (anonymity)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('survey_waves', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience_units', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('survey_waves', schema=None) as batch_op:
        batch_op.drop_column('audience_units')
