"""compute_digest(): the one view of EX, CX, business KPIs, frictions, owners, maturity and the
diagnostic for a period, with the signals read across them."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.digest.diagnostic_data import diagnostic_data_answers
from bot.digest.ex import ENPS_KEY, ex_figures
from bot.digest.frictions import friction_section, owner_rows
from bot.digest.kpi_figures import kpi_figures
from bot.digest.model import Digest, Period
from bot.digest.period import bounds
from bot.digest.signals import barrier_signals, complaints_signals, nps_enps_signals, owner_signals
from bot.digest.survey_sections import diagnostic_section, maturity_section, open_waves
from surveys import DEFAULT_K
from surveys.diagnostic import DataAnswer

TREND_WEEKS = 26


def compute_digest(session: Session, period: Period, *, now: datetime, k: int = DEFAULT_K,
                   trend_weeks: int = TREND_WEEKS) -> Digest:
    """A wave still open at the period's end, or now, shows no figure (two readings could be subtracted)."""
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
    answers = diagnostic_data_answers(session, end, cx=cx, ex=ex, owners=owners, now=now)
    return Digest(
        period=period, generated_at=now, k=k, ex=ex, cx=cx, business=business, frictions=frictions, owners=owners,
        maturity=maturity_section(session, end, now), diagnostic=diagnostic_section(session, end, answers, now),
        signals=tuple(signals), open_waves=open_waves(session, end, now),
    )


def data_answers_at(session: Session, end: datetime) -> dict[str, DataAnswer]:
    """The data's answers to diagnostic questions 1 to 5 at a moment (surveys.diagnostic has the rules)."""
    ex = ex_figures(session, since=end - timedelta(weeks=TREND_WEEKS * 2), until=end, now=end)
    cx = tuple(f for f in kpi_figures(session, trend_start=end.date(), end=end.date()) if f.group == "cx")
    owners = owner_rows(session, start=end, end=end, as_of=end)
    return diagnostic_data_answers(session, end, cx=cx, ex=ex, owners=owners, now=end)
