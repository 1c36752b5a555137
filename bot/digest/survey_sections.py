"""Maturity and diagnostic sections of the digest: the latest wave ended by the period's end (and by now)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.digest.ex import as_utc, wave_ended
from bot.errors import UserError
from bot.digest.model import DiagnosticItem, DiagnosticSection, DimensionFigure, MaturitySection, OpenWave
from bot.services.survey_results import wave_results
from bot.services.survey_waves import definition_of, previous_wave_id
from storage.models import SurveyRecord, SurveyWave
from surveys.diagnostic import DataAnswer
from surveys.dimensions import DIMENSIONS


def latest_wave(session: Session, kind: str, until: datetime, now: datetime) -> tuple[int, datetime] | None:
    query = (select(SurveyWave.id, wave_ended())
             .join(SurveyRecord, SurveyRecord.id == SurveyWave.survey_id)
             .where(SurveyRecord.kind == kind, wave_ended() < until, wave_ended() <= now)
             .order_by(wave_ended().desc(), SurveyWave.id.desc()).limit(1))
    row = session.execute(query).first()
    if row is None:
        return None
    return row[0], as_utc(row[1])


def open_waves(session: Session, until: datetime, now: datetime) -> tuple[OpenWave, ...]:
    """Waves opened before the period's end that had not ended by it (or have not ended yet): the
    digest leaves them out, so that readings during a wave cannot be subtracted from each other."""
    query = (select(SurveyWave.id, SurveyRecord, SurveyWave.closes_at)
             .join(SurveyRecord, SurveyRecord.id == SurveyWave.survey_id)
             .where(SurveyWave.opens_at < until, SurveyWave.opens_at <= now,
                    ~((wave_ended() < until) & (wave_ended() <= now)))
             .order_by(SurveyWave.closes_at, SurveyWave.id))
    return tuple(OpenWave(wave_id, definition_of(record).title, as_utc(closes_at).date())
                 for wave_id, record, closes_at in session.execute(query))


def maturity_section(session: Session, until: datetime, now: datetime) -> MaturitySection | None:
    found = latest_wave(session, "maturity", until, now)
    if found is None:
        return None
    wave_id, ended = found
    results, _definition = wave_results(session=session, wave_id=wave_id, now=now)
    previous = None
    previous_id = previous_wave_id(session=session, wave_id=wave_id)
    if previous_id is not None:
        try:
            previous = wave_results(session=session, wave_id=previous_id, now=now)[0].maturity
        except UserError:  # the previous wave is still open: no comparison
            previous = None
    current = results.maturity
    previous_scores = {d.dimension: d.score for d in previous.dimensions} if previous else {}
    dimensions = tuple(
        DimensionFigure(d.dimension, DIMENSIONS[d.dimension].name, d.score, previous_scores.get(d.dimension),
                        d.ci, d.near_boundary)
        for d in (current.dimensions if current else ())
    )
    return MaturitySection(
        wave_id=wave_id, on=ended.date(), respondents=results.respondents,
        overall=current.overall if current else None, level=current.overall_level if current else None,
        previous_wave_id=previous_id, previous_overall=previous.overall if previous else None, dimensions=dimensions,
        ci=current.overall_ci if current else None, near_boundary=current.overall_near_boundary if current else False,
    )


def diagnostic_section(session: Session, until: datetime, data_answers: dict[str, DataAnswer],
                       now: datetime) -> DiagnosticSection | None:
    found = latest_wave(session, "diagnostic", until, now)
    if found is None:
        return None
    wave_id, ended = found
    results, definition = wave_results(session=session, wave_id=wave_id, now=now)
    verdict_key = results.diagnostic.verdict.verdict_key if results.diagnostic else "diagnostic.verdict.incomplete"
    answers = {a.question_id: a for a in (results.diagnostic.answers if results.diagnostic else ())}
    items = []
    for question in definition.questions:
        answer = answers.get(question.id)
        shown = answer is not None and not answer.suppressed
        items.append(DiagnosticItem(question.id, question.text, answer.yes if shown else None,
                                    answer.n if shown else None, answer.answer if shown else None,
                                    data_answers.get(question.id)))
    return DiagnosticSection(wave_id, ended.date(), results.respondents, verdict_key, tuple(items))
