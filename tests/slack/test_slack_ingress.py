"""/slack/events probed as an attacker would: 401 before any parsing, 400 for signed but malformed
bodies, no traceback for anything, an identical signed request taken once; and the real shapes
(DM subtypes, people Slack does not identify, a slow users.info before a modal's ack)."""
from __future__ import annotations

import json
import logging
import time
from urllib.parse import quote

import pytest
from sqlalchemy import select

from storage.models import Friction
from tests.slack.app_world import SlackWorld
from tests.slack.test_slack_app import START, frictions, texts
from tests.world import EMPLOYEE, EMPLOYEE_EN

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def slack(sqlite_url):
    world = SlackWorld(sqlite_url, START)
    yield world
    world.stop()


def no_tracebacks(caplog) -> None:
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


UNSIGNED = [
    ("payload=%7Bnot", {"Content-Type": FORM}),
    ("payload=%7Bnot", {"Content-Type": FORM, "X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=1"}),
    (b"\xff\xfe\xfa", {"Content-Type": FORM, "X-Slack-Request-Timestamp": str(int(time.time())),
                       "X-Slack-Signature": "v0=" + "0" * 64}),
    ("command=%2Ffriction&text=x&user_id=U0EWA", {"Content-Type": "application/json"}),
    ("{}", {"Content-Type": "application/json", "X-Slack-Request-Timestamp": str(int(time.time())),
            "X-Slack-Signature": "v0=\u00fc"}),  # not ASCII
    ("{}", {"Content-Type": "application/json", "X-Slack-Request-Timestamp": "-12",
            "X-Slack-Signature": "v0=1"}),
]


@pytest.mark.parametrize("body, headers", UNSIGNED)
def test_every_unauthenticated_request_gets_401_and_no_traceback(slack, caplog, body, headers):
    caplog.set_level(logging.INFO)
    status, answer, _seconds = slack.post_raw(body, headers)
    assert status == 401 and "Traceback" not in answer
    slack.settle()
    assert frictions(slack) == []
    no_tracebacks(caplog)


def signed_payload(slack: SlackWorld, payload) -> tuple[int, str]:
    body = "payload=" + quote(payload if isinstance(payload, str) else json.dumps(payload))
    status, answer, _seconds = slack.post_raw(body, slack.signed_headers(body, FORM))
    return status, answer


MALFORMED = [
    "{not json", "[1, 2]", {"type": 7}, {"type": "block_actions"},
    {"type": "block_actions", "user": {"id": "U0EWA"}, "actions": []},
    {"type": "block_actions", "user": {"id": "U0EWA"}, "actions": [{"value": "x"}]},
    {"type": "block_actions", "user": "U0EWA", "actions": [{"action_id": "friction.kind"}]},
    {"type": "block_actions", "user": {"id": "U0EWA"}, "actions": [{"action_id": 5}]},
    {"type": "block_actions", "user": {"id": "U0EWA"}, "actions": [{"action_id": "a"}],
     "container": {"type": "message", "channel_id": "D1"}},
    {"type": "view_submission", "user": {"id": "U0EWA"}},
    {"type": "view_submission", "user": {"id": "U0EWA"}, "view": {"callback_id": "friction.report"}},
    {"type": "view_submission", "user": {"id": "U0EWA"}, "view": {"callback_id": "friction.report",
                                                                    "state": {"values": {"text": "x"}}}},
    {"type": "view_submission", "user": {"id": "U0EWA"}, "view": {"type": "modal", "callback_id": 3, "state": {"values": {}}}},
    {"type": "view_submission", "user": {"id": ""}, "view": {"type": "modal", "callback_id": "a", "state": {"values": {}}}},
    {"type": "message_action", "user": {"id": "U0EWA"}},
    {"type": "view_submission", "user": {"id": "U0EWA"}, "view": {"callback_id": "a", "state": {"values": {}}}},
]


@pytest.mark.parametrize("payload", MALFORMED)
def test_signed_but_malformed_interactions_get_400_with_a_reason(slack, caplog, payload):
    caplog.set_level(logging.INFO)
    status, answer = signed_payload(slack, payload)
    assert status == 400 and 0 < len(answer) <= 200 and "Traceback" not in answer
    slack.settle()
    no_tracebacks(caplog)


