"""People kept by the governance admin in chat (/xgov people ...) and with `xgov people`; a leaver gets no
more surveys or reminders, their open assignments go back to triage with a notice, their reports keep
their place, and they can come back. Each change is recorded."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.cli import main
from bot.flows.surveying import invite
from bot.services import directory, friction_queries, survey_waves
from storage.models import DirectoryChange, FrictionReporter, WaveRecipient
from tests.conftest import START
from tests.world import ADMIN, EMPLOYEE, EMPLOYEE_EN, OTHER_OWNER, OWNER, World


@pytest.fixture
def world(database_url):
    world = World(database_url, START)
    yield world
    world.db.dispose()


def _changes(world: World) -> list[tuple[str, str, str, str, str | None]]:
    with world.db.unit_of_work() as session:
        return [tuple(row) for row in session.execute(select(
            DirectoryChange.actor, DirectoryChange.source, DirectoryChange.action, DirectoryChange.person_email,
            DirectoryChange.detail).order_by(DirectoryChange.id))]


def _assigned_to_owner(world: World) -> None:
    world.say(EMPLOYEE, "/friction Zwroty czekają tydzień na podpis dyrektora")
    world.say(ADMIN, "/xgov assign F-1 P-1")


def test_an_admin_grants_revokes_moves_and_lists_in_chat_each_recorded(world):
    world.say(ADMIN, "/xgov people grant john.smith@example.pl owner")
    assert "john.smith@example.pl ma teraz rolę: właściciel." in world.last(ADMIN).text
    world.say(ADMIN, "/xgov people revoke john.smith@example.pl owner")
    world.say(ADMIN, "/xgov people move john.smith@example.pl Spółka")
    assert "john.smith@example.pl jest teraz w Spółka." in world.last(ADMIN).text
    world.say(ADMIN, "/xgov people list Spółka")
    listing = world.last(ADMIN)
    assert [f.label for f in listing.fields] == sorted([ADMIN, OWNER, OTHER_OWNER, EMPLOYEE, EMPLOYEE_EN])
    world.say(ADMIN, "/xgov people show john.smith@example.pl")
    card = world.last(ADMIN)
    assert "grant owner" in card.context and "revoke owner" in card.context and ADMIN in card.context
    assert _changes(world) == [(ADMIN, "chat", "grant", EMPLOYEE_EN, "owner"),
                               (ADMIN, "chat", "revoke", EMPLOYEE_EN, "owner"),
                               (ADMIN, "chat", "move", EMPLOYEE_EN, "Spółka")]


def test_bad_people_commands_are_refused_and_change_nothing(world):
    world.say(ADMIN, "/xgov people grant john.smith@example.pl wizard")
    assert "Nieznana rola wizard" in world.last(ADMIN).text
    world.say(ADMIN, "/xgov people move john.smith@example.pl Nigdzie")
    assert "Nigdzie" in world.last(ADMIN).text
    world.say(ADMIN, "/xgov people revoke gosia.admin@example.pl governance_admin")
    assert "nie zostałby wtedy żaden aktywny administrator" in world.last(ADMIN).text.lower()
    world.say(ADMIN, "/xgov people frobnicate")
    assert "/xgov people list" in world.last(ADMIN).text
    assert _changes(world) == []


def test_a_leaver_gets_no_surveys_and_their_assignments_go_back_to_triage(world):
    _assigned_to_owner(world)
    world.say(ADMIN, "/xgov people deactivate olek.owner@example.pl")
    assert "Zadania z powrotem w triażu: 1" in world.last(ADMIN).text
    notice = world.last("#governance")
    assert notice.header == "Olek Owner has left: assignments back in triage"
    assert "F-1" in notice.text and notice.buttons[0].action_id == "triage.open"
    with world.db.unit_of_work() as session:
        queue = friction_queries.triage_queue(session=session)
        assert [item.id for item in queue] == [1]  # back in the triage queue, still linked to its policy
        assert session.scalar(select(FrictionReporter.person_id)) is not None  # reports keep their place

    before = len(world.port.deliveries_for(OWNER))

    def job(turn):
        survey_waves.ensure_builtin_surveys(session=turn.session, now=turn.now)
        wave_id, emails = survey_waves.send_wave(session=turn.session, key="employee-pulse", audience="everyone",
                                                 now=turn.now, days=7, k=3)
        invite(turn, wave_id, emails)
        invite(turn, wave_id, [OWNER], reminder=True)  # even named directly: nothing reaches a leaver
        return wave_id

    wave_id = world.bot.run_job(job)
    assert len(world.port.deliveries_for(OWNER)) == before
    with world.db.unit_of_work() as session:
        assert OWNER not in survey_waves.due_reminders(session=session, wave_id=wave_id, now=START)
        asked = session.scalars(select(WaveRecipient.person_id).where(WaveRecipient.wave_id == wave_id)).all()
        assert directory.get_person(session=session, email=OWNER).id not in asked

    world.say(OWNER, "/xgov assignments")  # the leaver writes: refused at the door, nothing else
    assert world.last(OWNER).header == "Your xgov access is switched off"
    world.say(ADMIN, f"/xgov assign F-1 P-1")
    assert "Olek Owner odszedł" in world.last(ADMIN).text  # a leaver cannot be given work

    world.say(ADMIN, "/xgov people reactivate olek.owner@example.pl")
    world.say(OWNER, "/xgov assignments")
    assert world.last(OWNER).header != "Your xgov access is switched off"
    assert [row[2] for row in _changes(world)] == ["deactivate", "reactivate"]
    assert _changes(world)[0][4] == "F-1"


def test_xgov_people_on_the_command_line(database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XGOV_CONSOLE_MAILBOX", str(tmp_path / "mailbox.jsonl"))
    World(database_url, START).db.dispose()
    cli = lambda *args: main(["--database-url", database_url, "people", *args])  # noqa: E731
    assert cli("grant", EMPLOYEE, "manager") == 0 and "Granted." in capsys.readouterr().out
    assert cli("grant", EMPLOYEE, "manager") == 0 and "Nothing to change." in capsys.readouterr().out
    assert cli("deactivate", EMPLOYEE) == 0
    assert "Deactivated; assignments back in triage: 0." in capsys.readouterr().out
    assert cli("list") == 0
    assert EMPLOYEE not in capsys.readouterr().out
    assert cli("--lang", "pl", "list", "--all") == 0
    assert "[dezaktywowana]" in capsys.readouterr().out
    assert cli("show", EMPLOYEE) == 0
    shown = capsys.readouterr().out
    assert "Status: deactivated" in shown and "deactivate · cli (cli)" in shown
    with pytest.raises(SystemExit) as refused:
        cli("--lang", "pl", "deactivate", EMPLOYEE)
    assert refused.value.code == 2 and "jest już dezaktywowany/a" in capsys.readouterr().err
