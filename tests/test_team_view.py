"""Managers' own view: after a pulse closes, each manager whose team (unit and sub-units) reached k gets
its results in a DM; /xgov team shows the latest; no manager sees another team; below k nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.flows.surveying import close_and_report
from bot.services import directory
from storage.models import Person
from tests.conftest import START
from tests.test_survey_answering import EVERYONE, send
from tests.world import ADMIN, EMPLOYEE_EN, OWNER, World

SALES_MANAGER = "sara.sprzedaz@example.pl"
SALES = "Sprzedaż"


def answer_pulse(world: World, email: str, enps: str = "9") -> None:
    """In either language: start, eNPS, five agreements, skip the comment."""
    world.press(email, 1)
    world.press(email, int(enps) + 1)
    for _ in range(5):
        world.press(email, 4)
    world.press(email, "Skip" if email == EMPLOYEE_EN or email == OWNER else "Pomiń")


@pytest.fixture
def world(database_url):
    world = World(database_url, START)
    with world.db.unit_of_work() as session:
        directory.add_org_unit(session=session, name=SALES, parent="Spółka")
        directory.add_person(session=session, email=SALES_MANAGER, name="Sara Sprzedaż", org_unit=SALES,
                             roles=("employee", "manager"), locale="en")
        for n in (1, 2):  # Sales has k = 3 people: that none of them answers says nothing about any one of them
            directory.add_person(session=session, email=f"sprzedawca{n}@example.pl", name=f"Sprzedawca {n}",
                                 org_unit=SALES, roles=("employee",), locale="pl")
    yield world
    world.db.dispose()


def test_a_team_that_reached_k_gets_its_results_and_no_other_team_does(world):
    wave_id = send(world)  # everyone, k = 3
    for email in EVERYONE:  # five answers from Obsługa Klienta, none from Sprzedaż
        answer_pulse(world, email, enps="9")
    sales_before = len(world.port.deliveries_for(SALES_MANAGER))
    world.bot.run_job(lambda turn: close_and_report(turn, wave_id))

    own = world.last(OWNER)
    assert own.header == "Your team (Obsługa Klienta): Results: Team pulse"
    assert "Respondents: 5" in own.text and "+100" in "\n".join(f.value for f in own.fields)
    assert len(world.port.deliveries_for(SALES_MANAGER)) == sales_before  # below k: nothing, not even a zero
    assert world.last(EMPLOYEE_EN).header != own.header  # employees get no team view

    world.say(OWNER, f"/xgov team {SALES}")  # no argument picks another team
    assert world.last(OWNER).header == "Your team (Obsługa Klienta): Results: Team pulse"
    world.say(SALES_MANAGER, "/xgov team")
    assert world.last(SALES_MANAGER).text == ("No closed pulse has enough answers from Sprzedaż to show yet "
                                              "(at least k people must answer).")

    second = send(world)  # the next wave is compared with the team's previous one, in the same scope
    for email in EVERYONE:
        answer_pulse(world, email, enps="5")
    world.bot.run_job(lambda turn: close_and_report(turn, second))
    assert "change since the previous wave: −200.0" in "\n".join(f.value for f in world.last(OWNER).fields)


def test_an_open_wave_is_not_shown_and_a_manager_without_a_unit_is_told(world):
    wave_id = send(world)
    for email in EVERYONE:
        answer_pulse(world, email)
    world.say(OWNER, "/xgov team")  # the wave is still open: results only after it closes
    assert "No closed pulse" in world.last(OWNER).text
    world.say(ADMIN, f"/xgov people grant {ADMIN} manager")
    with world.db.unit_of_work() as session:
        session.execute(update(Person).where(Person.email == ADMIN).values(org_unit_id=None))
    world.say(ADMIN, "/xgov team")
    assert world.last(ADMIN).text == "Nie należysz do żadnej jednostki, więc nie ma zespołu do pokazania. " \
                                     "Poproś administratora governance o przypisanie."
    assert wave_id


def test_a_deactivated_manager_gets_no_team_results(world):
    wave_id = send(world)
    for email in EVERYONE:
        answer_pulse(world, email)
    world.say(ADMIN, f"/xgov people deactivate {OWNER}")
    before = len(world.port.deliveries_for(OWNER))
    world.bot.run_job(lambda turn: close_and_report(turn, wave_id))
    assert len(world.port.deliveries_for(OWNER)) == before
