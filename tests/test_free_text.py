"""Free text written to the bot means the same on every platform: a greeting gets the help, anything
else is a report, as typed (bot.events.free_text_event, the one place that decides)."""
from __future__ import annotations

import pytest

pytest.importorskip("botbuilder.core")

from adapters.slack.inbound import direct_message_event  # noqa: E402
from adapters.teams.inbound import text_event  # noqa: E402
from bot.app import XGOV_SUBCOMMANDS  # noqa: E402
from bot.events import Actor  # noqa: E402

ACTOR = Actor("ewa@example.pl")


def slack(text: str):
    event = {"type": "message", "channel_type": "im", "user": "U1", "text": text, "channel": "D1"}
    return direct_message_event({"event": event, "event_id": "Ev1"}, ACTOR)


def teams(text: str):
    return text_event(text, ACTOR, subcommands=XGOV_SUBCOMMANDS, delivery="a1")


@pytest.mark.parametrize("text, command, rest", [
    ("Cześć!", "/xgov", "help"), ("hello", "/xgov", "help"), ("?", "/xgov", "help"), ("pomoc.", "/xgov", "help"),
    ("Hello, the invoice system makes me retype orders", "/friction",
     "Hello, the invoice system makes me retype orders"),
    ("Zwroty > 500 zł & <brak> decyzji", "/friction", "Zwroty > 500 zł & <brak> decyzji"),
])
def test_slack_and_teams_read_free_text_the_same_way(text, command, rest):
    for event in (slack(text), teams(text)):
        assert (event.command, event.text) == (command, rest)
