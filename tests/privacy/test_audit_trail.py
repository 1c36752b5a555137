"""The audit trail: every governance action leaves an entry naming who did it; the chain catches edits."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text, update

from bot.services import audit_trail, channels, conversations, directory, survey_schedules, survey_waves
from bot.services.erasure import forget
from bot.services.personal_export import export_person
from storage.models import AuditEntry
from tests.conftest import START
from tests.world import ADMIN, EMPLOYEE, EMPLOYEE_EN, OTHER_OWNER, OWNER, World

REPORT = "Faktury przepisujemy ręcznie z CRM do SAP"
# Every governance action that exists today, and who the trail must name for it.
EXPECTED = [
    ("policy.added", ADMIN), ("friction.triaged", ADMIN), ("friction.assigned", ADMIN), ("friction.declined", OWNER),
    ("friction.accepted", OTHER_OWNER), ("friction.resolved", OTHER_OWNER), ("friction.redirected", ADMIN),
    ("friction.text_erased", ADMIN),
    ("survey.added", "command line"), ("survey.sent", "command line"), ("survey.anonymity", "command line"),
    ("survey.scheduled", "command line"), ("survey.unscheduled", "command line"), ("survey.closed", "command line"),
    ("survey.k_changed", "command line"),
    ("channel.set", "command line"), ("channel.removed", "command line"), ("channel.bound", "command line"),
    ("person.added", "command line"), ("person.changed", "command line"), ("role.granted", "command line"),
    ("role.revoked", "command line"),
    ("erasure.requested", "erased person"), ("person.exported", "command line"), ("person.erased", "command line"),
]


def _governance_actions(world: World) -> None:
    world.say(EMPLOYEE, f"/friction {REPORT}")
    world.say(EMPLOYEE, "/friction Drugi raport do przekierowania")
    world.say(ADMIN, "/xgov policy add decision olek.owner@example.pl Refunds need a director")
    world.say(ADMIN, "/xgov assign F-1 P-1")
    world.say(OWNER, "/xgov decline F-1 not mine")
    world.say(ADMIN, "/xgov assign F-1 P-2")
    world.say(OTHER_OWNER, "/xgov accept F-1")
    world.say(OTHER_OWNER, "/xgov resolve F-1 policy-changed new rule")
    world.say(ADMIN, "/xgov whistleblowing F-2")
    world.say(EMPLOYEE_EN, "/xgov forget")
    world.bot.run_job(_command_line_actions)


def _command_line_actions(turn) -> None:
    session, now = turn.session, turn.now
    survey_waves.ensure_builtin_surveys(session=session, now=now)
    wave_id, _emails = survey_waves.send_wave(session=session, key="enps", audience="everyone", now=now, days=7)
    survey_waves.set_anonymity(session=session, key="enps", mode="anonymous")
    survey_waves.set_anonymity(session=session, key="diagnostic", mode="identified")
    schedule = survey_schedules.add_schedule(session=session, key="enps", cadence="weekly", weekday="mon", hour=9,
                                             timezone="Europe/Warsaw", audience="everyone", unit=None, window_days=7,
                                             k=5, max_reminders=2, now=now)
    from storage.models import SurveySchedule

    session.get(SurveySchedule, schedule.id).k = 7
    session.flush()
    survey_schedules.remove_schedule(session=session, schedule_id=schedule.id)
    survey_waves.close_wave(session=session, wave_id=wave_id, now=now)
    channels.set_channel(session=session, name="zarzad", locale="pl", now=START)
    channels.remove_channel(session=session, name="zarzad")
    conversations.save_reference(session=session, platform="teams", kind="channel", key="governance",
                                 reference={"conversation": {"id": "19:abc"}}, now=now)
    directory.add_person(session=session, email="nowa@example.pl", name="Nowa Osoba", roles=("employee",))
    from storage.models import PersonRole

    session.delete(session.get(PersonRole, (directory.get_person(session=session, email="nowa@example.pl").id,
                                            "employee")))
    session.flush()
    export_person(session=session, email=EMPLOYEE, now=now)
    forget(session=session, email=EMPLOYEE_EN)


def test_every_governance_action_leaves_an_entry_naming_who(database_url):
    world = World(database_url, START)
    _governance_actions(world)
    with world.db.unit_of_work() as session:
        lines = audit_trail.entries(session=session)
        assert audit_trail.verify(session=session).broken_at is None
    seen = {(line.action, line.actor) for line in lines}
    missing = [pair for pair in EXPECTED if pair not in seen]
    assert missing == []
    assert {action for action, _actor in seen} <= {action for action, _actor in EXPECTED}
    # reporting is not a governance action: the trail never names a reporter, nor holds a report's words
    assert not [line for line in lines if line.actor == EMPLOYEE]
    assert not [line for line in lines if line.subject.startswith("F-") and EMPLOYEE in line.details]
    assert not [line for line in lines if "przepisujemy" in line.details or "Drugi" in line.details]
    # EMPLOYEE_EN asked, then was forgotten: the pseudonym now names nobody (the chain is unchanged)
    assert "john.smith" not in "".join(f"{line.actor} {line.subject} {line.details}" for line in lines)


def test_audit_by_actor_and_since(sqlite_url):
    world = World(sqlite_url, START)
    _governance_actions(world)
    with world.db.unit_of_work() as session:
        mine = audit_trail.entries(session=session, actor_email=OWNER)
        later = audit_trail.entries(session=session, since=START.replace(year=2027))
    assert [line.action for line in mine] == ["friction.declined"]
    assert later == []


def test_the_application_cannot_change_or_delete_an_entry(database_url):
    world = World(database_url, START)
    with pytest.raises(PermissionError), world.db.unit_of_work() as session:
        session.scalars(select(AuditEntry)).first().action = "nothing.happened"
    with pytest.raises(PermissionError), world.db.unit_of_work() as session:
        session.delete(session.scalars(select(AuditEntry)).first())
    with pytest.raises(Exception, match="append-only"):  # and the database refuses it too
        with world.db.unit_of_work() as session:
            session.execute(update(AuditEntry).values(action="nothing.happened"))


def _tamper(world: World, statement: str) -> None:
    """What someone with the database's password could do: drop the guard, then edit."""
    with world.db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only"))
        else:
            connection.execute(text("DROP TRIGGER audit_entries_no_update"))
            connection.execute(text("DROP TRIGGER audit_entries_no_delete"))
        connection.execute(text(statement))


