"""The governance channel: its language is the one set for it, and its post about a report follows the tags."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.app import XgovBot
from bot.events import Actor, ButtonAnswer, CommandEvent
from bot.outbox.codec import message_from_dict
from bot.services.channels import set_channel
from storage.models import OutboxMessage
from tests.conftest import START
from tests.world import EMPLOYEE_EN, World


@pytest.fixture
def world(database_url):
    world = World(database_url, START, default_locale="en")
    yield world
    world.db.dispose()


def test_the_channel_speaks_the_language_set_for_it(world):
    world.say(EMPLOYEE_EN, "/friction Refunds need three signatures")
    assert world.last("#governance").header == "New friction report F-1"
    with world.db.unit_of_work() as session:
        set_channel(session=session, name="governance", locale="pl", now=START)
    world.say(EMPLOYEE_EN, "/friction Invoices are retyped")
    assert world.last("#governance").header == "Nowe zgłoszenie utrudnienia F-2"
    assert world.last(EMPLOYEE_EN).header == "Report F-2 received"  # the person keeps their own language


def test_the_report_post_is_updated_in_place_as_tags_are_added(world):
    world.say(EMPLOYEE_EN, "/friction Refunds need three signatures")
    world.press(EMPLOYEE_EN, "Manual workaround")
    world.press(EMPLOYEE_EN, "Customers (CX)")
    world.press(EMPLOYEE_EN, "Procedure and reality diverge")
    [post] = world.port.current_messages("#governance").values()
    tags = {field.label: field.value for field in post.fields}
    assert tags["Kind"] == "Manual workaround" and tags["Experience"] == "Customers (CX)"
    assert "Procedure and reality diverge" in tags["Flags"]


def test_a_post_not_sent_yet_goes_out_with_the_tags(world):
    queueing = XgovBot(db=world.db, port=None, settings=world.settings, clock=world.clock)  # as a CLI: no sending
    queueing.handle(CommandEvent(Actor(EMPLOYEE_EN), "/friction", "Refunds need three signatures"))
    with world.db.unit_of_work() as session:
        reply = session.scalar(select(OutboxMessage.payload).where(OutboxMessage.target == EMPLOYEE_EN))
    options = message_from_dict(json.loads(reply)).choices.options
    kind = next(option.value for option in options if option.label == "Manual workaround")
    queueing.handle(ButtonAnswer(Actor(EMPLOYEE_EN), "friction.kind", kind))
    with world.db.unit_of_work() as session:
        posts = session.scalars(select(OutboxMessage).where(OutboxMessage.operation == "channel")).all()
        assert len(posts) == 1 and posts[0].status == "pending"
        assert "Manual workaround" in posts[0].payload
