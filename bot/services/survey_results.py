"""A wave's results, compared with the survey's previous wave: the one query every read path uses.

The command line (table and JSON), the chat, the closing post and the digest's sections all read a
wave through `wave_results`; the anonymity rules themselves live in surveys.results and
surveys.scopes. Here: a wave that is still open shows no figure (only a band of how many answered),
and the previous wave is read with the same scope, through the same rules.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.errors import N_, NP_, UserError
from bot.services import survey_responses as responses
from bot.services import survey_waves as waves
from storage.models import WaveRecipient
from surveys import GroupTooSmall, SurveyDefinition
from surveys.anonymity import AnonymityError, ScopeDifferenceTooSmall
from surveys.results import WaveResults, compute_wave_results
from surveys.scopes import participation_band

OPEN_FEWER = N_("Wave {id} is open until {date}; its figures appear only after it closes, so that comparing "
                "two readings cannot reveal anybody's answer. Answered so far: fewer than {k}.")
OPEN_BAND = N_("Wave {id} is open until {date}; its figures appear only after it closes, so that comparing "
               "two readings cannot reveal anybody's answer. Answered so far: {low}-{high}.")
OPEN_MANY = N_("Wave {id} is open until {date}; its figures appear only after it closes, so that comparing "
               "two readings cannot reveal anybody's answer. Answered so far: {low} or more.")
TOO_FEW = NP_("Fewer than {n} person answered in {unit} (with its sub-units); that filter is refused so that "
              "nobody can be singled out. Read the results of the whole wave or of a larger unit.",
              "Fewer than {n} people answered in {unit} (with its sub-units); that filter is refused so that "
              "nobody can be singled out. Read the results of the whole wave or of a larger unit.")
DIFFERENCE = N_("The filter {unit} is refused so that nobody can be singled out: its results would differ from "
                "those shown around it (the whole wave, a larger unit or its own sub-units) by a group smaller than "
                "k = {k}. Read the results of the whole wave or of a larger unit.")


def wave_results(*, session: Session, wave_id: int, now: datetime,
                 unit: str | None = None) -> tuple[WaveResults, SurveyDefinition]:
    """Results of a closed wave (and changes against the survey's previous wave, same scope).

    Refuses, with a UserError saying why and what to do, a wave still open and a filter that
    could single anybody out."""
    wave = waves.get_wave(session=session, wave_id=wave_id)
    if not has_ended(wave, now):
        raise _still_open(session, wave)
    previous = None
    previous_id = waves.previous_wave_id(session=session, wave_id=wave_id)
    if previous_id is not None and has_ended(waves.get_wave(session=session, wave_id=previous_id), now):
        try:
            previous = _compute(session, previous_id, unit=unit)
        except AnonymityError:
            previous = None  # the same scope cannot be shown in the previous wave: no comparison
    try:
        return _compute(session, wave_id, unit=unit, previous=previous), wave.definition
    except ScopeDifferenceTooSmall as problem:
        raise UserError(DIFFERENCE, k=wave.k, unit=unit) from problem
    except GroupTooSmall as problem:
        raise UserError(TOO_FEW, n=wave.k, unit=unit) from problem


def has_ended(wave: waves.WaveView, now: datetime) -> bool:
    """Closed by hand or by its window: answers are no longer taken, so figures stop moving."""
    return wave.closed or now >= wave.closes_at


def _compute(session: Session, wave_id: int, *, unit: str | None, previous: WaveResults | None = None) -> WaveResults:
    wave = waves.get_wave(session=session, wave_id=wave_id)
    frame = responses.answers_frame(session=session, wave_id=wave_id)
    parents, audience = waves.wave_scope_tree(session=session, wave_id=wave_id)
    return compute_wave_results(frame, wave.definition, k=wave.k, unit=unit, previous=previous,
                                parents=parents, audience=audience)


def _still_open(session: Session, wave: waves.WaveView) -> UserError:
    finished = session.scalar(select(func.count()).select_from(WaveRecipient).where(
        WaveRecipient.wave_id == wave.id, WaveRecipient.completed.is_(True))) or 0
    band = participation_band(finished, wave.k)
    date = wave.closes_at.strftime("%Y-%m-%d")
    if band is None:
        return UserError(OPEN_FEWER, id=wave.id, date=date, k=wave.k)
    low, high = band
    if high is None:
        return UserError(OPEN_MANY, id=wave.id, date=date, low=low)
    return UserError(OPEN_BAND, id=wave.id, date=date, low=low, high=high)
