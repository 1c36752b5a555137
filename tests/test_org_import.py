"""`xgov org import`: people, units, managers and roles from CSV; errors name line and column."""
from __future__ import annotations

from app.cli import main
from bot.services import directory
from storage.db import Database

HEADER = "email,name,org_unit,parent_unit,manager_email,roles,locale\n"


def test_import_people_with_units_managers_and_roles(tmp_path, capsys):
    csv = tmp_path / "people.csv"
    csv.write_text(HEADER + "ewa@example.pl,Ewa Łęcka,Reklamacje,Obsługa,olek@example.pl,employee,pl\n"
                   "olek@example.pl,Olek Owner,Obsługa,Spółka,,employee;manager;owner,en\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["--database-url", url, "org", "import", str(csv)]) == 0
    assert "Imported people: 2." in capsys.readouterr().out
    db = Database(url)
    with db.unit_of_work() as session:
        ewa = directory.get_person(session=session, email="EWA@example.pl")
        assert ewa.name == "Ewa Łęcka" and ewa.org_unit == "Reklamacje" and ewa.locale == "pl"
        assert directory.get_person(session=session, email="olek@example.pl").roles == {"employee", "manager", "owner"}
        assert len(directory.unit_and_descendants(session=session, unit_name="Spółka")) == 3
    assert main(["--database-url", url, "org", "import", str(csv)]) == 0  # again: nothing new
    assert "Imported people: 0." in capsys.readouterr().out


def test_a_bad_row_names_line_and_column_and_imports_nothing(tmp_path, capsys):
    csv = tmp_path / "people.csv"
    csv.write_text(HEADER + "a@example.pl,A,U,,,employee,pl\nb@example.pl,B,U,,,wizard,pl\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["--database-url", url, "org", "import", str(csv)]) == 2
    assert "line 3, column roles: Unknown role wizard" in capsys.readouterr().err
    with Database(url).unit_of_work() as session:
        assert directory.find_person(session=session, email="a@example.pl") is None
