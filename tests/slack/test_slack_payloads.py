"""Everything the Slack platform sends validates with slack_sdk's models, needs only the manifest's
scopes, and the digest arrives with its charts through the external upload flow."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from adapters.slack.listeners import COMMANDS, EVENTS
from adapters.slack.inbound import REPORT_SHORTCUTS
from adapters.slack.manifest import PLACEHOLDER, load_manifest, manifest_for
from adapters.slack.port import SlackPort, slack_client
from bot.app import XgovBot
from bot.config import Settings
from bot.digest.period import parse_period
from bot.flows.digest import post_digest
from tests import digest_world as w
from fakes.slack_api import UPLOAD, FakeSlackApi
from fakes.slack_scopes import METHOD_SCOPES as FAKE_METHOD_SCOPES
from tests.slack.app_world import SlackWorld
from tests.slack.test_slack_app import START, send_pulse
from tests.world import ADMIN, EMPLOYEE, EMPLOYEE_EN, OWNER

METHOD_SCOPES = {**FAKE_METHOD_SCOPES, UPLOAD: set()}  # the fake answers missing_scope by this table


@pytest.fixture
def slack(sqlite_url):
    world = SlackWorld(sqlite_url, START)
    yield world
    world.stop()


def first_option(message: dict) -> str:
    return next(e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"])["text"]["text"]


def run_every_flow(slack: SlackWorld) -> None:
    """Every command, button and form of the bot, once, through Slack."""
    slack.command(EMPLOYEE_EN, "/friction", "Zwrot <!channel> & *bold* `code` needs three signatures " * 30)
    slack.click(EMPLOYEE_EN, "Manual workaround")
    slack.click(EMPLOYEE_EN, first_option(slack.last_dm(EMPLOYEE_EN)))  # whose experience
    slack.click(EMPLOYEE_EN, first_option(slack.last_dm(EMPLOYEE_EN)))  # a flag
    slack.click(EMPLOYEE_EN, "Done")
    slack.command(EMPLOYEE, "/friction", "Faktury przepisuję ręcznie")
    slack.click(EMPLOYEE, "Ukryj moje dane także przed zespołem governance")
    slack.command(EMPLOYEE_EN, "/friction")
    slack.submit(EMPLOYEE_EN, {"text": "Refunds >500 need the director <@U0OLEK>", "kind": "Manual workaround"})
    slack.command(ADMIN, "/xgov", "triage")
    queue = slack.last_dm(ADMIN)
    slack.click(ADMIN, first_option(queue), queue)
    policy = next(b for b in slack.last_modal()["blocks"] if b.get("block_id") == "policy")["element"]
    slack.submit(ADMIN, {"policy": (policy.get("options") or policy["option_groups"][0]["options"])[0]["text"]["text"]})
    slack.click(OWNER, "Accept", slack.last_dm(OWNER))
    slack.click(OWNER, "Resolve", slack.last_dm(OWNER))
    slack.submit(OWNER, {"outcome": "policy_changed", "note": "Limit raised"})
    slack.command(ADMIN, "/xgov", "assign F-2 P-1")
    slack.click(OWNER, "Decline", slack.last_dm(OWNER))
    slack.submit(OWNER, {"reason": "Finance owns it"})
    slack.command(ADMIN, "/xgov", "assign F-3 P-1")
    slack.event("U0STRANGER", {"type": "message", "channel": "D0BOTU0STRANGER", "channel_type": "im",
                               "text": "cześć"}, event_id="Ev0STRANGER")  # not in the directory: asked to join
    stranger_dm = slack.fake.dm_channel("U0STRANGER")
    slack.click("U0STRANGER", "Dołącz do xgov", {**slack.fake.messages_in(stranger_dm)[-1], "channel": stranger_dm})
    for command in ("help", "reports", "assignments", "accept F-3", "resolve F-3 no-change budget frozen", "channel here",
                    "team", "people list",
                    "assign F-2 P-1", "decline F-2 not mine", "barriers", "policy list", "dashboard", "language pl",
                    "nonsense"):
        slack.command(ADMIN if command.startswith("assign ") else OWNER, "/xgov", command)
    send_pulse(slack)
    slack.click(EMPLOYEE_EN, "Start", slack.last_dm(EMPLOYEE_EN))
    slack.click(EMPLOYEE_EN, "9")
    for _ in range(5):
        slack.click(EMPLOYEE_EN, "4 – Agree")
    slack.click(EMPLOYEE_EN, "Write an answer")
    slack.submit(EMPLOYEE_EN, {"answer": "More people on the <!here> desk"})
    slack.click(EMPLOYEE_EN, "Change an answer")
    slack.click(EMPLOYEE_EN, first_option(slack.last_dm(EMPLOYEE_EN)))
    slack.click(EMPLOYEE_EN, "Keep the answer")
    slack.click(EMPLOYEE, "Zaczynam", slack.last_dm(EMPLOYEE))
    slack.click(EMPLOYEE, "9")
    slack.click(EMPLOYEE, "Wstecz")
    slack.click(EMPLOYEE, "8")
    for _ in range(5):
        slack.click(EMPLOYEE, "4 – Raczej się zgadzam")
    slack.click(EMPLOYEE, "Pomiń")
    for email in (EMPLOYEE, EMPLOYEE_EN, OWNER, ADMIN):
        slack.open_home(email)
    slack.click(EMPLOYEE, "Zgłoś utrudnienie", view=slack.fake.home_view("U0EWA"))
    slack.direct_message(EMPLOYEE_EN, "hello", event_id="Ev-every-1")
    slack.direct_message(EMPLOYEE_EN, "The printer queue loses orders", event_id="Ev-every-2")
    slack.command(ADMIN, "/xgov", "whistleblowing F-4")
    slack.command(EMPLOYEE_EN, "/xgov", "forget")


def test_every_command_button_and_form_of_the_bot_works_through_slack(slack):
    from adapters.slack.blocks import parse_action_id
    from bot.app import BUTTONS, FORMS, XGOV_SUBCOMMANDS

    run_every_flow(slack)
    clicked = {parse_action_id(p["actions"][0]["action_id"]) for p in slack.interactions if p["type"] == "block_actions"}
    submitted = {p["view"]["callback_id"] for p in slack.interactions if p["type"] == "view_submission"}
    typed = {text.split(" ")[0] for command, text in slack.commands_sent if command == "/xgov"}
    assert set(BUTTONS) <= clicked, set(BUTTONS) - clicked
    assert set(FORMS) <= submitted, set(FORMS) - submitted
    assert set(XGOV_SUBCOMMANDS) <= typed, set(XGOV_SUBCOMMANDS) - typed
    with slack.world.db.unit_of_work() as session:
        from sqlalchemy import func, select

        from storage.models import Friction, SurveyAnswer
        assert session.scalar(select(func.count()).select_from(Friction)) == 4
        assert session.scalar(select(func.count()).select_from(SurveyAnswer)) == 13
    everything = json.dumps([c.args for c in slack.fake.calls if c.method in ("chat.postMessage", "chat.update")])
    assert "<!channel>" not in everything and "<!here>" not in everything and "<@U0OLEK>" not in everything


def test_every_block_kit_payload_the_bot_sends_validates_with_slack_sdk(slack):
    run_every_flow(slack)
    checked = 0
    for call in slack.fake.calls:
        if call.method in ("chat.postMessage", "chat.update"):
            for block in call.args["blocks"]:
                Block.parse(block).validate_json()
            assert call.args["text"].strip()  # a notification text for every message
            checked += 1
        elif call.method in ("views.open", "views.publish"):
            View(**call.args["view"]).validate_json()
            checked += 1
    assert checked >= 30
    assert all(call.ok for call in slack.fake.calls), [c.error for c in slack.fake.calls if not c.ok]


def test_the_manifest_names_every_command_shortcut_and_event_and_scopes_every_method_used(slack):
    manifest = load_manifest()
    assert {c["command"] for c in manifest["features"]["slash_commands"]} == set(COMMANDS)
    assert {s["callback_id"] for s in manifest["features"]["shortcuts"]} == set(REPORT_SHORTCUTS)
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {"app_home_opened", "message.im"}
    assert set(EVENTS) == {"app_home_opened", "message"}
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    run_every_flow(slack)
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    used = {call.method for call in slack.fake.calls}
    assert used - set(METHOD_SCOPES) == set(), "a method without a known scope"
    for method in used:
        assert method == "conversations.history" or not METHOD_SCOPES[method] or METHOD_SCOPES[method] & scopes, \
            f"{method} needs {METHOD_SCOPES[method]}"
    assert not [call for call in slack.fake.calls if call.error == "missing_scope"]
    assert "files.upload" not in used


def test_the_manifest_is_printed_with_the_installation_address(capsys):
    from app.cli import main

    assert main(["slack", "manifest", "--url", "https://gov.acme.pl/"]) == 0
    text = capsys.readouterr().out
    assert PLACEHOLDER not in text and text.count("https://gov.acme.pl/slack/events") == 4
    socket = manifest_for(None, socket_mode=True)
    assert "https://" not in socket and "socket_mode_enabled: true" in socket
    assert main(["slack", "manifest", "--url", "http://insecure.example"]) == 2
    assert "https://" in capsys.readouterr().err


def test_the_digest_reaches_slack_with_its_charts_through_the_external_upload(sqlite_url):
    db = w.build(sqlite_url)
    fake = FakeSlackApi().start()
    try:
        channel = fake.add_channel("governance", is_member=True)
        bot = XgovBot(db=db, port=SlackPort(slack_client("xoxb-fake-token", fake.base_url)),
                      settings=Settings(database_url=sqlite_url, default_locale="pl"), platform="slack")
        bot.run_job(lambda turn: post_digest(turn, parse_period("2026-W10", datetime(2026, 3, 20, tzinfo=timezone.utc))))
        [digest] = fake.messages_in(channel)
        shown = str(digest["blocks"])
        assert "Przegląd governance 2026-W10" in shown
        assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown
        uploads = fake.files_in(channel)
        assert len(uploads) == 2 and all(f.content.startswith(b"\x89PNG") for f in uploads)  # trend chart + frictions
        assert fake.accepted("files.completeUploadExternal") == 2 and not fake.calls_to("files.upload")
    finally:
        fake.stop()
        db.dispose()
