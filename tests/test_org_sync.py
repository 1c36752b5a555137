"""`xgov org sync`: the file is the truth for the people it lists; a plan first, all or nothing, every
problem with its line and column (pl or en), never a traceback. SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.cli import main
from bot.services import directory, frictions, registry
from storage.db import Database
from storage.models import DirectoryChange, Friction, OutboxMessage
from tests.conftest import START

HEADER = "email,name,org_unit,parent_unit,manager_email,roles,locale\n"
FIRST = HEADER + (
    "gosia@example.pl,Gosia Admin,Obsługa,Spółka,,employee;governance_admin,pl\n"
    "olek@example.pl,Olek Kierownik,Obsługa,Spółka,,employee;manager,en\n"
    "ewa@example.pl,Ewa Łęcka,Reklamacje,Obsługa,olek@example.pl,employee,pl\n"
    "jan@example.pl,Jan Owner,Reklamacje,Obsługa,olek@example.pl,employee;owner,pl\n"
)
SECOND = HEADER + (
    "gosia@example.pl,Gosia Admin,Obsługa,Spółka,,employee;governance_admin,pl\n"
    "olek@example.pl,Olek Kierownik,Obsługa,Spółka,,employee;manager;owner,en\n"
    "ewa@example.pl,Ewa Łęcka,Sprzedaż,Spółka,olek@example.pl,employee,pl\n"
    "nowy@example.pl,Nowy Pracownik,Sprzedaż,Spółka,ewa@example.pl,employee,\n"
)


@pytest.fixture
def setup(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("XGOV_CONSOLE_MAILBOX", str(tmp_path / "mailbox.jsonl"))
    first = tmp_path / "first.csv"
    first.write_text(FIRST, encoding="utf-8")
    assert main(["--database-url", database_url, "org", "sync", str(first)]) == 0
    db = Database(database_url)
    with db.unit_of_work() as session:  # Jan owns an open assignment
        policy = registry.add_policy(session=session, kind="process", title="Refunds", owner_email="jan@example.pl",
                                     now=START)
        friction_id = frictions.report(session=session, reporter_email="ewa@example.pl", text="Refunds wait", now=START)
        frictions.triage_and_assign(session=session, friction_id=friction_id, admin_email="gosia@example.pl",
                                    policy_id=policy.id, now=START, due_days=14)
    yield database_url, db, tmp_path
    db.dispose()


def _sync(url, path, *extra):
    return main(["--database-url", url, "org", "sync", str(path), *extra])


def test_a_sync_adds_moves_changes_roles_and_deactivates(setup, capsys):
    url, db, tmp_path = setup
    capsys.readouterr()
    second = tmp_path / "second.csv"
    second.write_text(SECOND, encoding="utf-8")

    assert _sync(url, second, "--dry-run", "--deactivate-missing") == 0
    plan = capsys.readouterr().out
    assert "New unit: Sprzedaż (under Spółka)" in plan
    assert "+ nowy@example.pl (Nowy Pracownik): name: Nowy Pracownik; org_unit: Sprzedaż; manager_email: ewa@example.pl" in plan
    assert "~ ewa@example.pl (Ewa Łęcka): org_unit: Reklamacje → Sprzedaż" in plan
    assert "~ olek@example.pl (Olek Kierownik): roles: employee;manager → employee;manager;owner" in plan
    assert "- jan@example.pl (Jan Owner)" in plan and "Unchanged: 1" in plan
    assert "Dry run: nothing was changed." in plan
    with db.unit_of_work() as session:
        assert directory.find_person(session=session, email="nowy@example.pl") is None

    assert _sync(url, second, "--deactivate-missing") == 0
    assert "Done: the directory follows the file." in capsys.readouterr().out
    with db.unit_of_work() as session:
        get = lambda email: directory.get_person(session=session, email=email)  # noqa: E731
        assert get("ewa@example.pl").org_unit == "Sprzedaż"
        assert get("olek@example.pl").roles == {"employee", "manager", "owner"}
        assert get("nowy@example.pl").org_unit == "Sprzedaż" and get("nowy@example.pl").active
        assert not get("jan@example.pl").active  # kept, not deleted: his reports keep their place
        friction = session.scalar(select(Friction))
        assert (friction.status, friction.owner_id, friction.policy_id) == ("triaged", None, 1)  # back in triage
        notice = session.scalar(select(OutboxMessage.payload).where(OutboxMessage.target == "governance"))
        assert "F-1" in notice and "Jan Owner" in notice
        actions = set(session.execute(select(DirectoryChange.person_email, DirectoryChange.action)))
        assert {("nowy@example.pl", "added"), ("ewa@example.pl", "changed"), ("olek@example.pl", "grant"),
                ("jan@example.pl", "deactivate")} <= actions

    assert _sync(url, second, "--deactivate-missing") == 0  # again: nothing to do
    out = capsys.readouterr().out
    assert "Added: 0" in out and "Changed: 0" in out and "Deactivated: 0" in out and "Unchanged: 4" in out

    first = tmp_path / "first.csv"
    assert _sync(url, first) == 0  # Jan listed again: reactivated
    assert "active: no → yes" in capsys.readouterr().out
    with db.unit_of_work() as session:
        assert directory.get_person(session=session, email="jan@example.pl").active


def test_a_line_missing_a_column_names_it_and_changes_nothing(setup, capsys):
    url, db, tmp_path = setup
    capsys.readouterr()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "gosia@example.pl,Gosia Admin,Obsługa,Spółka,,employee;governance_admin,pl\n"
                   "ewa@example.pl,Ewa Zmieniona,Sprzedaż\n", encoding="utf-8")
    assert _sync(url, bad, "--deactivate-missing") == 2
    err = capsys.readouterr().err
    assert "line 3, column parent_unit: This line has 3 values; the first line names 7 columns." in err
    assert "Traceback" not in err
    with db.unit_of_work() as session:
        assert directory.get_person(session=session, email="jan@example.pl").active
        assert directory.get_person(session=session, email="ewa@example.pl").name == "Ewa Łęcka"


def test_every_problem_is_listed_in_polish(setup, capsys):
    url, _db, tmp_path = setup
    capsys.readouterr()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "gosia@example.pl,Gosia Admin,Obsługa,Spółka,,employee;wizard,pl\n"
                   "gosia@example.pl,Gosia Znowu,,,,employee,de\n"
                   "x@example.pl,X,Obsługa,,kto@example.pl,employee,\n", encoding="utf-8")
    assert main(["--database-url", url, "org", "sync", "--lang", "pl", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "wiersz 2, kolumna roles: Nieznana rola wizard" in err
    assert "wiersz 3, kolumna locale:" in err and "wiersz 3, kolumna email:" in err


def test_a_header_without_a_required_column_is_refused(setup, capsys):
    url, _db, tmp_path = setup
    bad = tmp_path / "bad.csv"
    bad.write_text("email,org_unit,team\na@example.pl,X,Y\n", encoding="utf-8")
    assert _sync(url, bad) == 2
    err = capsys.readouterr().err
    assert "line 1, column name: The column name is missing" in err and "line 1, column team: Unknown column team" in err


def test_an_unknown_manager_and_a_loop_of_units_are_refused(setup, capsys):
    url, _db, tmp_path = setup
    capsys.readouterr()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "a@example.pl,A,Spółka,Obsługa,kto@example.pl,employee,\n", encoding="utf-8")
    assert _sync(url, bad) == 2
    err = capsys.readouterr().err
    assert "line 2, column manager_email: kto@example.pl is neither in the file nor active in the directory." in err
    assert "line 2, column parent_unit: Spółka under Obsługa makes a loop of units." in err


def test_the_last_governance_admin_is_not_deactivated(setup, capsys):
    url, db, tmp_path = setup
    capsys.readouterr()
    only = tmp_path / "only.csv"
    only.write_text(HEADER + "ewa@example.pl,Ewa Łęcka,Reklamacje,Obsługa,,employee,pl\n", encoding="utf-8")
    assert _sync(url, only, "--deactivate-missing") == 2
    assert "nobody would be an active governance admin" in capsys.readouterr().err
    with db.unit_of_work() as session:
        assert directory.get_person(session=session, email="gosia@example.pl").active


def test_a_file_that_cannot_be_read_is_told_not_traced(sqlite_url, tmp_path, capsys):
    assert _sync(sqlite_url, tmp_path / "missing.csv") == 2
    assert "The file cannot be read: No such file or directory" in capsys.readouterr().err
    latin = tmp_path / "latin.csv"
    latin.write_bytes(HEADER.encode() + "ewa@example.pl,Ewa Łęcka,,,,,\n".encode("cp1250"))
    assert _sync(sqlite_url, latin) == 2
    assert "not UTF-8 text; save it as CSV UTF-8" in capsys.readouterr().err
