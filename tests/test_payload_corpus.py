"""The genuine payloads of tests/payloads/ (bolt-python's and botbuilder-python's own fixtures) replayed
against both adapters over real HTTP: each is answered without an error or a traceback, and the ones
that carry a person's words to the bot are filed."""
from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select

from storage.models import Friction
from tests.world import EMPLOYEE_EN

PAYLOADS = Path(__file__).with_name("payloads")
SLACK = sorted((PAYLOADS / "slack").glob("*.json"))
TEAMS = sorted((PAYLOADS / "teams").glob("*.json"))
PERSON_SUBTYPES = (None, "file_share", "thread_broadcast")


def load(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["source"]["licence"] == "MIT" and data["source"]["repository"] and data["source"]["path"]
    return data


def filed(db) -> list[str]:
    with db.unit_of_work() as session:
        return list(session.scalars(select(Friction.text).order_by(Friction.id)))


def no_errors(caplog) -> None:
    assert [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []


def test_the_corpus_is_there():
    assert len(SLACK) >= 30 and len(TEAMS) >= 30


# -- Slack -------------------------------------------------------------------------------------------

@pytest.fixture
def slack(sqlite_url):
    from tests.slack.app_world import SlackWorld
    from tests.slack.test_slack_app import START

    world = SlackWorld(sqlite_url, START)
    for user_id in ("W111", "U111", "W222", "W23456789", "U999", "UB111", "W12345678"):
        world.fake.add_user(user_id, EMPLOYEE_EN, locale="en-US")  # the fixtures' people, as one of ours
    yield world
    world.stop()


def send_slack(slack, data: dict) -> int:
    body = data["body"]
    if data["kind"] == "json":
        return slack.post_json(body)[0]
    if data["kind"] == "form":
        return slack.post_raw(body, slack.signed_headers(body, "application/x-www-form-urlencoded"))[0]
    text = "payload=" + quote(json.dumps(body))
    return slack.post_raw(text, slack.signed_headers(text, "application/x-www-form-urlencoded"))[0]


def carries_words(event: dict) -> bool:
    return (event.get("type") == "message" and event.get("subtype") in PERSON_SUBTYPES and not event.get("bot_id")
            and bool(event.get("user")) and bool(event.get("text")))


def test_every_slack_payload_is_answered_without_error_and_direct_messages_are_filed(slack, caplog):
    caplog.set_level(logging.INFO)
    expected = []
    for path in SLACK:
        data = load(path)
        assert send_slack(slack, data) == 200, path.name
        slack.settle()
        event = (data["body"].get("event") or {}) if data["kind"] == "json" else {}
        if carries_words(event):  # the same message, written in the app's Messages tab
            direct = {**data["body"], "event_id": f"Ev-{path.stem}-im",  # the fixtures share one event_id
                      "event": {**event, "channel": "D0DIRECT1", "channel_type": "im"}}
            assert slack.post_json(direct)[0] == 200, path.name
            slack.settle()
            expected.append(event["text"])
    assert len(expected) >= 5
    assert [text for text in filed(slack.world.db) if text in expected] == expected
    no_errors(caplog)


# -- Teams -------------------------------------------------------------------------------------------

@pytest.fixture
def teams(sqlite_url, monkeypatch):
    from tests.teams.test_teams_app import TeamsApp

    app = TeamsApp(sqlite_url, monkeypatch)
    yield app
    app.stop()


def delivered(teams, body: dict) -> dict:
    """The activity as the Bot Connector delivers it: the envelope botbuilder's tests leave out, added."""
    from tests.teams.teams_fixtures import BOT_ID, TENANT
    from tests.teams.test_teams_app import TEAMS_IDS

    envelope = {"serviceUrl": teams.fake.service_url, "channelId": "msteams", "id": f"corpus-{id(body)}",
                "conversation": {"id": teams.personal(EMPLOYEE_EN), "tenantId": TENANT},
                "from": {"id": TEAMS_IDS[EMPLOYEE_EN], "name": "Ann"}, "recipient": {"id": BOT_ID, "name": "xgov"}}
    activity = {**envelope, **{k: v for k, v in body.items() if v is not None}}
    for account in ("from", "recipient", "conversation"):
        activity[account] = {**envelope[account], **(body.get(account) or {})} if account != "from" else \
            (body.get("from") if (body.get("from") or {}).get("id") else envelope["from"])
    return activity


def test_every_teams_activity_is_answered_without_error_and_messages_are_filed(teams, caplog):
    caplog.set_level(logging.INFO)
    teams.write(EMPLOYEE_EN, "hello")  # Ann is known from her personal chat
    expected = []
    for path in TEAMS:
        activity = delivered(teams, load(path)["body"])
        status, _answer = teams.invoke(activity)
        assert status in (200, 201), (path.name, status)
        if activity["type"] == "message" and activity.get("text"):  # the same words, written by Ann to xgov
            ours = teams.activity(EMPLOYEE_EN)
            mine = {**activity, **{key: ours[key] for key in ("serviceUrl", "from", "conversation", "recipient")},
                    "id": f"corpus-{path.stem}"}
            assert teams.post(mine) in (200, 201), path.name
            expected.append(activity["text"])
    assert expected and [text for text in filed(teams.world.db) if text in expected] == expected
    no_errors(caplog)
