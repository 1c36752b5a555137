"""`xgov digest --format json` figures equal hand-computed ones, on SQLite and PostgreSQL; nothing below k."""
from __future__ import annotations

import json

import pytest

from app.cli import main
from bot.services import frictions
from tests import digest_world as w


@pytest.fixture
def digest(database_url, capsys):
    w.build(database_url).dispose()
    capsys.readouterr()
    assert main(["--database-url", database_url, "digest", "--period", "2026-W10", "--dry-run", "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_period_and_k(digest):
    assert digest["period"] == {"start": "2026-03-02", "end": "2026-03-08", "label": "2026-W10"}
    assert digest["k"] == 5


def test_enps_and_pulse_item_figures(digest):
    enps = next(f for f in digest["ex"] if f["key"] == "enps")
    assert enps["latest"]["value"] == 20.0 and enps["latest"]["n"] == 10
    assert enps["latest"]["on"] == "2026-02-19"
    need = next(f for f in digest["ex"] if f["key"] == "conditions-pulse/have_what_i_need")
    first, second = need["trend"]
    assert first == {"on": "2026-02-26", "value": 3.2, "n": 10}
    assert second == {"on": "2026-03-05", "value": None, "n": None}  # four answers, k = 5: no figure, no n
    assert need["latest"] == second and need["change"] is None and need["ci"] is None


def test_pulse_items_nobody_answered_are_absent(digest):
    keys = {f["key"] for f in digest["ex"]}
    assert "conditions-pulse/know_who_decides" not in keys


def test_kpis_split_into_cx_and_business(digest):
    nps = next(f for f in digest["cx"] if f["kpi"] == "nps")
    assert nps["latest"] == {"on": "2026-03-01", "value": 31.0, "n": 400}
    assert nps["previous"]["value"] == 30.0
    assert nps["change"] == {"delta": 1.0, "significant": False}  # SE ~ 4.8 points each: noise
    complaints = next(f for f in digest["business"] if f["kpi"] == "complaints")
    assert complaints["unit"] == "Sprzedaż" and complaints["latest"]["value"] == 12.0
    churn = next(f for f in digest["business"] if f["kpi"] == "churn")
    assert churn["latest"]["value"] == 2.5 and churn["change"] is None


def test_friction_figures(digest):
    f = digest["frictions"]
    assert f["new"] == 4
    assert f["by_kind"] == {"workaround": 2, "exception": 1, "untagged": 1}
    assert f["by_experience"] == {"cx": 2, "ex": 1, "untagged": 1}
    assert f["resolved"] == 2 and f["resolved_with_change"] == 1
    assert f["median_days_to_resolve"] == 3.0  # 2 and 4 days
    assert f["unassigned"] == 1  # the untagged one
    assert f["overdue"] == 1  # the old one, due 2026-02-05 (assigned 2026-01-22 + 14 days)
    top = f["top_barriers"][0]
    assert (top["policy_id"], top["reports"], top["open_reports"], top["last_4_weeks"]) == (1, 3, 1, 3)


def test_owner_accountability(digest):
    rows = {r["email"]: r for r in digest["owners"]}
    assert rows[w.OWNER2] == {"owner": "Iga <!channel> Inna", "email": w.OWNER2, "open": 1, "overdue": 1,
                              "oldest_open_days": 45, "resolved_in_period": 0}  # 2026-01-22 08:00 to 2026-03-09
    assert rows[w.OWNER]["open"] == 1 and rows[w.OWNER]["resolved_in_period"] == 2
    assert digest["owners"][0]["email"] == w.OWNER2  # the most overdue first


def test_signals_name_the_overdue_owner_and_the_new_barrier(digest):
    # policy 1: three reports this week after 26 quiet weeks; its weekly chart (Poisson CUSUM) alarms
    assert [(s["rule"], s["subject"]) for s in digest["signals"]] == [
        ("owner_overdue", "Iga <!channel> Inna"), ("barrier_growing", "P-1 Refunds need a director")]


def test_the_figures_do_not_depend_on_the_database_session_time_zone(postgres_url, capsys):
    """Only PostgreSQL answers in the session's time zone."""
    database_url = postgres_url
    db = w.build(database_url)
    with db.unit_of_work() as session:  # Sunday 23:36 UTC: already Monday in Tokyo
        frictions.report(session=session, reporter_email=w.SALES[1], text="late", kind="other", now=w.at(6.65))
    db.dispose()
    figures = []
    for zone in ("UTC", "Asia/Tokyo", "America/Los_Angeles"):
        url = f"{database_url}?options=-c%20TimeZone%3D{zone}"
        capsys.readouterr()
        assert main(["--database-url", url, "digest", "--period", "2026-W10", "--dry-run", "--format", "json"]) == 0
        data = json.loads(capsys.readouterr().out)
        figures.append((data["ex"], data["frictions"], data["owners"]))
    assert figures[0] == figures[1] == figures[2]
