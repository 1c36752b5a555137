"""compute_digest(): the one view of EX, CX, business KPIs, frictions, owners, maturity and the
diagnostic for a period, with the signals read across them."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.digest.ex import ENPS_KEY, ex_figures
from bot.digest.frictions import friction_section, owner_rows
from bot.digest.kpi_figures import kpi_figures
from bot.digest.model import Digest, KpiFigure, Period, SurveyFigure
from bot.digest.period import bounds
from bot.digest.signals import barrier_signals, complaints_signals, nps_enps_signals, owner_signals
from bot.digest.survey_sections import diagnostic_section, maturity_section, open_waves
from bot.services.friction_queries import workaround_share
from surveys import DEFAULT_K, data_answers

TREND_WEEKS = 26
DIAGNOSTIC_DATA_DAYS = 90


def compute_digest(session: Session, period: Period, *, now: datetime, k: int = DEFAULT_K,
                   trend_weeks: int = TREND_WEEKS) -> Digest:
    start, end = bounds(period)
    as_of = min(now, end)
    trend_start = end - timedelta(weeks=trend_weeks)
    ex = ex_figures(session, since=trend_start, until=end, now=now)
    kpis = kpi_figures(session, trend_start=trend_start.date(), end=period.end)
    cx = tuple(f for f in kpis if f.group == "cx")
    business = tuple(f for f in kpis if f.group == "business")
    frictions = friction_section(session, start=start, end=end, as_of=as_of, trend_start=trend_start)
    owners = owner_rows(session, start=start, end=end, as_of=as_of)
    enps = next((f for f in ex if f.key == ENPS_KEY), None)
    signals = (nps_enps_signals(cx, enps) + complaints_signals(session, business, end=end, k=k)
               + owner_signals(owners) + barrier_signals(frictions.top_barriers))
    return Digest(
        period=period, generated_at=now, k=k, ex=ex, cx=cx, business=business, frictions=frictions, owners=owners,
        maturity=maturity_section(session, end, now),
        diagnostic=diagnostic_section(session, end, diagnostic_data_answers(cx, enps, _workaround_share(session, end)[0]),
                                      now),
        signals=tuple(signals), open_waves=open_waves(session, end, now),
    )


def data_answers_at(session: Session, end: datetime) -> tuple[dict[str, bool | None], float | None, int]:
    """The data's answers to diagnostic questions 1 and 2 at a moment, with the workaround share behind 2."""
    ex = ex_figures(session, since=end - timedelta(weeks=TREND_WEEKS * 2), until=end, now=end)
    enps = next((f for f in ex if f.key == ENPS_KEY), None)
    cx = tuple(f for f in kpi_figures(session, trend_start=end.date(), end=end.date()) if f.group == "cx")
    share, tagged = _workaround_share(session, end)
    return diagnostic_data_answers(cx, enps, share), share, tagged


def _workaround_share(session: Session, end: datetime) -> tuple[float | None, int]:
    return workaround_share(session=session, since=end - timedelta(days=DIAGNOSTIC_DATA_DAYS), until=end)


def diagnostic_data_answers(cx: tuple[KpiFigure, ...], enps: SurveyFigure | None,
                            share: float | None) -> dict[str, bool | None]:
    """Questions 1 and 2 answered from data: NPS against eNPS, and the share of workaround reports."""
    nps = next((f for f in cx if f.kpi == "nps" and f.unit is None), None)
    nps_direction = nps.change.direction if nps and nps.change else None
    enps_direction = enps.change.direction if enps and enps.change else None
    return data_answers(nps_direction, enps_direction, share)