@pytest.mark.parametrize("statement, problem", [
    ("UPDATE audit_entries SET actor = 'command line' WHERE seq = 3", "entry 3 was changed"),
    ("DELETE FROM audit_entries WHERE seq = 2", "entry 2 is missing"),
    ("UPDATE audit_entries SET details = '{}' WHERE seq = (SELECT max(seq) FROM audit_entries)", "was changed"),
])
def test_verify_catches_an_edited_or_removed_row(database_url, statement, problem, capsys):
    world = World(database_url, START)
    _governance_actions(world)
    from app.cli import main

    assert main(["--database-url", database_url, "audit", "verify"]) == 0
    assert "The audit trail holds" in capsys.readouterr().out
    _tamper(world, statement)
    assert main(["--database-url", database_url, "audit", "verify"]) == 1
    assert problem in capsys.readouterr().err


def test_processes_appending_at_once_keep_one_chain(postgres_url):
    """Four writers adding policies concurrently on PostgreSQL: no fork, no gap, every entry verified."""
    from concurrent.futures import ThreadPoolExecutor

    from bot.services import registry
    from storage.db import Database

    world = World(postgres_url, START)
    databases = [Database(postgres_url) for _ in range(4)]

    def write(db):
        for n in range(10):
            with db.unit_of_work() as session:
                registry.add_policy(session=session, kind="process", title=f"Process {n}", owner_email=OWNER, now=START)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, databases))
    with world.db.unit_of_work() as session:
        verdict = audit_trail.verify(session=session)
        added = [line for line in audit_trail.entries(session=session) if line.action == "policy.added"]
    assert verdict.broken_at is None and len(added) == 2 + 40
    for db in databases:
        db.dispose()


def test_the_audit_command_lists_and_refuses_bad_input_in_words(sqlite_url, capsys):
    world = World(sqlite_url, START)
    world.say(ADMIN, "/xgov policy add decision olek.owner@example.pl Refunds need a director")
    from app.cli import main

    assert main(["--database-url", sqlite_url, "audit", "--actor", ADMIN]) == 0
    assert "policy.added" in capsys.readouterr().out
    with pytest.raises(SystemExit) as stopped:
        main(["--database-url", sqlite_url, "audit", "--since", "yesterday"])
    assert stopped.value.code == 2 and "is not a date like 2026-12-01" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        main(["--database-url", sqlite_url, "audit", "--actor", "nobody@example.pl"])
    assert stopped.value.code == 2 and "names nobody with the e-mail nobody@example.pl" in capsys.readouterr().err
