"""Signals read across the silos, raised only when a change exceeds noise (rules: docs/digest.md).

- ``nps_up_enps_down``: customer NPS rose and eNPS fell, both beyond noise.
- ``complaints_with_workarounds``: in one area (an org unit and its sub-units, or the whole
  organisation) the weekly complaints' control chart alarms in the digest's week and the
  chart of workaround reports from its people alarmed in one of the last four weeks; the
  area needs at least k workaround reports in the recent four weeks to be named at all.
  Complaints are charted only when they are imported weekly (one reading every 7 days over
  the chart's history): readings over other spans are left out of the signal.
- ``owner_overdue``: an owner has assignments past their due date.
- ``barrier_growing``: the weekly control chart of reports tracing to one policy alarms in
  the digest's week, with at least three reports in the recent four weeks.

The charts are Poisson CUSUMs with a stated in-control run length (bot/digest/control_chart.py).
The four-week sums shown with a signal are context; they do not decide it.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.digest.control_chart import HISTORY_WEEKS, weekly_signal
from bot.digest.frictions import WINDOW, weekly_workarounds_by_unit, workaround_reports_by_unit
from bot.digest.model import BarrierRow, KpiFigure, OwnerRow, Signal, SurveyFigure
from bot.services.directory import unit_and_descendants
from bot.services.kpis import kpi_series
from storage.models import OrgUnit

MIN_BARRIER_REPORTS = 3
LATELY_WEEKS = 4  # workaround reports' chart: an alarm in one of the last four weeks counts


def nps_enps_signals(cx: tuple[KpiFigure, ...], enps: SurveyFigure | None) -> list[Signal]:
    nps = next((f for f in cx if f.kpi == "nps" and f.unit is None), None)
    if nps is None or nps.change is None or enps is None or enps.change is None:
        return []
    if nps.change.direction > 0 and enps.change.direction < 0:
        return [Signal("nps_up_enps_down", "", {"nps_delta": round(nps.change.delta, 1),
                                                 "enps_delta": round(enps.change.delta, 1)})]
    return []


def _sum_between(figure: KpiFigure, start: date, end: date) -> float:
    return sum(p.value for p in figure.trend if p.value is not None and start <= p.on < end)


def complaints_signals(session: Session, business: tuple[KpiFigure, ...], *, end: datetime, k: int) -> list[Signal]:
    signals = []
    recent_start, prior_start = end - WINDOW, end - 2 * WINDOW
    for figure in business:
        if figure.kpi != "complaints":
            continue
        complaints = _weekly_readings(session, figure, end)
        if complaints is None or not weekly_signal(complaints):
            continue
        recent = _sum_between(figure, recent_start.date(), end.date())
        prior = _sum_between(figure, prior_start.date(), recent_start.date())
        if figure.unit is None:
            unit_ids = list(session.scalars(select(OrgUnit.id)))
        else:
            unit_ids = unit_and_descendants(session=session, unit_name=figure.unit)
        reports_recent = workaround_reports_by_unit(session, unit_ids=unit_ids, start=recent_start, end=end)
        reports_prior = workaround_reports_by_unit(session, unit_ids=unit_ids, start=prior_start, end=recent_start)
        workarounds = weekly_workarounds_by_unit(session, unit_ids=unit_ids, end=end,
                                                 weeks=HISTORY_WEEKS + LATELY_WEEKS - 1)
        if reports_recent >= k and _alarmed_lately(workarounds):
            signals.append(Signal("complaints_with_workarounds", figure.unit or "", {
                "complaints_recent": recent, "complaints_prior": prior,
                "workarounds_recent": reports_recent, "workarounds_prior": reports_prior}))
    return signals


def owner_signals(owners: tuple[OwnerRow, ...]) -> list[Signal]:
    return [Signal("owner_overdue", row.owner, {"overdue": row.overdue, "open": row.open})
            for row in owners if row.overdue]


def barrier_signals(barriers: tuple[BarrierRow, ...]) -> list[Signal]:
    return [Signal("barrier_growing", f"P-{b.policy_id} {b.policy_title}",
                   {"recent": b.last_4_weeks, "prior": b.prior_4_weeks})
            for b in barriers
            if b.last_4_weeks >= MIN_BARRIER_REPORTS and weekly_signal(b.weekly)]


def _weekly_readings(session: Session, figure: KpiFigure, end: datetime) -> list[int] | None:
    """The KPI's readings of the chart's history as weekly counts, or None unless read every 7 days."""
    start = (end - timedelta(weeks=HISTORY_WEEKS)).date()
    series = next((s for s in kpi_series(session=session, start=start, end=end.date() - timedelta(days=1))
                   if s.kpi == figure.kpi and s.unit == figure.unit), None)
    readings = list(series.points) if series else []
    if series and (set(series.kinds) - {None, "count"} or set(series.spans) - {None, "week"}):
        return None  # declared as something else than a weekly count
    if len(readings) != HISTORY_WEEKS or any((b[0] - a[0]).days != 7 for a, b in zip(readings, readings[1:])):
        return None
    if any(value < 0 or not float(value).is_integer() for _on, value, _n in readings):
        return None
    return [int(value) for _on, value, _n in readings]


def _alarmed_lately(weekly: tuple[int, ...]) -> bool:
    """The chart alarmed in one of the last LATELY_WEEKS weeks (each week read as that week's digest would)."""
    return any(weekly_signal(weekly[:len(weekly) - back]) for back in range(LATELY_WEEKS))

