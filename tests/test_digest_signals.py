"""Signals across the silos appear only when the change exceeds noise, and name no area below k."""
from __future__ import annotations

from datetime import timedelta

from app.kpi_import import import_kpis
from bot.digest.compute import compute_digest
from bot.digest.control_chart import HISTORY_WEEKS
from bot.digest.period import parse_period
from bot.services import frictions
from storage.db import Database
from tests import digest_world as w

PERIOD = parse_period("2026-W10", w.MONDAY)
NOW = w.at(7)


def _complaints_csv(prior: int, recent: int, *, weeks: int = HISTORY_WEEKS, every_days: int = 7) -> str:
    """Weekly complaints for the chart's history (39 weeks to the period's end), the last four at `recent`."""
    rows = ["date,kpi,value,unit"]
    for week in range(weeks):
        day = (w.MONDAY - timedelta(days=every_days * (weeks - 1 - week))).date().isoformat()
        rows.append(f"{day},complaints,{prior if week < weeks - 4 else recent},Sprzedaż")
    return "\n".join(rows) + "\n"


def _workarounds(s, count: int, *, weeks_ago: int = 0) -> None:
    for i in range(count):
        frictions.report(session=s, reporter_email=w.SALES[i % len(w.SALES)], text="obejście", kind="workaround",
                         now=w.at(6 - 7 * weeks_ago - i * 0.1))


def _digest(url, build):
    db = Database(url)
    with db.unit_of_work() as s:
        w.build_org(s)
        build(s)
    with db.unit_of_work() as s:
        digest = compute_digest(s, PERIOD, now=NOW)
    db.dispose()
    return {signal.rule: signal for signal in digest.signals}


def test_nps_up_while_enps_down(database_url):
    def build(s):
        w.answer_wave(s, "enps", w.at(-40), {"enps": [10] * 10})
        w.answer_wave(s, "enps", w.at(-5), {"enps": w.ENPS})  # +100 -> +20: z = 2.9
        import_kpis(s, "date,kpi,value,n\n2026-01-01,nps,20,1000\n2026-03-01,nps,40,1000\n", w.at(0))

    signal = _digest(database_url, build)["nps_up_enps_down"]
    assert signal.figures == {"nps_delta": 20.0, "enps_delta": -80.0}


def test_enps_of_another_survey_and_audience_is_not_a_change(database_url):
    """An `enps` wave to everyone, then an employee pulse to one unit of six: two series, no comparison."""
    def build(s):
        w.answer_wave(s, "enps", w.at(-40), {"enps": [10] * 10})
        w.answer_wave(s, "employee-pulse", w.at(-5), {"enps": [0] * 6}, unit="Sprzedaż")
        import_kpis(s, "date,kpi,value,n\n2026-01-01,nps,20,1000\n2026-03-01,nps,40,1000\n", w.at(0))

    # the same waves within one survey and audience raise the signal (test_nps_up_while_enps_down)
    assert "nps_up_enps_down" not in _digest(database_url, build)


def test_no_signal_when_the_nps_rise_is_noise(database_url):
    def build(s):
        w.answer_wave(s, "enps", w.at(-40), {"enps": [10] * 10})
        w.answer_wave(s, "enps", w.at(-5), {"enps": w.ENPS})
        import_kpis(s, "date,kpi,value,n\n2026-01-01,nps,20,50\n2026-03-01,nps,30,50\n", w.at(0))

    assert "nps_up_enps_down" not in _digest(database_url, build)


def test_complaints_rising_where_workarounds_rise(database_url):
    def build(s):
        import_kpis(s, _complaints_csv(prior=2, recent=8), w.at(0))
        _workarounds(s, 6)

    signals = _digest(database_url, build)
    signal = signals["complaints_with_workarounds"]
    assert signal.subject == "Sprzedaż"
    assert signal.figures == {"complaints_recent": 32, "complaints_prior": 8, "workarounds_recent": 6,
                              "workarounds_prior": 0}


def test_complaints_imported_monthly_are_not_charted(database_url):
    def build(s):
        import_kpis(s, _complaints_csv(prior=8, recent=40, weeks=10, every_days=28), w.at(0))
        _workarounds(s, 6)

    assert "complaints_with_workarounds" not in _digest(database_url, build)


def test_an_area_with_fewer_than_k_workaround_reports_is_not_named(database_url):
    def build(s):
        import_kpis(s, _complaints_csv(prior=2, recent=8), w.at(0))
        _workarounds(s, 4)

    assert "complaints_with_workarounds" not in _digest(database_url, build)


def test_a_growing_recurring_barrier(database_url):
    def build(s):
        for i in range(7):
            friction_id = frictions.report(session=s, reporter_email=w.SALES[0], text="x", now=w.at(1 + i * 0.5))
            frictions.triage_and_assign(session=s, friction_id=friction_id, admin_email=w.ADMIN, policy_id=1,
                                        now=w.at(5), due_days=14)

    signal = _digest(database_url, build)["barrier_growing"]
    assert signal.subject == "P-1 Refunds need a director"
    assert signal.figures == {"recent": 7, "prior": 0}
