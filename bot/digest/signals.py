"""Signals read across the silos, raised only when a change exceeds noise (rules: docs/digest.md).

- ``nps_up_enps_down``: customer NPS rose and eNPS fell, both beyond noise.
- ``complaints_with_workarounds``: in one area (an org unit and its sub-units, or the whole
  organisation) complaints rose beyond noise and so did workaround reports from its people,
  comparing the four weeks to the period's end with the four before; the area needs at least
  k workaround reports in the recent four weeks to be named at all.
- ``owner_overdue``: an owner has assignments past their due date.
- ``barrier_growing``: reports tracing to one policy rose beyond noise (same windows), with at
  least three in the recent four weeks.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.digest.frictions import WINDOW, workaround_reports_by_unit
from bot.digest.model import BarrierRow, KpiFigure, OwnerRow, Signal, SurveyFigure
from bot.digest.noise import count_rises
from bot.services.directory import unit_and_descendants
from storage.models import OrgUnit

MIN_BARRIER_REPORTS = 3


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
        recent = _sum_between(figure, recent_start.date(), end.date())
        prior = _sum_between(figure, prior_start.date(), recent_start.date())
        if not count_rises(round(prior), round(recent)):
            continue
        if figure.unit is None:
            unit_ids = list(session.scalars(select(OrgUnit.id)))
        else:
            unit_ids = unit_and_descendants(session=session, unit_name=figure.unit)
        reports_recent = workaround_reports_by_unit(session, unit_ids=unit_ids, start=recent_start, end=end)
        reports_prior = workaround_reports_by_unit(session, unit_ids=unit_ids, start=prior_start, end=recent_start)
        if reports_recent >= k and count_rises(reports_prior, reports_recent):
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
            if b.last_4_weeks >= MIN_BARRIER_REPORTS and count_rises(b.prior_4_weeks, b.last_4_weeks)]