def test_signed_but_malformed_commands_and_events_get_400(slack, caplog):
    for body, content_type in [("text=hello", FORM), ("command=%2Ffriction&text=x", FORM),
                               ("command=%2Ffriction&text=x&user_id=U0EWA", "application/json"),
                               ('{"type": "event_callback", "event": "x"}', "application/json"),
                               ('{"type": "event_callback"}', "application/json"), ("[]", "application/json")]:
        status, answer, _seconds = slack.post_raw(body, slack.signed_headers(body, content_type))
        assert status == 400, (body, status, answer)
    slack.settle()
    assert frictions(slack) == []
    no_tracebacks(caplog)


def test_an_identical_signed_command_replayed_inside_the_window_files_one_report(slack):
    body = ("command=%2Ffriction&text=Refunds+need+three+signatures&user_id=U0EWA&channel_id=C0RANDOM"
            "&trigger_id=1.2.3")
    headers = slack.signed_headers(body, FORM)
    assert slack.post_raw(body, headers)[0] == 200
    slack.settle()
    assert slack.post_raw(body, headers)[0] == 200  # acknowledged, and not taken again
    slack.settle()
    assert len(frictions(slack)) == 1
    slack.command(EMPLOYEE, "/friction", "Refunds need three signatures")  # the same words, newly signed
    assert len(frictions(slack)) == 2


def dm_event(slack: SlackWorld, email: str, extra: dict, event_id: str):
    return slack.event(email, {"type": "message", "channel": "D0BOTX", "channel_type": "im",
                               "ts": f"{time.time():.6f}", **extra}, event_id=event_id)


def test_direct_messages_with_a_file_or_sent_to_the_chat_too_are_reports(slack):
    dm_event(slack, EMPLOYEE_EN, {"subtype": "file_share", "text": "See the screenshot: the form loses orders",
                                  "files": [{"id": "F1", "name": "shot.png"}]}, "Ev-file")
    dm_event(slack, EMPLOYEE_EN, {"subtype": "thread_broadcast", "text": "Refunds wait for a signature",
                                  "thread_ts": "1.1"}, "Ev-broadcast")
    dm_event(slack, EMPLOYEE_EN, {"subtype": "message_changed", "message": {"text": "edited"}}, "Ev-edit")
    dm_event(slack, EMPLOYEE_EN, {"subtype": "message_deleted"}, "Ev-deleted")
    assert [f.text for f in frictions(slack)] == ["See the screenshot: the form loses orders",
                                                  "Refunds wait for a signature"]


@pytest.mark.parametrize("locale, expected", [("pl-PL", "xgov nie wie, kim jesteś"),
                                              ("en-US", "xgov cannot tell who you are")])
def test_someone_slack_does_not_identify_is_told_why_in_their_language(slack, caplog, locale, expected):
    slack.fake.add_user("U0GUEST", "", locale=locale, name="guest")
    caplog.set_level(logging.INFO)
    slack.command("U0GUEST", "/friction", "from another organisation")
    slack.event("U0GUEST", {"type": "message", "channel": "D0G", "channel_type": "im", "text": "hello",
                            "ts": "1.0"}, event_id="Ev-guest")
    slack.interact({"type": "view_submission", "user": slack.user("U0GUEST"), "team": {"id": "T0XGOV"},
                    "view": {"id": "V1", "type": "modal", "callback_id": "friction.report", "state": {"values": {}}, "blocks": []}})
    told = [m for m in slack.fake.messages_in("U0GUEST")]
    assert len(told) == 3 and all(expected in texts(m) for m in told)
    assert frictions(slack) == []
    no_tracebacks(caplog)


def test_a_modal_of_someone_not_yet_known_is_acknowledged_before_users_info_answers(slack):
    slack.fake.fail_next("users.info", status=429, retry_after=4)
    view = {"id": "V9", "type": "modal", "callback_id": "friction.report", "private_metadata": "", "blocks": [],
            "state": {"values": {"text": {"text": {"type": "plain_text_input", "value": "Slow approvals"}}}}}
    status, body, seconds = slack.interact({"type": "view_submission", "user": slack.user(EMPLOYEE),
                                            "team": {"id": "T0XGOV"}, "view": view}, settle=False)
    assert status == 200 and body == "" and seconds < 2.0
    slack.settle(timeout=30)
    with slack.world.db.unit_of_work() as session:
        assert session.scalars(select(Friction.text)).all() == ["Slow approvals"]
    assert "F-1" in texts(slack.last_dm(EMPLOYEE))


