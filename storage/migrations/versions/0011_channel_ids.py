"""governance channels bound by id; Teams channel references keyed by id

Teams channel references were stored under the channel's name, learnt from any team the app was
added to: a team of someone else's with a channel of the same name took the governance channel
over. Each reference is now keyed by its conversation id; each governance channel whose name had a
Teams reference is bound to that id (a new row, "<name> (Teams)", so that the name keeps working
for Slack), and so is the settings' channel (XGOV_GOVERNANCE_CHANNEL, else "governance").

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""
import json
import os

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

refs = sa.table('conversation_refs', sa.column('platform', sa.String), sa.column('kind', sa.String),
                sa.column('key', sa.String), sa.column('reference', sa.Text))
channels = sa.table('governance_channels', sa.column('id', sa.Integer), sa.column('name', sa.String),
                    sa.column('locale', sa.String), sa.column('digest_weekday', sa.Integer),
                    sa.column('digest_hour', sa.Integer), sa.column('timezone', sa.String),
                    sa.column('platform', sa.String), sa.column('channel_id', sa.String))


def upgrade() -> None:
    with op.batch_alter_table('governance_channels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('platform', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('channel_id', sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint('uq_governance_channels_platform_channel', ['platform', 'channel_id'])
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_sent_to', ['platform', 'target'], unique=False)
    _key_teams_channels_by_id(op.get_bind())


def _key_teams_channels_by_id(connection) -> None:
    named = connection.execute(sa.select(refs.c.key, refs.c.reference).where(
        refs.c.platform == 'teams', refs.c.kind == 'channel')).all()
    rows = {row.name: row for row in connection.execute(sa.select(channels)).all()}
    default = os.environ.get('XGOV_GOVERNANCE_CHANNEL', 'governance').lstrip('#')
    for name, reference in named:
        channel_id = ((json.loads(reference or '{}').get('conversation') or {}).get('id') or '').split(';')[0]
        here = (refs.c.platform == 'teams') & (refs.c.kind == 'channel')
        if not channel_id:
            connection.execute(refs.delete().where(here, refs.c.key == name))
            continue
        if channel_id != name:
            connection.execute(refs.delete().where(here, refs.c.key == channel_id))
            connection.execute(refs.update().where(here, refs.c.key == name).values(key=channel_id))
        if name in rows or name == default:
            _bind(connection, rows.get(name), name, channel_id)


def _bind(connection, row, name: str, channel_id: str) -> None:
    settings = {'locale': row.locale, 'digest_weekday': row.digest_weekday, 'digest_hour': row.digest_hour,
                'timezone': row.timezone} if row is not None else {
        'locale': os.environ.get('XGOV_DEFAULT_LOCALE', 'pl'), 'digest_weekday': 0, 'digest_hour': 9,
        'timezone': os.environ.get('XGOV_TIMEZONE', 'Europe/Warsaw')}
    connection.execute(channels.insert().values(name=f'{name} (Teams)'[:200], platform='teams',
                                                channel_id=channel_id, **settings))


def downgrade() -> None:
    connection = op.get_bind()
    connection.execute(channels.delete().where(channels.c.channel_id.isnot(None)))
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_sent_to')
    with op.batch_alter_table('governance_channels', schema=None) as batch_op:
        batch_op.drop_constraint('uq_governance_channels_platform_channel', type_='unique')
        batch_op.drop_column('channel_id')
        batch_op.drop_column('platform')
