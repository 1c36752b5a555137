"""EX figures of the digest: eNPS and the other scored pulse items (1-5), one point per wave, aggregated in SQL.

Only how many gave each answer, per wave and question, leaves the database, so two years of
weekly pulses for 20,000 people cost one grouped query; the question type scores those counts
(surveys/question_types). A wave's point is shown only when at
least the wave's k people answered that question.

A series holds only waves of one survey and question sent to the same audience as its
latest wave (everyone, managers, or one unit), so a change always compares like with like.
The eNPS figure is the series of the latest ended wave that asked an eNPS (nps) question.
Intervals and change tests come from surveys.inference (docs/digest.md); the changes of the
figures that share a latest wave are decided together with Holm's correction.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.digest.model import Point, SurveyFigure
from bot.digest.model import Change
from bot.services.survey_waves import definition_of
from storage.models import SurveyAnswer, SurveyRecord, SurveyResponse, SurveyWave
from surveys.inference import beyond_noise, holm_rejections
from surveys.model import LocalizedText, SurveyDefinition
from surveys.question_types import NPS, QuestionType, question_type

ENPS_KEY = "enps"
ENPS_LABEL = LocalizedText(pl="eNPS", en="eNPS")


@dataclass(frozen=True)
class WaveAggregate:
    """How many gave each answer to one question in one wave (nothing that could name a person)."""

    wave_id: int
    ended: date
    k: int
    counts: tuple[tuple[int, int], ...]  # (answer, number of answers), answers ascending
    audience: tuple[str, int | None]  # (everyone | managers | unit, the unit's id)

    @property
    def n(self) -> int:
        return sum(count for _answer, count in self.counts)

    @property
    def shown(self) -> bool:
        return self.n >= self.k

    def figures(self, kind: QuestionType):
        """The question type's figures of this wave (an NpsResult, a LikertResult...)."""
        return kind.score_counts(dict(self.counts))


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
        select(SurveyResponse.wave_id, SurveyAnswer.question_id, value, func.count())
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .where(SurveyResponse.wave_id.in_(list(waves)), value.is_not(None))
        .group_by(SurveyResponse.wave_id, SurveyAnswer.question_id, value)
    )
    counts: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for wave_id, question_id, answer, count in session.execute(query):
        counts.setdefault((wave_id, question_id), []).append((int(answer), int(count)))
    series: dict[tuple[str, str], list[WaveAggregate]] = {}
    for (wave_id, question_id), answers in counts.items():
        key, ended_at, k, audience = waves[wave_id]
        aggregate = WaveAggregate(wave_id, _as_date(ended_at), k, tuple(sorted(answers)), audience)
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
    """The figures of the pulse waves ended in [since, until); waves still open by `now` are left out."""
    definitions = {record.key: definition_of(record)
                   for record in session.scalars(select(SurveyRecord).where(SurveyRecord.kind == "pulse"))}
    return figures_of_series(definitions, question_aggregates(session, since=since, until=until, now=now))


def figures_of_series(definitions: Mapping[str, SurveyDefinition],
                      aggregates: Mapping[tuple[str, str], list[WaveAggregate]]) -> tuple[SurveyFigure, ...]:
    """eNPS first (the latest eNPS series), then each scored item by survey and question, from
    {(survey key, question id): [WaveAggregate oldest first]}."""
    enps_series: list[list[WaveAggregate]] = []
    items: list[tuple[SurveyFigure, list[WaveAggregate]]] = []
    for (key, question_id), series_of_question in sorted(aggregates.items()):
        question = _question(definitions.get(key), question_id)
        if question is None:
            continue
        series = same_audience(series_of_question)
        if question.type == NPS.name:
            enps_series.append(series)
        elif question.kind.scored:
            items.append((series_figure(f"{key}/{question_id}", question.text, question.type, series), series))
    figures = []
    if enps_series:
        latest = max(enps_series, key=lambda series: (series[-1].ended, series[-1].wave_id))
        figures.append((series_figure(ENPS_KEY, ENPS_LABEL, NPS.name, latest), latest))
    return holm_per_wave(figures + items)


def same_audience(aggregates: list[WaveAggregate]) -> list[WaveAggregate]:
    """The waves sent to the same audience as the latest one (oldest first)."""
    return [a for a in aggregates if a.audience == aggregates[-1].audience]


def holm_per_wave(figures: list[tuple[SurveyFigure, list[WaveAggregate]]]) -> tuple[SurveyFigure, ...]:
    """Each figure's change re-decided by Holm across the figures whose latest point is the same wave."""
    tests = {id(f): test for f, series in figures if f.change is not None
             and (test := _latest_change(question_type(f.scale), series)).p_value is not None}
    decided: dict[int, bool] = {}
    for wave_id in {series[-1].wave_id for _f, series in figures}:
        family = [f for f, series in figures if series[-1].wave_id == wave_id and id(f) in tests]
        decided |= dict(zip(map(id, family), holm_rejections([tests[id(f)].p_value for f in family])))
    return tuple(
        replace(f, change=Change(f.change.delta, beyond_noise(f.change.delta, decided[id(f)],
                                                              tests[id(f)].figure_type)))
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


def series_figure(key: str, label: LocalizedText, type_name: str, aggregates: list[WaveAggregate]) -> SurveyFigure:
    """One figure's trend (a point per wave, hidden below k), its latest interval and its change."""
    kind = question_type(type_name)
    points = tuple(Point(a.ended, kind.headline(a.figures(kind)), a.n) if a.shown else Point(a.ended, None, None)
                   for a in aggregates)
    latest = aggregates[-1]
    ci = agree = change = None
    if latest.shown:
        figures = latest.figures(kind)
        ci, agree = kind.interval(figures), kind.agree_share(figures)
        if len(aggregates) > 1 and aggregates[-2].shown:
            test = _latest_change(kind, aggregates)
            change = Change(test.delta, test.significant)
    return SurveyFigure(key=key, label=label, scale=type_name, latest=points[-1], ci=ci, top2_box=agree,
                        change=change, trend=points)


def _latest_change(kind: QuestionType, aggregates: list[WaveAggregate]):
    """The latest wave against the one before, tested as the question type tests it (surveys.inference)."""
    previous, latest = aggregates[-2], aggregates[-1]
    return kind.change(previous.figures(kind), latest.figures(kind))
