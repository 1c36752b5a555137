"""Answering a wave: start, answer one question at a time, change answers, finish.

A respondent is reached only through a random token that the person holds in the
chat message's buttons; the database keeps its SHA-256, never who holds it (and the outbox
erases the messages that carried the token once they are sent). A response is stored under
the smallest of the person's unit and its ancestors that has at least k people of the
wave's audience (surveys.scopes.storage_units), never under a smaller group.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.errors import N_, NP_, UserError
from bot.services.directory import get_person
from bot.services.survey_waves import WaveView, get_wave, wave_scope_tree
from storage.models import OrgUnit, Person, SurveyAnswer, SurveyResponse, WaveRecipient
from surveys import AnswerError, Question, validate_answer
from surveys.scopes import ORG, storage_units

ANSWER_ERRORS = {
    "required": N_("This question needs an answer."),
    "not_a_number": N_("The answer must be a whole number."),
    "out_of_range": N_("The answer must be between {min} and {max}."),
    "not_yes_no": N_("Answer yes or no."),
    "too_long": NP_("That answer has {n} character; the limit is {max}.",
                    "That answer has {n} characters; the limit is {max}."),
}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def require_open(session: Session, wave_id: int, now: datetime) -> WaveView:
    wave = get_wave(session=session, wave_id=wave_id)
    if not wave.is_open(now):
        raise UserError(N_("This survey closed on {date}; answers are no longer accepted. Thank you all the same."),
                        date=wave.closes_at.strftime("%Y-%m-%d"))
    return wave


def _recipient(session: Session, wave_id: int, email: str) -> WaveRecipient:
    person = get_person(session=session, email=email)
    recipient = session.get(WaveRecipient, (wave_id, person.id))
    if recipient is None:
        raise UserError(N_("This survey was not sent to you."))
    return recipient


def start(*, session: Session, wave_id: int, email: str, now: datetime) -> str:
    """Begin answering; return the token the chat keeps in the buttons."""
    wave = require_open(session, wave_id, now)
    recipient = _recipient(session, wave_id, email)
    if recipient.started:
        raise UserError(N_("You have started this survey already: go on in the message where you began."))
    recipient.started = True
    person = session.get(Person, recipient.person_id)
    token = secrets.token_urlsafe(18)
    session.add(SurveyResponse(
        id=secrets.token_hex(16), wave_id=wave_id, token_hash=_hash(token),
        org_unit_id=_stored_unit_id(session, wave, person.org_unit_id),
        person_id=person.id if wave.anonymity == "identified" else None,
    ))
    return token


def _stored_unit_id(session: Session, wave: WaveView, org_unit_id: int | None) -> int | None:
    """The unit a response is stored under: the smallest of the person's unit and its ancestors
    with at least k people of the wave's audience (None, the organisation, when none has)."""
    if org_unit_id is None:
        return None
    unit_name = session.get(OrgUnit, org_unit_id).name
    parents, audience = wave_scope_tree(session=session, wave_id=wave.id)
    stored = storage_units(parents, audience, wave.k).get(unit_name, ORG)
    if stored == ORG:
        return None
    return session.scalar(select(OrgUnit.id).where(OrgUnit.name == stored))


def _response(session: Session, token: str) -> SurveyResponse:
    response = session.scalar(select(SurveyResponse).where(SurveyResponse.token_hash == _hash(token)))
    if response is None:
        raise UserError(N_("I cannot find these answers; the survey message may be from another workspace."))
    return response


@dataclass(frozen=True)
class ResponseState:
    """Where one respondent stands: the wave, their answers so far, whether they finished."""

    wave: WaveView
    answers: dict[str, int | str | None]
    completed: bool
    step: int = 0  # the state of the response's chat message; its buttons carry it


SUPERSEDED = N_("That button belongs to an earlier state of the survey message, so it changed nothing. "
                "Use the message as it is now.")


