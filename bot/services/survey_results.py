"""A wave's results, compared with the survey's previous wave; anonymity enforced in surveys.results."""
from __future__ import annotations

from sqlalchemy.orm import Session

from bot.errors import NP_, UserError
from bot.services import survey_responses as responses
from bot.services import survey_waves as waves
from bot.services.directory import unit_tree
from surveys import GroupTooSmall, SurveyDefinition
from surveys.results import WaveResults, compute_wave_results


def wave_results(*, session: Session, wave_id: int, unit: str | None = None) -> tuple[WaveResults, SurveyDefinition]:
    """Results of a wave (and changes against the survey's previous wave); refuses a filter below k."""
    wave = waves.get_wave(session=session, wave_id=wave_id)
    units = unit_tree(session=session)
    previous = None
    previous_id = waves.previous_wave_id(session=session, wave_id=wave_id)
    if previous_id is not None:
        previous = _compute(session, previous_id, wave, unit=None, units=units)
    try:
        return _compute(session, wave_id, wave, unit=unit, units=units, previous=previous), wave.definition
    except GroupTooSmall as problem:
        raise UserError(NP_("Fewer than {n} person answered in {unit}; that filter is refused so that nobody "
                            "can be singled out.", "Fewer than {n} people answered in {unit}; that filter is refused "
                            "so that nobody can be singled out."), n=wave.k, unit=unit) from problem


def _compute(session: Session, wave_id: int, wave, *, unit, units, previous=None) -> WaveResults:
    frame = responses.answers_frame(session=session, wave_id=wave_id)
    return compute_wave_results(frame, wave.definition, k=wave.k, unit=unit, units=units, previous=previous)
