"""survey responses: the step of the one survey message

A response counts the states its chat message has gone through; every button carries the
step it was drawn at, so a button of a superseded state changes nothing.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # in place, not in batch mode: recreating survey_responses on SQLite breaks the keys that point at it
    op.add_column('survey_responses', sa.Column('step', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    op.execute("ALTER TABLE survey_responses DROP COLUMN step")
