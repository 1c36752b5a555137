"""Migration 0011: Teams channel references stored by name become keyed by id, and the governance
channels that had one are bound to that id (the name keeps working for Slack)."""
from __future__ import annotations

import json

from sqlalchemy import text

from storage.db import make_engine
from storage.migrate import downgrade, upgrade

GOVERNANCE_ID, OPS_ID = "19:governance0xgov@thread.tacv2", "19:ops0cx@thread.tacv2"


def reference(conversation_id: str) -> str:
    return json.dumps({"conversation": {"id": conversation_id, "conversationType": "channel"},
                       "serviceUrl": "https://smba.example/emea/", "channelId": "msteams"})


def test_existing_teams_channel_references_are_keyed_by_id_and_bound(database_url, monkeypatch):
    monkeypatch.delenv("XGOV_GOVERNANCE_CHANNEL", raising=False)
    downgrade(database_url, "0010")
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            for key, conversation in (("governance", GOVERNANCE_ID), ("cx-ops", OPS_ID), ("General", "")):
                connection.execute(text(
                    "INSERT INTO conversation_refs (platform, kind, key, reference, reachable, updated_at) "
                    "VALUES ('teams', 'channel', :key, :reference, true, CURRENT_TIMESTAMP)"),
                    {"key": key, "reference": reference(conversation) if conversation else "{}"})
            connection.execute(text(
                "INSERT INTO governance_channels (name, locale, digest_weekday, digest_hour, timezone) "
                "VALUES ('cx-ops', 'en', 2, 8, 'Europe/Warsaw')"))
        upgrade(database_url)
        with engine.connect() as connection:
            keys = set(connection.execute(text(
                "SELECT key FROM conversation_refs WHERE platform = 'teams' AND kind = 'channel'")).scalars())
            bound = connection.execute(text(
                "SELECT name, platform, channel_id, locale, digest_weekday FROM governance_channels ORDER BY name")).all()
    finally:
        engine.dispose()
    assert keys == {GOVERNANCE_ID, OPS_ID}  # General had no conversation: dropped
    assert [tuple(row) for row in bound] == [
        ("cx-ops", None, None, "en", 2),  # the name row stays for Slack
        ("cx-ops (Teams)", "teams", OPS_ID, "en", 2),
        ("governance (Teams)", "teams", GOVERNANCE_ID, "pl", 0),  # the settings' channel, in the default language
    ]
