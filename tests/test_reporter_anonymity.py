"""An owner never sees who reported, and no owner-facing query reads the reporter link."""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import event, select

from bot.events import Actor, ButtonAnswer
from bot.services import friction_queries
from storage.models import FrictionReporter, Person
from tests.conftest import START
from tests.world import ADMIN, EMPLOYEE, OWNER, REPORTER_NAME, World


@pytest.fixture
def world(database_url):
    world = World(database_url, START)
    yield world
    world.db.dispose()


def _owner_goes_through_everything(world: World) -> None:
    world.say(EMPLOYEE, "/friction Dyrektor jest na urlopie, klient czeka na zwrot")
    world.press(EMPLOYEE, "Ręczne obejście")
    world.say(ADMIN, "/xgov assign F-1 P-1")
    world.press(OWNER, "Accept")
    world.say(OWNER, "/xgov assignments")
    world.say(OWNER, "/xgov resolve F-1 policy-changed Limit raised")


def test_owner_receives_nothing_that_names_the_reporter(world):
    _owner_goes_through_everything(world)
    received = world.everything_received_by(OWNER)
    assert "Dyrektor jest na urlopie" in received  # the owner does see the report itself
    for trace in (REPORTER_NAME, EMPLOYEE, "Łęcka", "ewa.lecka"):
        assert trace not in received


def test_governance_channel_never_names_reporters(world):
    _owner_goes_through_everything(world)
    assert REPORTER_NAME not in world.everything_received_by("#governance")


def test_owner_view_has_no_reporter_field():
    names = {f.name for f in dataclasses.fields(friction_queries.OwnerFrictionView)}
    assert not {"reporter", "reporters", "reporter_id", "reporter_email"} & names


def test_owner_facing_queries_never_touch_the_reporter_table(world):
    world.say(EMPLOYEE, "/friction zwrot czeka")
    world.say(ADMIN, "/xgov assign F-1 P-1")
    statements: list[str] = []
    listener = lambda conn, cursor, statement, *args: statements.append(statement.lower())  # noqa: E731
    event.listen(world.db.engine, "before_cursor_execute", listener)
    try:
        world.press(OWNER, "Accept")
        world.say(OWNER, "/xgov assignments")
        with world.db.unit_of_work() as session:
            friction_queries.owner_view(session=session, friction_id=1)
            friction_queries.assignments_of(session=session, owner_email=OWNER)
    finally:
        event.remove(world.db.engine, "before_cursor_execute", listener)
    assert statements, "the owner's actions ran no SQL at all: the listener is not attached"
    assert not [s for s in statements if "friction_reporters" in s]


def test_full_anonymity_hides_the_reporter_from_governance_too(world):
    world.say(EMPLOYEE, "/friction coś mnie blokuje")
    world.press(EMPLOYEE, "Ukryj moje dane także przed zespołem governance")
    assert "Nikt nie zobaczy Twoich danych." in world.seen(EMPLOYEE)
    world.say(ADMIN, "/xgov triage")
    assert REPORTER_NAME not in world.seen(ADMIN)
    world.say(ADMIN, "/xgov assign F-1 P-1")
    world.say(OWNER, "/xgov resolve F-1 decision-made decided")
    assert world.last(EMPLOYEE).header == "Co się zmieniło po Twoim zgłoszeniu F-1"  # the loop still closes


def test_someone_else_cannot_tag_or_anonymise_a_report(world):
    world.say(EMPLOYEE, "/friction mój raport")
    ref, _message = world.port.last_message(EMPLOYEE)
    world.bot.handle(ButtonAnswer(Actor(OWNER), "friction.kind", "1:other", ref))
    assert "Only the person who reported F-1 can do that." in world.last(OWNER).text


def test_full_anonymity_is_each_reporters_own_choice(world):
    """Two people behind one report: the one who chose full anonymity is counted, never named; the
    other stays visible to the governance team."""
    world.say(EMPLOYEE, "/friction Dyrektor jest na urlopie, klient czeka na zwrot")
    with world.db.unit_of_work() as session:
        john = session.scalar(select(Person.id).where(Person.email == "john.smith@example.pl"))
        session.add(FrictionReporter(friction_id=1, person_id=john, reported_at=START, hidden_from_governance=True))
    with world.db.unit_of_work() as session:
        view = friction_queries.governance_view(session=session, friction_id=1)
        assert view.reporters == (REPORTER_NAME,) and view.anonymous_reporters == 1
        assert friction_queries.hidden_from_governance(session=session, friction_id=1,
                                                       reporter_email="john.smith@example.pl")
        assert not friction_queries.hidden_from_governance(session=session, friction_id=1, reporter_email=EMPLOYEE)
    world.say(ADMIN, "/xgov triage")
    queue = world.last(ADMIN).fields[0].label  # the admin reads Polish
    assert REPORTER_NAME in queue and "John Smith" not in queue and "anonim" in queue
