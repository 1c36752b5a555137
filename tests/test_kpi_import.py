"""`xgov kpi import`: long-format CSV, errors name line and column, importing twice changes nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from app.cli import main
from storage.db import Database
from storage.models import KpiValue

GOOD = """date,kpi,value,unit,n
2026-01-05,NPS,31,,420
2026-01-05,Complaints,12,Sprzedaż,
2026-01-12,staff turnover,"1,8",,
"""


def _org(tmp_path) -> str:
    people = tmp_path / "people.csv"
    people.write_text("email,name,org_unit,parent_unit\nada@example.pl,Ada,Sprzedaż,Spółka\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["--database-url", url, "org", "import", str(people)]) == 0
    return url


def _rows(url):
    with Database(url).unit_of_work() as session:
        return sorted((r.kpi, r.on_date.isoformat(), r.value, r.n) for r in session.scalars(select(KpiValue)))


def test_import_twice_changes_nothing_and_a_corrected_value_is_updated(tmp_path, capsys):
    url = _org(tmp_path)
    csv = tmp_path / "kpis.csv"
    csv.write_text(GOOD, encoding="utf-8")
    assert main(["--database-url", url, "kpi", "import", str(csv)]) == 0
    assert "added: 3; changed: 0; already there: 0" in capsys.readouterr().out
    first = _rows(url)
    assert first == [("complaints", "2026-01-05", 12.0, None), ("nps", "2026-01-05", 31.0, 420),
                     ("staff_turnover", "2026-01-12", 1.8, None)]
    assert main(["--database-url", url, "kpi", "import", str(csv)]) == 0
    assert "added: 0; changed: 0; already there: 3" in capsys.readouterr().out
    assert _rows(url) == first
    csv.write_text(GOOD.replace("2026-01-05,NPS,31", "2026-01-05,NPS,33"), encoding="utf-8")
    assert main(["--database-url", url, "kpi", "import", str(csv)]) == 0
    assert "added: 0; changed: 1; already there: 2" in capsys.readouterr().out


def test_every_problem_names_line_and_column_and_nothing_is_imported(tmp_path, capsys):
    url = _org(tmp_path)
    csv = tmp_path / "kpis.csv"
    csv.write_text("date,kpi,value,unit,n\n2026-01-05,nps,31,,\n2026-13-01,nps,30,,\n2026-01-06,nps,abc,,\n"
                   "2026-01-07,nps,3,Marketing,\n2026-01-08,nps,3,,-4\n2026-01-09,<!channel>,3,,\n"
                   "2026-01-05,NPS,35,,\n", encoding="utf-8")
    assert main(["--database-url", url, "kpi", "import", str(csv)]) == 2
    err = capsys.readouterr().err
    assert "Nothing was imported" in err
    assert "Line 3, column date: '2026-13-01' is not a date like 2026-01-31." in err
    assert "Line 4, column value: 'abc' is not a number." in err
    assert "Line 5, column unit: there is no org unit 'Marketing'." in err
    assert "Line 6, column n: '-4' is not a positive whole number." in err
    assert "Line 7, column kpi: '<!channel>' is not a KPI name" in err
    assert "Line 8, column value: nps on 2026-01-05 is given a second time with another value (first on line 2)." in err
    assert _rows(url) == []


def test_problems_in_polish_and_a_missing_column(tmp_path, capsys):
    url = _org(tmp_path)
    csv = tmp_path / "kpis.csv"
    csv.write_text("date,value\n2026-01-05,3\n", encoding="utf-8")
    assert main(["--database-url", url, "kpi", "--lang", "pl", "import", str(csv)]) == 2
    err = capsys.readouterr().err
    assert "Nic nie zaimportowano" in err and "kpi" in err
    with Database(url).unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(KpiValue)) == 0


def test_a_missing_file_is_a_clear_message(tmp_path, capsys):
    url = _org(tmp_path)
    assert main(["--database-url", url, "kpi", "import", str(tmp_path / "nope.csv")]) == 2
    assert "Cannot read" in capsys.readouterr().err


def test_kind_and_span_are_declared_and_checked(tmp_path, capsys):
    url = _org(tmp_path)
    csv = tmp_path / "kpis.csv"
    csv.write_text("date,kpi,value,unit,n,kind,span\n2026-01-05,complaints,12.5,,,count,week\n"
                   "2026-01-05,churn,4,,,share,month\n2026-01-05,revenue,10,,,money,month\n"
                   "2026-01-05,nps,30,,100,score,fortnight\n", encoding="utf-8")
    assert main(["--database-url", url, "kpi", "import", str(csv)]) == 2
    err = capsys.readouterr().err
    assert "Line 2, column value: 12.5 does not fit the kind count." in err
    assert "Line 3, column n: a share needs n (how many it rests on)." in err
    assert "Line 4, column kind: 'money' is not a KPI kind (count, rate, share, amount, score)." in err
    assert "Line 5, column span: 'fortnight' is not a span (day, week, month, quarter, year)." in err
    csv.write_text("date,kpi,value,unit,n,kind,span\n2026-01-05,complaints,12,,,count,Week\n", encoding="utf-8")
    assert main(["--database-url", url, "kpi", "import", str(csv)]) == 0
    with Database(url).unit_of_work() as session:
        row = session.scalars(select(KpiValue)).one()
        assert (row.kind, row.span) == ("count", "week")
