"""XGOV_ENROL: someone who writes from Slack or Teams but is not in the directory is asked to join
(ask, the default), joins at once (auto) or is told to ask governance (off)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.events import Actor, ButtonAnswer, CommandEvent
from bot.services import directory
from storage.models import DirectoryChange
from tests.conftest import START
from tests.world import ADMIN, World

STRANGER = "nowa.osoba@example.pl"


def _world(url: str, enrol: str) -> World:
    world = World(url, START)
    world.bot.settings = world.settings.model_copy(update={"enrol": enrol})
    return world


def _write(world: World, text: str, locale: str = "pl-PL") -> None:
    world.bot.handle(CommandEvent(actor=Actor(STRANGER, locale=locale, display_name="Nowa Osoba"),
                                  command="/friction", text=text, trigger="t"))


def _person(world: World):
    with world.db.unit_of_work() as session:
        return directory.find_person(session=session, email=STRANGER)


def test_the_default_asks_and_a_click_enrols_without_a_unit(sqlite_url):
    assert Settings().enrol == "ask"
    world = _world(sqlite_url, "ask")
    _write(world, "Nie mam dostępu do CRM")
    question = world.last(STRANGER)
    assert question.header == "Nie ma Cię jeszcze w katalogu xgov" and question.buttons[0].label == "Dołącz do xgov"
    assert _person(world) is None and world.friction_count() == 0
    ref, _message = world._last_interactive(STRANGER)
    world.bot.handle(ButtonAnswer(actor=Actor(STRANGER, locale="pl-PL", display_name="Nowa Osoba"),
                                  action_id=question.buttons[0].action_id, message=ref, trigger="t"))
    person = _person(world)
    assert (person.name, person.org_unit, person.roles, person.locale) == ("Nowa Osoba", None, {"employee"}, "pl")
    assert world.last(STRANGER).text.startswith("Jesteś już w xgov")
    notice = world.last("#governance")
    assert notice.header == "Nowa Osoba joined xgov" and f"/xgov people move {STRANGER} UNIT" in notice.text
    _write(world, "Nie mam dostępu do CRM")
    assert world.friction_count() == 1
    world.db.dispose()


def test_auto_lets_the_first_report_through(sqlite_url):
    world = _world(sqlite_url, "auto")
    _write(world, "Procedura zwrotów nie pasuje do systemu", locale="en-US")
    assert world.friction_count() == 1 and _person(world).locale == "en"
    assert "Nowa Osoba joined xgov" in world.seen("#governance")  # before the report's own notice
    with world.db.unit_of_work() as session:
        row = session.execute(select(DirectoryChange.actor, DirectoryChange.source, DirectoryChange.action)).one()
    assert tuple(row) == (STRANGER, "enrol", "added")
    world.db.dispose()


def test_off_refuses_at_the_door_and_a_join_click_does_nothing(sqlite_url):
    world = _world(sqlite_url, "off")
    _write(world, "Tekst")
    assert "Poproś zespół governance" in world.last(STRANGER).text and not world.last(STRANGER).buttons
    world.bot.handle(ButtonAnswer(actor=Actor(STRANGER), action_id="enrol.join", trigger="t"))
    assert _person(world) is None and world.friction_count() == 0
    world.db.dispose()


def test_a_leaver_is_not_enrolled_again(sqlite_url):
    world = _world(sqlite_url, "auto")
    _write(world, "Pierwsze zgłoszenie")
    world.say(ADMIN, f"/xgov people deactivate {STRANGER}")
    _write(world, "Drugie zgłoszenie")
    assert world.friction_count() == 1 and world.last(STRANGER).header == "Twój dostęp do xgov jest wyłączony"
    world.db.dispose()


def test_opening_the_home_page_enrols_nobody(sqlite_url):
    world = _world(sqlite_url, "auto")
    shown = world.bot.view_for(Actor(STRANGER), lambda turn: [])
    assert shown[0].header == "You are not in the xgov directory yet" and _person(world) is None
    world.db.dispose()


def test_an_unknown_setting_is_refused():
    with pytest.raises(ValueError, match="XGOV_ENROL must be ask, auto or off"):
        Settings(enrol="sometimes")
