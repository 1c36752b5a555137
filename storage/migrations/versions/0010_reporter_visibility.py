"""full anonymity is each reporter's choice: friction_reporters.hidden_from_governance

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('friction_reporters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_from_governance', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.execute("UPDATE friction_reporters SET hidden_from_governance = (SELECT frictions.hidden_from_governance "
               "FROM frictions WHERE frictions.id = friction_reporters.friction_id)")
    # in place (SQLite 3.35+ and PostgreSQL): recreating frictions would break the keys that point at it
    op.execute("ALTER TABLE frictions DROP COLUMN hidden_from_governance")


def downgrade() -> None:
    op.add_column('frictions', sa.Column('hidden_from_governance', sa.Boolean(), server_default=sa.false(),
                                         nullable=False))
    op.execute("UPDATE frictions SET hidden_from_governance = EXISTS (SELECT 1 FROM friction_reporters r "
               "WHERE r.friction_id = frictions.id AND r.hidden_from_governance)")
    op.execute("ALTER TABLE friction_reporters DROP COLUMN hidden_from_governance")
