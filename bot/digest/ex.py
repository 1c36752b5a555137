"""EX figures of the digest: eNPS and the 1-5 pulse items, one point per wave, aggregated in SQL.

Only the counts and sums per wave and question leave the database, so two years of weekly
pulses for 20,000 people cost one grouped query. A wave's point is shown only when at
least the wave's k people answered that question.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.digest.model import Point, SurveyFigure
from bot.digest.noise import mean_standard_error, nps_standard_error, z_change
from bot.services.survey_waves import definition_of
from storage.models import SurveyAnswer, SurveyRecord, SurveyResponse, SurveyWave
from surveys.model import LocalizedText
from surveys.stats import clipped_interval

ENPS_KEY = "enps"
ENPS_LABEL = LocalizedText(pl="eNPS", en="eNPS")


@dataclass(frozen=True)
class WaveAggregate:
    """Counts and sums of one question in one wave (nothing that could name a person)."""

    wave_id: int
    ended: date
    k: int
    n: int
    total: float
    squares: float
    promoters: int
    detractors: int
    top2: int

    @property
    def shown(self) -> bool:
        return self.n >= self.k


def wave_ended():
    return func.coalesce(SurveyWave.closed_at, SurveyWave.closes_at)


def question_aggregates(session: Session, *, since: datetime, until: datetime, kind: str = "pulse",
                        now: datetime | None = None):
    """{(survey key, question id): [WaveAggregate oldest first]} of waves ended in [since, until) and by
    `now`: a wave still open shows nothing (two readings during it could be subtracted)."""
    ended_waves = (select(SurveyWave.id, SurveyRecord.key, wave_ended(), SurveyWave.k)
                   .join(SurveyRecord, SurveyRecord.id == SurveyWave.survey_id)
                   .where(SurveyRecord.kind == kind, wave_ended() >= since, wave_ended() < until))
    if now is not None:
        ended_waves = ended_waves.where(wave_ended() <= now)
    waves = {wave_id: (key, ended_at, k) for wave_id, key, ended_at, k in session.execute(ended_waves)}
    if not waves:
        return {}
    # The wave ids first, so that the planner can use the responses' wave index on the big tables.
    value = SurveyAnswer.value_int
    query = (
        select(SurveyResponse.wave_id, SurveyAnswer.question_id,
               func.count(value), func.sum(value), func.sum(value * value),
               func.sum(case((value >= 9, 1), else_=0)), func.sum(case((value <= 6, 1), else_=0)),
               func.sum(case((value >= 4, 1), else_=0)))
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .where(SurveyResponse.wave_id.in_(list(waves)), value.is_not(None))
        .group_by(SurveyResponse.wave_id, SurveyAnswer.question_id)
    )
    series: dict[tuple[str, str], list[WaveAggregate]] = {}
    for wave_id, question_id, n, total, squares, promoters, detractors, top2 in session.execute(query):
        key, ended_at, k = waves[wave_id]
        aggregate = WaveAggregate(wave_id, _as_date(ended_at), k, int(n), float(total or 0), float(squares or 0),
                                  int(promoters or 0), int(detractors or 0), int(top2 or 0))
        series.setdefault((key, question_id), []).append(aggregate)
    for aggregates in series.values():
        aggregates.sort(key=lambda a: (a.ended, a.wave_id))
    return series


def as_utc(value) -> datetime:
    """A wave's end as an aware UTC datetime, whatever the driver returned for coalesce()."""
    if isinstance(value, str):  # SQLite returns coalesce() of datetimes as text
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _as_date(value) -> date:
    return as_utc(value).date()


def ex_figures(session: Session, *, since: datetime, until: datetime,
               now: datetime | None = None) -> tuple[SurveyFigure, ...]:
    """eNPS first (every nps question of every pulse survey), then each 1-5 item by survey and question."""
    definitions = {record.key: definition_of(record)
                   for record in session.scalars(select(SurveyRecord).where(SurveyRecord.kind == "pulse"))}
    enps: list[WaveAggregate] = []
    items: list[SurveyFigure] = []
    for (key, question_id), aggregates in sorted(question_aggregates(session, since=since, until=until, now=now).items()):
        question = _question(definitions.get(key), question_id)
        if question is None:
            continue
        if question.type == "nps":
            enps.extend(aggregates)
        elif question.type == "likert":
            items.append(_figure(f"{key}/{question_id}", question.text, "likert", aggregates))
    figures = []
    if enps:
        figures.append(_figure(ENPS_KEY, ENPS_LABEL, "nps", sorted(enps, key=lambda a: (a.ended, a.wave_id))))
    return tuple(figures + items)


def _question(definition, question_id: str):
    if definition is None:
        return None
    try:
        return definition.question(question_id)
    except KeyError:
        return None


def _figure(key: str, label: LocalizedText, scale: str, aggregates: list[WaveAggregate]) -> SurveyFigure:
    points = tuple(Point(a.ended, _value(scale, a), a.n) if a.shown else Point(a.ended, None, None) for a in aggregates)
    latest = aggregates[-1]
    ci = top2 = change = None
    if latest.shown:
        se = _standard_error(scale, latest)
        value = _value(scale, latest)
        if se is not None:
            ci = clipped_interval(value, se, *((-100.0, 100.0) if scale == "nps" else (1.0, 5.0)))
        if scale == "likert":
            top2 = latest.top2 / latest.n * 100
        if len(aggregates) > 1 and aggregates[-2].shown:
            previous = aggregates[-2]
            change = z_change(value - _value(scale, previous), _standard_error(scale, previous), se)
    return SurveyFigure(key=key, label=label, scale=scale, latest=points[-1], ci=ci, top2_box=top2, change=change,
                        trend=points)


def _value(scale: str, a: WaveAggregate) -> float:
    if scale == "nps":
        return (a.promoters - a.detractors) / a.n * 100
    return a.total / a.n


def _standard_error(scale: str, a: WaveAggregate) -> float | None:
    if scale == "nps":
        return nps_standard_error(a.promoters, a.detractors, a.n)
    return mean_standard_error(a.n, a.total, a.squares)

