"""What a person reads: numbers the locale's way, times in their time zone, Polish names not after a verb."""
from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.i18n import translator
from bot.services.channels import set_channel
from bot.text_rules import shorten
from storage.models import Person
from tests.conftest import START
from tests.test_survey_answering import send
from tests.world import ADMIN, EMPLOYEE, EMPLOYEE_EN, OWNER, World


@pytest.fixture
def world(sqlite_url):
    world = World(sqlite_url, START)
    yield world
    world.db.dispose()


def test_numbers_in_a_text_follow_the_locale():
    msgid = "mean {mean:.2f} · agree (4-5) {top:.0f}% · n = {n}"
    assert translator("pl")(msgid, mean=3.4833, top=48.8, n=12) == "średnia 3,48 · zgadza się (4-5) 49% · n = 12"
    assert translator("en")(msgid, mean=3.4833, top=48.8, n=12) == "mean 3.48 · agree (4-5) 49% · n = 12"
    assert translator("pl")("{value} · n = {n}", value=1.5, n=2026) == "1,5 · n = 2026"  # a year-like int stays


@pytest.mark.parametrize("text, width, expected", [
    ("CX Governance maturity survey", 24, "CX Governance maturity…"),
    ("short", 24, "short"),
    ("Nieprzerwanyciągliterbezspacji", 10, "Nieprzerw…"),
])
def test_titles_are_cut_after_a_whole_word(text, width, expected):
    assert shorten(text, width) == expected and len(shorten(text, width)) <= width


def test_the_invitation_shows_the_closing_time_in_the_readers_time_zone(world):
    with world.db.unit_of_work() as session:
        session.execute(update(Person).where(Person.email == EMPLOYEE_EN).values(timezone="America/New_York"))
    send(world)  # closes 7 days after 2026-03-02 08:00 UTC
    closes = {email: next(f.value for f in world.last(email).fields if f.label in ("Open until", "Otwarta do"))
              for email in (EMPLOYEE, EMPLOYEE_EN)}
    assert closes == {EMPLOYEE: "2026-03-09 09:00 CET", EMPLOYEE_EN: "2026-03-09 04:00 EDT"}


def test_polish_names_are_not_written_after_a_verb(world):
    with world.db.unit_of_work() as session:
        set_channel(session=session, name="governance", locale="pl", now=START)
    world.say(EMPLOYEE, "/friction Zwroty wymagają trzech podpisów")
    world.say(ADMIN, "/xgov assign F-1 P-1")
    assert world.last("#governance").header == "F-1 · właściciel: Olek Owner"
    world.press(OWNER, "Decline")
    world.submit(OWNER, reason="Not my policy")
    assert world.last("#governance").header == "F-1 · odrzucił(a): Olek Owner"
