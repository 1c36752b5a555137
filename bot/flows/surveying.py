"""Answering surveys in chat, and the jobs that send, remind and close waves."""
from __future__ import annotations

from functools import partial

from bot import survey_messages as views
from bot import survey_results_messages as results_views
from bot.digest.compute import data_answers_at
from bot.errors import N_, UserError
from bot.events import ButtonAnswer, FormSubmission
from bot.flows import team
from bot.services import survey_responses as responses
from bot.services import survey_results
from bot.services import survey_waves as waves
from bot.turn import Turn
from surveys.diagnostic import DataAnswer


def _split(value: str, parts: int) -> list[str]:
    pieces = value.split("|")
    if len(pieces) != parts or not all(pieces[:-1]):
        raise UserError(N_("That answer could not be read. Use the buttons of the survey message."))
    return pieces


def invite(turn: Turn, wave_id: int, emails: list[str], *, reminder: bool = False) -> None:
    wave = waves.get_wave(session=turn.session, wave_id=wave_id)
    turn.tell_each(emails, partial(views.invitation, wave, reminder=reminder))


def on_start(turn: Turn, event: ButtonAnswer) -> None:
    if not event.value.isdigit():
        raise UserError(N_("That answer could not be read. Use the buttons of the survey message."))
    token = responses.start(session=turn.session, wave_id=int(event.value), email=turn.actor.email, now=turn.now)
    _show_question(turn, event, token, 0)


def _show_question(turn: Turn, event, token: str, index: int, state: responses.ResponseState | None = None) -> None:
    state = state or responses.state(session=turn.session, token=token)
    current = state.answers.get(state.wave.definition.questions[index].id)
    turn.update(getattr(event, "message", None), partial(views.question_message, state.wave, token, index, current))


def _after_answer(turn: Turn, event, token: str, question_id: str) -> None:
    """Next question; after the last (or when changing a finished survey) the summary."""
    state = responses.state(session=turn.session, token=token)
    questions = state.wave.definition.questions
    index = [q.id for q in questions].index(question_id)
    if index + 1 < len(questions) and not state.completed:
        _show_question(turn, event, token, index + 1, state)
        return
    missing = [i for i, q in enumerate(questions) if not q.optional and q.id not in state.answers]
    if missing:
        _show_question(turn, event, token, missing[0], state)
        return
    if not state.completed:
        responses.finish(session=turn.session, token=token, email=turn.actor.email, now=turn.now)
    turn.update(getattr(event, "message", None), partial(views.summary, state.wave, token, state.answers))


def on_answer(turn: Turn, event: ButtonAnswer) -> None:
    token, question_id, raw = _split(event.value, 3)
    responses.answer(session=turn.session, token=token, question_id=question_id, raw=raw, now=turn.now)
    _after_answer(turn, event, token, question_id)


def on_skip(turn: Turn, event: ButtonAnswer) -> None:
    token, question_id = _split(event.value, 2)
    responses.answer(session=turn.session, token=token, question_id=question_id, raw=None, now=turn.now)
    _after_answer(turn, event, token, question_id)


def on_goto(turn: Turn, event: ButtonAnswer) -> None:
    token, question_id = _split(event.value, 2)
    state = responses.state(session=turn.session, token=token)
    ids = [q.id for q in state.wave.definition.questions]
    if question_id not in ids:
        raise UserError(N_("The survey has no question {id}."), id=question_id)
    _show_question(turn, event, token, ids.index(question_id), state)


def on_change(turn: Turn, event: ButtonAnswer) -> None:
    wave = responses.state(session=turn.session, token=event.value).wave
    responses.require_open(turn.session, wave.id, turn.now)
    turn.update(event.message, partial(views.change_menu, wave, event.value))


def on_text_button(turn: Turn, event: ButtonAnswer) -> None:
    token, question_id = _split(event.value, 2)
    wave = responses.state(session=turn.session, token=token).wave
    question = next((q for q in wave.definition.questions if q.id == question_id), None)
    if question is None:
        raise UserError(N_("The survey has no question {id}."), id=question_id)
    turn.open_form(partial(views.text_answer_form, wave, token, question), event.trigger)


def on_text_form(turn: Turn, event: FormSubmission) -> None:
    token, question_id = _split(event.metadata, 2)
    raw = str(event.values.get("answer") or "")
    responses.answer(session=turn.session, token=token, question_id=question_id, raw=raw, now=turn.now)
    _after_answer(turn, event, token, question_id)


def wave_results(turn: Turn, wave_id: int, *, unit: str | None = None):
    return survey_results.wave_results(session=turn.session, wave_id=wave_id, now=turn.now, unit=unit)


def close_and_report(turn: Turn, wave_id: int) -> None:
    waves.close_wave(session=turn.session, wave_id=wave_id, now=turn.now)
    results, definition = wave_results(turn, wave_id)
    evidence = data_evidence(turn) if definition.kind == "diagnostic" else None
    turn.post_to_governance(partial(results_views.results_message, results, definition, evidence=evidence))
    team.tell_managers(turn, wave_id)


def data_evidence(turn: Turn) -> dict[str, DataAnswer]:
    """The bot's own data on diagnostic questions 1 to 5 (surveys.diagnostic has the rules)."""
    return data_answers_at(turn.session, turn.now)
