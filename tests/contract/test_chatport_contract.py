"""The ChatPort contract: every adapter's port passes the same suite.

A harness gives a port plus a way to read back what a recipient saw, as plain text
the way that platform shows it. Each adapter (console, Slack, Teams) has its harness here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest

from adapters.console.port import ConsolePort
from bot.messages import Button, Choices, Field, Form, FormField, Image, Message, MessageRef, Option
from bot.ports import ChatPort, MessageGone


@dataclass
class Harness:
    port: ChatPort
    seen_by: Callable[[str], list[str]]  # what a person or "#channel" currently sees, one text per message
    forms_opened_for: Callable[[str], list[str]]  # the form ids opened for a person
    trigger: Callable[[], str] = lambda: "t-1"  # what the platform hands over with a click


def console_harness(_request) -> Harness:
    port = ConsolePort()
    forms = lambda email: [d.form.form_id for d in port.deliveries_for(email) if d.form is not None]  # noqa: E731
    return Harness(port=port, seen_by=port.seen_by, forms_opened_for=forms)


def slack_harness(request) -> Harness:
    from adapters.slack.port import SlackPort, slack_client
    from fakes.slack_api import FakeSlackApi
    from tests.slack.seen import slack_seen_by

    fake = FakeSlackApi().start()
    request.addfinalizer(fake.stop)
    for user_id, email in (("U0ANNA", "anna@example.pl"), ("U0OLEK", "olek@example.pl")):
        fake.add_user(user_id, email)
    fake.add_channel("governance", is_member=True)
    port = SlackPort(slack_client("xoxb-fake-token", fake.base_url))

    def forms(_email: str) -> list[str]:
        return [call.args["view"]["callback_id"] for call in fake.calls_to("views.open") if call.ok]

    return Harness(port=port, seen_by=lambda target: slack_seen_by(fake, target), forms_opened_for=forms,
                   trigger=fake.issue_trigger_id)


def teams_harness(request) -> Harness:
    pytest.importorskip("botbuilder.core", reason="botbuilder is not installed (pip install botbuilder-core==4.17.1)")
    from tests.teams.teams_fixtures import TeamsWorld

    world = TeamsWorld.start(request.getfixturevalue("sqlite_url"), request.getfixturevalue("monkeypatch"))
    request.addfinalizer(world.stop)
    return Harness(port=world.port, seen_by=world.seen_by, forms_opened_for=world.forms_opened_for,
                   trigger=lambda: None)  # Teams hands over nothing: a form is a card in the personal chat


HARNESSES = [pytest.param(console_harness, id="console"), pytest.param(slack_harness, id="slack"),
             pytest.param(teams_harness, id="teams")]

RICH = Message(
    header="Assigned to you: F-7",
    text="The invoice system makes me retype every order",
    fields=(Field("Policy", "Invoices retyped"), Field("Due", "2026-03-17")),
    choices=Choices("friction.kind", (Option("7:workaround", "Manual workaround"), Option("7:other", "Other"))),
    buttons=(Button("Accept", "assignment.accept", "7", "primary"), Button("Decline", "assignment.decline", "7", "danger")),
    context="Reporters stay anonymous to owners.",
)


@pytest.fixture(params=HARNESSES)
def harness(request) -> Harness:
    return request.param(request)


def test_port_implements_the_protocol(harness):
    assert isinstance(harness.port, ChatPort)


def test_send_to_user_reaches_only_that_user(harness):
    ref = harness.port.send_to_user("anna@example.pl", RICH)
    assert isinstance(ref, MessageRef)
    seen = "\n".join(harness.seen_by("anna@example.pl"))
    for part in ("Assigned to you: F-7", "retype every order", "Invoices retyped", "Manual workaround", "Accept", "Decline"):
        assert part in seen
    assert harness.seen_by("olek@example.pl") == []


def test_post_to_channel(harness):
    harness.port.post_to_channel("governance", Message(header="Weekly digest", text="3 new reports"))
    assert any("3 new reports" in text for text in harness.seen_by("#governance"))


def test_update_replaces_the_message_in_place(harness):
    ref = harness.port.send_to_user("anna@example.pl", RICH)
    harness.port.update_message(ref, Message(header="Assigned to you: F-7", text="Accepted"))
    seen = harness.seen_by("anna@example.pl")
    assert len(seen) == 1 and "Accepted" in seen[0] and "retype every order" not in seen[0]


def test_updating_an_unknown_message_fails_loudly(harness):
    with pytest.raises(MessageGone):
        harness.port.update_message(MessageRef("anna@example.pl", "does-not-exist"), Message(text="x"))


def test_open_form_reaches_the_person(harness):
    form = Form("friction.report", "Report a friction", (FormField("text", "What got in your way?", "multiline", required=True),), "Send")
    harness.port.open_form("anna@example.pl", form, trigger=harness.trigger())
    assert harness.forms_opened_for("anna@example.pl") == ["friction.report"]


def test_upload_image_posts_to_the_channel(harness):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    harness.port.upload_image("governance", Image("trend.png", "eNPS and NPS trend", png), comment="Trends")
    assert any("trend.png" in text for text in harness.seen_by("#governance"))


@pytest.mark.parametrize("hostile", ["<!channel> <!here> <@U123>", "&lt;b&gt; & <b>", "\u202eevil", "x\x1b[2Jy"])
def test_user_text_is_shown_literally_and_cannot_act_as_markup(harness, hostile):
    harness.port.send_to_user("anna@example.pl", Message(text=hostile))
    (seen,) = harness.seen_by("anna@example.pl")
    assert "\x1b" not in seen and "\u202e" not in seen
    for token in ("<!channel>", "<!here>", "<@U123>"):
        if token in hostile:
            assert token in seen  # shown as the text the person typed, not turned into a mention
