"""KPI readings declare their kind and span (issue 16: each kind gets its own change test)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('kpi_values', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('span', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('kpi_values', schema=None) as batch_op:
        batch_op.drop_column('span')
        batch_op.drop_column('kind')
