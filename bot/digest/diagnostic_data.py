"""The bot's own data on diagnostic questions 1 to 5, gathered from the digest's figures and the database.

Rules (minimum n, intervals, thresholds) live in surveys.diagnostic; this module only collects
the plain numbers: the customer NPS and eNPS changes with their n, tagged and workaround
reports, the manager-pulse item `accountable_for_conditions` and owners' overdue items, the
latest maturity wave's items `decisions_weigh_experience`, `changes_checked_for_impact` and
`loop_changes_policies`, and the resolved reports whose outcome changed a policy, a decision or
a procedure. Reports are read over the DATA_DAYS before the moment asked about.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.digest.frictions import CHANGE_OUTCOMES
from bot.digest.model import KpiFigure, OwnerRow, SurveyFigure
from bot.digest.survey_sections import latest_wave
from bot.services.friction_queries import workaround_share
from bot.services.survey_results import wave_results
from storage.models import Friction
from surveys.diagnostic import DataAnswer, DiagnosticData, ItemReading, data_answers

DATA_DAYS = 90
ACCOUNTABLE_ITEM = "manager-pulse/accountable_for_conditions"
IMPACT_ITEMS = ("decisions_weigh_experience", "changes_checked_for_impact")
LOOP_ITEM = "loop_changes_policies"


def diagnostic_data_answers(session: Session, end: datetime, *, cx: tuple[KpiFigure, ...], ex: tuple[SurveyFigure, ...],
                            owners: tuple[OwnerRow, ...], now: datetime) -> dict[str, DataAnswer]:
    return data_answers(diagnostic_data(session, end, cx=cx, ex=ex, owners=owners, now=now))


def diagnostic_data(session: Session, end: datetime, *, cx: tuple[KpiFigure, ...], ex: tuple[SurveyFigure, ...],
                    owners: tuple[OwnerRow, ...], now: datetime) -> DiagnosticData:
    """`now`: a survey wave still open then is not read (its figures appear only once it closes)."""
    since = end - timedelta(days=DATA_DAYS)
    share, tagged = workaround_share(session=session, since=since, until=end)
    nps = next((f for f in cx if f.kpi == "nps" and f.unit is None), None)
    enps = next((f for f in ex if f.key == "enps"), None)
    accountable = next((f for f in ex if f.key == ACCOUNTABLE_ITEM), None)
    maturity_items = _maturity_items(session, end, now)
    resolved, changed = _resolved_outcomes(session, since, end)
    return DiagnosticData(
        nps_direction=nps.change.direction if nps and nps.change else None,
        nps_n=min(nps.latest.n or 0, nps.previous.n or 0) if nps and nps.previous and nps.latest else None,
        enps_direction=enps.change.direction if enps and enps.change else None,
        enps_n=min(p.n or 0 for p in enps.trend[-2:]) if enps and enps.change else None,
        workarounds=round((share or 0) * tagged), tagged_reports=tagged,
        accountable_item=ItemReading(accountable.latest.n, accountable.ci)
        if accountable and accountable.latest.n else None,
        overdue=sum(row.overdue for row in owners), open_assignments=sum(row.open for row in owners),
        impact_items=tuple(maturity_items.get(item) for item in IMPACT_ITEMS),
        changed_something=changed, resolved=resolved, loop_item=maturity_items.get(LOOP_ITEM),
    )


def _maturity_items(session: Session, end: datetime, now: datetime) -> dict[str, ItemReading]:
    found = latest_wave(session, "maturity", end, now)
    if found is None:
        return {}
    results, _definition = wave_results(session=session, wave_id=found[0], now=now)
    return {q.question_id: ItemReading(q.n, _ci(q.result)) for q in results.questions
            if not q.suppressed and q.type == "likert"}


def _ci(result) -> tuple[float, float] | None:
    return None if result.ci_low is None else (result.ci_low, result.ci_high)


def _resolved_outcomes(session: Session, since: datetime, end: datetime) -> tuple[int, int]:
    """Reports resolved with an outcome in [since, end), and those whose outcome changed something."""
    window = (Friction.resolved_at >= since, Friction.resolved_at < end, Friction.outcome.is_not(None))
    resolved = session.scalar(select(func.count()).select_from(Friction).where(*window))
    changed = session.scalar(select(func.count()).select_from(Friction)
                             .where(*window, Friction.outcome.in_(CHANGE_OUTCOMES)))
    return int(resolved or 0), int(changed or 0)
