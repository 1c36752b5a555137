"""Teams turns with botbuilder's TestAdapter and TestFlow: XgovTeamsHandler gets message activities
and card submits, and every reply (sent by TeamsPort, proactively, through the same adapter) is
asserted in order. No HTTP at all: the adapter keeps what the bot sends in memory."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest

pytest.importorskip("botbuilder.core", reason="botbuilder is not installed (pip install botbuilder-core==4.17.1)")

from botbuilder.core.adapters import TestAdapter, TestFlow  # noqa: E402
from botbuilder.schema import (  # noqa: E402
    Activity, ActivityTypes, ChannelAccount, ConversationAccount, ConversationReference,
)

from adapters.teams.cards import SUBMIT_KEY  # noqa: E402
from adapters.teams.handler import XgovTeamsHandler  # noqa: E402
from adapters.teams.port import TeamsPort  # noqa: E402
from adapters.teams.references import ReferenceStore  # noqa: E402
from bot.app import XgovBot  # noqa: E402
from storage.models import Friction  # noqa: E402
from tests.surveys.test_surveys_results import walk  # noqa: E402
from tests.teams.teams_fixtures import BOT_ID, TENANT, activity_text, forbid_outside_connections  # noqa: E402
from tests.world import EMPLOYEE_EN, OWNER, World  # noqa: E402

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
SERVICE = "https://smba.invalid/emea/"  # never called: the TestAdapter sends nothing anywhere
GOVERNANCE = "19:governance0xgov@thread.tacv2"
STRANGER = "stranger@example.pl"
USERS = {EMPLOYEE_EN: "29:1john", OWNER: "29:1olek", STRANGER: "29:1stranger"}


def personal(email: str) -> str:
    return "a:" + USERS[email].removeprefix("29:") + "-personal"


def reference(conversation: str, kind: str = "personal", user: str | None = None) -> ConversationReference:
    return ConversationReference(channel_id="msteams", service_url=SERVICE, bot=ChannelAccount(id=BOT_ID),
                                 user=ChannelAccount(id=user) if user else None,
                                 conversation=ConversationAccount(id=conversation, conversation_type=kind,
                                                                  tenant_id=TENANT))


class Turns:
    """The handler, a TeamsPort and the bot on one TestAdapter, inside the test's event loop. Everyone
    in USERS has written to the bot before (their e-mail is known from their Teams id); the stranger is
    not in the directory."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.adapter = TestAdapter()
        store = ReferenceStore(world.db)
        for email, user_id in USERS.items():
            store.save_person(email, reference(personal(email), user=user_id), user_id)
        store.save_channel("governance", reference(GOVERNANCE, "channel"))
        port = TeamsPort(self.adapter, "", store, asyncio.get_running_loop())
        bot = XgovBot(db=world.db, port=port, settings=world.settings, clock=world.clock, platform="teams")
        self.adapter.logic = XgovTeamsHandler(bot, store).on_turn

    def says(self, email: str, *, locale: str = "en-US", **fields) -> Activity:
        """A message activity from the person's personal chat, as Teams sends it."""
        return Activity(type=ActivityTypes.message, channel_id="msteams", service_url=SERVICE, locale=locale,
                        from_property=ChannelAccount(id=USERS[email], name=email.split("@")[0]),
                        recipient=ChannelAccount(id=BOT_ID, name="xgov"),
                        conversation=ConversationAccount(id=personal(email), conversation_type="personal",
                                                         tenant_id=TENANT),
                        channel_data={"tenant": {"id": TENANT}}, **fields)

    async def send(self, activity: Activity) -> TestFlow:
        return await TestFlow(None, self.adapter).send(activity)


def shows(conversation: str, *expected: str):
    """An inspector for TestFlow.assert_reply: a reply in `conversation` whose card shows every text."""
    def inspect(reply: Activity, description: str = "") -> None:
        assert reply.conversation.id == conversation, f"{description}: went to {reply.conversation.id}"
        assert reply.reply_to_id is None  # a new message, never a reply to the made-up proactive activity
        text = activity_text(reply.serialize())
        for part in expected:
            assert part in text, f"{part!r} not in {text!r}"
    return inspect


