"""EX figures of the digest: eNPS and the 1-5 pulse items, one point per wave, aggregated in SQL.

Only the counts and sums per wave and question leave the database, so two years of weekly
pulses for 20,000 people cost one grouped query. A wave's point is shown only when at
least the wave's k people answered that question.

A series holds only waves of one survey and question sent to the same audience as its
latest wave (everyone, managers, or one unit), so a change always compares like with like.
The eNPS figure is the series of the latest ended wave that asked an eNPS (nps) question.
Intervals and change tests come from surveys.inference (docs/digest.md); the changes of the
figures that share a latest wave are decided together with Holm's correction.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.digest.model import Point, SurveyFigure
from bot.digest.model import Change
from bot.services.survey_waves import definition_of
from storage.models import SurveyAnswer, SurveyRecord, SurveyResponse, SurveyWave
from surveys.inference import (
    ALPHA,
    TestResult,
    beyond_noise,
    holm_rejections,
    mean_change_test,
    mean_interval,
    nps_change_test,
    nps_interval,
)
from surveys.model import LocalizedText

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
    likert_counts: tuple[int, int, int, int, int]  # answers 1..5 (1-5 items only)
    audience: tuple[str, int | None]  # (everyone | managers | unit, the unit's id)

    @property
    def shown(self) -> bool:
        return self.n >= self.k


def wave_ended():
    return func.coalesce(SurveyWave.closed_at, SurveyWave.closes_at)


def question_aggregates(session: Session, *, since: datetime, until: datetime, kind: str = "pulse",
                        now: datetime | None = None):
    """{(survey key, question id): [WaveAggregate oldest first]} of waves ended in [since, until) and by
    `now`: a wave still open shows nothing (two readings during it could be subtracted)."""
    ended_waves = (select(SurveyWave.id, SurveyRecord.key, wave_ended(), SurveyWave.k, SurveyWave.audience,
                          SurveyWave.audience_unit_id)
                   .join(SurveyRecord, SurveyRecord.id == SurveyWave.survey_id)
                   .where(SurveyRecord.kind == kind, wave_ended() >= since, wave_ended() < until))
    if now is not None:
        ended_waves = ended_waves.where(wave_ended() <= now)
    waves = {wave_id: (key, ended_at, k, (audience, unit_id))
             for wave_id, key, ended_at, k, audience, unit_id in session.execute(ended_waves)}
    if not waves:
        return {}
    # The wave ids first, so that the planner can use the responses' wave index on the big tables.
    value = SurveyAnswer.value_int
    query = (
        select(SurveyResponse.wave_id, SurveyAnswer.question_id,
               func.count(value), func.sum(value), func.sum(value * value),
               func.sum(case((value >= 9, 1), else_=0)), func.sum(case((value <= 6, 1), else_=0)),
               func.sum(case((value >= 4, 1), else_=0)),
               *(func.sum(case((value == score, 1), else_=0)) for score in range(1, 6)))
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .where(SurveyResponse.wave_id.in_(list(waves)), value.is_not(None))
        .group_by(SurveyResponse.wave_id, SurveyAnswer.question_id)
    )
    series: dict[tuple[str, str], list[WaveAggregate]] = {}
    for wave_id, question_id, n, total, squares, promoters, detractors, top2, *counts in session.execute(query):
        key, ended_at, k, audience = waves[wave_id]
        aggregate = WaveAggregate(wave_id, _as_date(ended_at), k, int(n), float(total or 0), float(squares or 0),
                                  int(promoters or 0), int(detractors or 0), int(top2 or 0),
                                  tuple(int(c or 0) for c in counts), audience)
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
    """eNPS first (the latest eNPS series), then each 1-5 item by survey and question; waves still open by
    `now` are left out."""
    definitions = {record.key: definition_of(record)
                   for record in session.scalars(select(SurveyRecord).where(SurveyRecord.kind == "pulse"))}
    enps_series: list[list[WaveAggregate]] = []
    items: list[tuple[SurveyFigure, list[WaveAggregate]]] = []
    for (key, question_id), aggregates in sorted(question_aggregates(session, since=since, until=until,
                                                                     now=now).items()):
        question = _question(definitions.get(key), question_id)
        if question is None:
            continue
        series = same_audience(aggregates)
        if question.type == "nps":
            enps_series.append(series)
        elif question.type == "likert":
            items.append((series_figure(f"{key}/{question_id}", question.text, "likert", series), series))
    figures = []
    if enps_series:
        latest = max(enps_series, key=lambda series: (series[-1].ended, series[-1].wave_id))
        figures.append((series_figure(ENPS_KEY, ENPS_LABEL, "nps", latest), latest))
    return holm_per_wave(figures + items)


def same_audience(aggregates: list[WaveAggregate]) -> list[WaveAggregate]:
    """The waves sent to the same audience as the latest one (oldest first)."""
    return [a for a in aggregates if a.audience == aggregates[-1].audience]


def holm_per_wave(figures: list[tuple[SurveyFigure, list[WaveAggregate]]]) -> tuple[SurveyFigure, ...]:
    """Each figure's change re-decided by Holm across the figures whose latest point is the same wave."""
    tests = {id(f): test for f, series in figures if f.change is not None
             and (test := _change_test(f.scale, series)) is not None}
    decided: dict[int, bool] = {}
    for wave_id in {series[-1].wave_id for _f, series in figures}:
        family = [f for f, series in figures if series[-1].wave_id == wave_id and id(f) in tests]
        decided |= dict(zip(map(id, family), holm_rejections([tests[id(f)].p_value for f in family])))
    return tuple(
        replace(f, change=Change(f.change.delta, beyond_noise(f.change.delta, decided[id(f)], _figure_type(f.scale))))
        if id(f) in decided else f
        for f, _series in figures
    )


