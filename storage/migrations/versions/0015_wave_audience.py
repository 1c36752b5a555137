"""survey waves keep their audience's org units (anonymity)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # in place, not in batch mode: recreating survey_waves on SQLite breaks the keys that point at it
    op.add_column('survey_waves', sa.Column('audience_units', sa.Text(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE survey_waves DROP COLUMN audience_units")