def run(url: str, monkeypatch, scenario) -> None:
    forbid_outside_connections(monkeypatch)
    world = World(url, START)
    try:
        asyncio.run(scenario(world))
    finally:
        world.db.dispose()


def test_a_report_is_answered_in_the_language_of_the_teams_client_and_told_to_governance(sqlite_url, monkeypatch):
    async def scenario(world):
        turns = Turns(world)  # John's directory language is English; his Teams speaks Polish
        flow = await turns.send(turns.says(EMPLOYEE_EN, locale="pl-PL", text="Zwroty wymagają trzech podpisów"))
        flow = await flow.assert_reply(shows(personal(EMPLOYEE_EN), "Zgłoszenie F-1 przyjęte",
                                             "Zwroty wymagają trzech podpisów", "Ręczne obejście"))
        flow = await flow.assert_reply(shows(GOVERNANCE, "F-1", "Zwroty wymagają trzech podpisów"))
        await flow.assert_no_reply(timeout=200)
        with world.db.unit_of_work() as session:
            assert [f.text for f in session.query(Friction)] == ["Zwroty wymagają trzech podpisów"]

    run(sqlite_url, monkeypatch, scenario)


def test_a_greeting_gets_the_help(sqlite_url, monkeypatch):
    async def scenario(world):
        turns = Turns(world)
        flow = await turns.send(turns.says(OWNER, locale="en-GB", text="Hello!"))
        flow = await flow.assert_reply(shows(personal(OWNER), "xgov help", "/xgov assignments"))
        await flow.assert_no_reply(timeout=200)
        with world.db.unit_of_work() as session:
            assert session.query(Friction).count() == 0  # a greeting is not a report

    run(sqlite_url, monkeypatch, scenario)


def sent_card_id(world, email: str) -> str:
    """The id Teams gave the last card the bot sent to this person (what a click on it names as replyToId)."""
    import json

    from storage.models import OutboxMessage

    with world.db.unit_of_work() as session:
        rows = session.query(OutboxMessage).filter_by(operation="user", target=email, status="sent")
        return json.loads(rows.order_by(OutboxMessage.id.desc()).first().sent_ref)["message_id"]


def test_a_tag_button_updates_the_card_it_is_on(sqlite_url, monkeypatch):
    async def scenario(world):
        turns = Turns(world)
        answer = {}
        flow = await turns.send(turns.says(EMPLOYEE_EN, text="Refunds need three signatures"))
        flow = await flow.assert_reply(lambda reply, _description="": answer.setdefault("card", reply))
        await flow.assert_reply(shows(GOVERNANCE, "F-1"))
        card = answer["card"].attachments[0].content
        tag = next(a for a in walk(card) if a.get("type") == "Action.Submit" and a.get("title") == "Manual workaround")
        assert tag["data"][SUBMIT_KEY]["kind"] == "click"  # what Teams sends back as the activity's value

        card_id = sent_card_id(world, EMPLOYEE_EN)
        submit = turns.says(EMPLOYEE_EN, value=tag["data"], reply_to_id=card_id)
        flow = await turns.send(submit)
        await flow.assert_no_reply(timeout=200)  # the card changes in place; nothing new is posted
        updated = turns.adapter.updated_activities[-1]
        assert updated.id == card_id and updated.conversation.id == personal(EMPLOYEE_EN)
        assert "Optional: whose experience does it affect?" in activity_text(updated.serialize())  # the next tag
        with world.db.unit_of_work() as session:
            assert session.query(Friction).one().kind == "workaround"

    run(sqlite_url, monkeypatch, scenario)


def test_a_stranger_is_told_they_are_not_in_the_directory_and_nothing_is_filed(sqlite_url, monkeypatch):
    async def scenario(world):
        turns = Turns(world)
        flow = await turns.send(turns.says(STRANGER, text="The printer is broken"))
        flow = await flow.assert_reply(shows(personal(STRANGER), "You are not in the xgov directory yet",
                                             STRANGER))
        await flow.assert_no_reply(timeout=200)  # and the governance channel hears nothing
        with world.db.unit_of_work() as session:
            assert session.query(Friction).count() == 0

    run(sqlite_url, monkeypatch, scenario)