def _question(definition, question_id: str):
    if definition is None:
        return None
    try:
        return definition.question(question_id)
    except KeyError:
        return None


def series_figure(key: str, label: LocalizedText, scale: str, aggregates: list[WaveAggregate]) -> SurveyFigure:
    points = tuple(Point(a.ended, _value(scale, a), a.n) if a.shown else Point(a.ended, None, None) for a in aggregates)
    latest = aggregates[-1]
    ci = top2 = change = None
    if latest.shown:
        ci = _interval(scale, latest)
        if scale == "likert":
            top2 = latest.top2 / latest.n * 100
        if len(aggregates) > 1 and aggregates[-2].shown:
            delta = _value(scale, latest) - _value(scale, aggregates[-2])
            test = _change_test(scale, aggregates)
            significant = test is not None and test.p_value < ALPHA
            change = Change(delta, beyond_noise(delta, significant, _figure_type(scale)))
    return SurveyFigure(key=key, label=label, scale=scale, latest=points[-1], ci=ci, top2_box=top2, change=change,
                        trend=points)


def _figure_type(scale: str) -> str:
    return "nps" if scale == "nps" else "mean"


def _change_test(scale: str, aggregates: list[WaveAggregate]) -> TestResult | None:
    previous, latest = aggregates[-2], aggregates[-1]
    if scale == "nps":
        return nps_change_test(*(_nps_groups(a) for a in (previous, latest)))
    if previous.n < 2 or latest.n < 2:
        return None
    return mean_change_test(*({score: count for score, count in zip(range(1, 6), a.likert_counts)}
                              for a in (previous, latest)))


def _nps_groups(a: WaveAggregate) -> tuple[int, int, int]:
    return a.promoters, a.n - a.promoters - a.detractors, a.detractors


def _interval(scale: str, a: WaveAggregate) -> tuple[float, float] | None:
    if scale == "nps":
        return nps_interval(a.promoters, a.detractors, a.n)
    if a.n < 2:
        return None
    variance = max(0.0, (a.squares - a.total * a.total / a.n) / (a.n - 1))
    return mean_interval(a.total / a.n, math.sqrt(variance), a.n, 1.0, 5.0)


def _value(scale: str, a: WaveAggregate) -> float:
    if scale == "nps":
        return (a.promoters - a.detractors) / a.n * 100
    return a.total / a.n