def state(*, session: Session, token: str) -> ResponseState:
    response = _response(session, token)
    return ResponseState(get_wave(session=session, wave_id=response.wave_id), _answers(session, response.id),
                         response.completed, response.step)


def require_step(*, session: Session, token: str, step: str) -> None:
    """Refuse a button drawn at another step than the message shows now; changes nothing."""
    if str(_response(session, token).step) != step:
        raise UserError(SUPERSEDED)


def take_step(*, session: Session, token: str, step: str | None) -> None:
    """Move the response's message to its next state. With `step` (a button's), only if the message
    still shows that state: one compare-and-set, so of two clicks on one state only the first counts.
    Without (a written answer: writing again is always allowed) unconditionally."""
    condition = [SurveyResponse.token_hash == _hash(token)]
    if step is not None:
        if not step.isdigit():
            raise UserError(SUPERSEDED)
        condition.append(SurveyResponse.step == int(step))
    moved = session.execute(update(SurveyResponse).where(*condition).values(step=SurveyResponse.step + 1)
                            .execution_options(synchronize_session="fetch"))
    if moved.rowcount != 1:
        _response(session, token)  # an unknown token says so
        raise UserError(SUPERSEDED)


def _answers(session: Session, response_id: str) -> dict[str, int | str | None]:
    rows = session.scalars(select(SurveyAnswer).where(SurveyAnswer.response_id == response_id))
    return {row.question_id: row.value_text if row.value_text is not None else row.value_int for row in rows}


def answer(*, session: Session, token: str, question_id: str, raw: str | None, now: datetime) -> None:
    """Validate and store (or replace) one answer while the window is open."""
    response = _response(session, token)
    wave = require_open(session, response.wave_id, now)
    question = _question(wave, question_id)
    try:
        value = validate_answer(question, raw)
    except AnswerError as problem:
        raise UserError(ANSWER_ERRORS[problem.code], **problem.params) from problem
    stored = session.get(SurveyAnswer, (response.id, question_id))
    if value is None:  # an optional question skipped (or an earlier answer taken back)
        if stored is not None:
            session.delete(stored)
        return
    if stored is None:
        stored = SurveyAnswer(response_id=response.id, question_id=question_id)
        session.add(stored)
    stored.value_int = int(value) if isinstance(value, (bool, int)) else None
    stored.value_text = value if isinstance(value, str) else None


def _question(wave: WaveView, question_id: str) -> Question:
    for question in wave.definition.questions:
        if question.id == question_id:
            return question
    raise UserError(N_("The survey has no question {id}."), id=question_id)


def finish(*, session: Session, token: str, email: str, now: datetime) -> None:
    """Mark the response complete and the person as having answered (for reminders)."""
    response = _response(session, token)
    wave = require_open(session, response.wave_id, now)
    answered = _answers(session, response.id)
    missing = [q.id for q in wave.definition.questions if not q.optional and q.id not in answered]
    if missing:
        raise UserError(N_("Some required questions have no answer yet: {ids}."), ids=", ".join(missing))
    response.completed = True
    _recipient(session, response.wave_id, email).completed = True


def answers_frame(*, session: Session, wave_id: int) -> pd.DataFrame:
    """The wave's answers in the shape surveys.results expects; no person appears in it."""
    query = (
        select(SurveyAnswer.response_id, OrgUnit.name, SurveyAnswer.question_id, SurveyAnswer.value_int, SurveyAnswer.value_text)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .outerjoin(OrgUnit, OrgUnit.id == SurveyResponse.org_unit_id)
        .where(SurveyResponse.wave_id == wave_id)
        .order_by(SurveyAnswer.response_id, SurveyAnswer.question_id)
    )
    frame = pd.DataFrame(session.execute(query).all(),
                         columns=["response_id", "org_unit", "question_id", "value_int", "value_text"])
    frame["org_unit"] = frame["org_unit"].fillna("")
    frame["value_int"] = frame["value_int"].astype("Int64")
    return frame