def test_a_click_naming_a_message_the_bot_did_not_send_to_that_person_never_updates_it(slack):
    slack.command(EMPLOYEE_EN, "/friction", "Refunds need three signatures")
    [notice] = slack.governance_posts()
    card = slack.last_dm(EMPLOYEE_EN)
    slack.command(EMPLOYEE, "/friction", "Faktury ręcznie")
    other_persons = slack.last_dm(EMPLOYEE)
    for forged in (notice, other_persons):  # the employee's own button, in someone else's container
        slack.click(EMPLOYEE_EN, "Skip the tags", {**card, "channel": forged["channel"], "ts": forged["ts"]})
    updated = [(c.args["channel"], c.args["ts"]) for c in slack.fake.calls_to("chat.update")]
    assert (notice["channel"], notice["ts"]) not in updated and (other_persons["channel"], other_persons["ts"]) not in updated
    assert texts(slack.governance_posts()[0]) == texts(notice) and texts(slack.last_dm(EMPLOYEE)) == texts(other_persons)
    assert len(slack.dms(EMPLOYEE_EN)) == 3  # each forged click answered with a new message to the clicker
    slack.click(EMPLOYEE_EN, "Skip the tags", slack.dms(EMPLOYEE_EN)[0])  # their own card: updated in place
    assert updated != [(c.args["channel"], c.args["ts"]) for c in slack.fake.calls_to("chat.update")]


def command_in(slack: SlackWorld, email: str, channel_id: str, channel_name: str, text: str) -> int:
    status = slack.post_form({"command": "/xgov", "text": text, "user_id": slack.user(email)["id"],
                              "channel_id": channel_id, "channel_name": channel_name, "team_id": "T0XGOV",
                              "trigger_id": slack.fake.issue_trigger_id()})[0]
    slack.settle()
    return status


def test_a_governance_admin_binds_a_slack_channel_by_id_from_inside_it(slack):
    from tests.world import ADMIN

    bound = slack.fake.add_channel("gov-new", "C0GOVNEW", is_member=True)
    assert command_in(slack, EMPLOYEE, bound, "gov-new", "channel here") == 200  # not an admin
    assert slack.fake.messages_in(bound) == [] and "Tylko administrator governance" in texts(slack.last_dm(EMPLOYEE))
    assert command_in(slack, ADMIN, "D0ADMIN", "directmessage", "channel here") == 200  # not in a channel
    assert "a nie w wiadomości prywatnej" in texts(slack.last_dm(ADMIN))
    assert command_in(slack, ADMIN, bound, "gov-new", "channel here en") == 200
    [confirmation] = slack.fake.messages_in(bound)
    assert "This is now a governance channel" in texts(confirmation)
    slack.command(EMPLOYEE, "/friction", "Refunds need three signatures")
    assert "F-1" in texts(slack.fake.messages_in(bound)[-1])
    assert slack.governance_posts() == []  # the channel named "governance" is no longer used on Slack
    assert not slack.fake.calls_to("conversations.list")  # a bound channel is never looked up by name


def test_a_channel_is_bound_by_id_on_the_command_line(sqlite_url, capsys):
    from app.cli import main

    assert main(["--database-url", sqlite_url, "channel", "set", "board", "--channel-lang", "en",
                 "--id", "C0BOARD", "--platform", "slack"]) == 0
    assert "bound to slack channel C0BOARD" in capsys.readouterr().out
    assert main(["--database-url", sqlite_url, "channel", "list"]) == 0
    assert "slack:C0BOARD" in capsys.readouterr().out
    with pytest.raises(SystemExit) as refused:
        main(["--database-url", sqlite_url, "channel", "set", "board", "--id", "C0BOARD"])  # no platform
    assert refused.value.code == 2 and "its platform" in capsys.readouterr().err


def test_the_in_doubt_check_of_a_channel_message_works_with_the_manifests_scopes(slack):
    from datetime import datetime, timedelta, timezone

    from bot.messages import Message
    from fakes.slack_scopes import manifest_scopes

    assert {"channels:history", "groups:history", "im:history"} <= manifest_scopes()
    port = slack.platform.port
    sent = port.post_to_channel(slack.governance, Message(text="notice"), key="k-1")
    since = datetime.now(timezone.utc) - timedelta(minutes=1)  # the fake stamps messages with the real time, as Slack does
    assert port.find_sent("k-1", "channel", slack.governance, since=since) == sent
    private = slack.fake.add_channel("gov-private", "G0PRIVATE", is_member=True)
    assert port.find_sent("k-2", "channel", private, since=since) is None  # groups:history: asked, nothing found
    assert all(call.ok for call in slack.fake.calls_to("conversations.history"))
