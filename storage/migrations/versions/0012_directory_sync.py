"""directory: people can be deactivated; a record of directory changes

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # in place, not in batch mode: recreating people on SQLite breaks the keys that point at it
    op.add_column('people', sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column('people', sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('people', sa.Column('external_id', sa.String(length=200), nullable=True))
    op.add_column('people', sa.Column('scim_deleted', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('people', sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('people', sa.Column('scim_resource', sa.Text(), nullable=True))
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
    op.create_table('scim_groups',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=True),
    sa.Column('role', sa.String(length=32), nullable=True),
    sa.Column('scim_resource', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scim_groups')),
    sa.UniqueConstraint('display_name', name=op.f('uq_scim_groups_display_name'))
    )
    op.create_table('scim_group_members',
    sa.Column('group_id', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['scim_groups.id'], name=op.f('fk_scim_group_members_group_id_scim_groups')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_scim_group_members_person_id_people')),
    sa.PrimaryKeyConstraint('group_id', 'person_id', name=op.f('pk_scim_group_members'))
    )


def downgrade() -> None:
    op.drop_table('scim_group_members')
    op.drop_table('scim_groups')
    with op.batch_alter_table('directory_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_changes_person_email'))
    op.drop_table('directory_changes')
    for column in ('scim_resource', 'updated_at', 'scim_deleted', 'external_id', 'deactivated_at', 'active'):
        op.execute(f"ALTER TABLE people DROP COLUMN {column}")
