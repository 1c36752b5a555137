"""Answering surveys in chat, and the jobs that send, remind and close waves."""
from __future__ import annotations

from functools import partial

from bot import survey_messages as views
from bot import survey_results_messages as results_views
from bot.digest.compute import data_answers_at
from bot.errors import N_, UserError
from bot.events import ButtonAnswer, FormSubmission
from bot.flows import team
from bot.messages import MessageRef
from bot.outbox import codec
from bot.services import survey_responses as responses
from bot.services import survey_results
from bot.services import survey_waves as waves
from bot.turn import Turn
from surveys.diagnostic import DataAnswer


def _split(value: str, parts: int) -> list[str]:
    pieces = value.split("|", parts - 1)
    if len(pieces) != parts or not all(pieces[:-1]):
        raise UserError(N_("That answer could not be read. Use the buttons of the survey message."))
    return pieces


def invite(turn: Turn, wave_id: int, emails: list[str], *, reminder: bool = False) -> None:
    wave = waves.get_wave(session=turn.session, wave_id=wave_id)
    turn.tell_each(emails, partial(views.invitation, wave, reminder=reminder))


# One message per person and wave: the invitation becomes the questions, then the summary, always updated
# in place. Every button carries the response's step; a button of an earlier state changes nothing.

def on_start(turn: Turn, event: ButtonAnswer) -> None:
    if not event.value.isdigit():
        raise UserError(N_("That answer could not be read. Use the buttons of the survey message."))
    token = responses.start(session=turn.session, wave_id=int(event.value), email=turn.actor.email, now=turn.now)
    _show_question(turn, event.message, token, 0)


def _show_question(turn: Turn, ref: MessageRef | None, token: str, index: int,
                   state: responses.ResponseState | None = None) -> None:
    state = state or responses.state(session=turn.session, token=token)
    answered = state.wave.definition.questions[index].id in state.answers
    turn.update(ref, partial(views.question_message, state.wave, token, state.step, index, answered))


def _after_answer(turn: Turn, ref: MessageRef | None, token: str, question_id: str) -> None:
    """Next question; after the last (or when changing a finished survey) the summary."""
    state = responses.state(session=turn.session, token=token)
    questions = state.wave.definition.questions
    index = [q.id for q in questions].index(question_id)
    if index + 1 < len(questions) and not state.completed:
        _show_question(turn, ref, token, index + 1, state)
        return
    missing = [i for i, q in enumerate(questions) if not q.optional and q.id not in state.answers]
    if missing:
        _show_question(turn, ref, token, missing[0], state)
        return
    if not state.completed:
        responses.finish(session=turn.session, token=token, email=turn.actor.email, now=turn.now)
    turn.update(ref, partial(views.summary, state.wave, token, state.step, state.answers))


def on_answer(turn: Turn, event: ButtonAnswer) -> None:
    token, step, question_id, raw = _split(event.value, 4)
    responses.take_step(session=turn.session, token=token, step=step)
    responses.answer(session=turn.session, token=token, question_id=question_id, raw=raw, now=turn.now)
    _after_answer(turn, event.message, token, question_id)


def on_skip(turn: Turn, event: ButtonAnswer) -> None:
    token, step, question_id = _split(event.value, 3)
    responses.take_step(session=turn.session, token=token, step=step)
    state = responses.state(session=turn.session, token=token)
    if _question(state.wave, question_id).kind.written and question_id in state.answers:
        raise UserError(N_("A written answer changes only by writing again."))
    responses.answer(session=turn.session, token=token, question_id=question_id, raw=None, now=turn.now)
    _after_answer(turn, event.message, token, question_id)


def _stepped_open(turn: Turn, token: str, step: str):
    """A button of the message's current state (a stale one is refused), on a wave still open: its state."""
    responses.take_step(session=turn.session, token=token, step=step)
    state = responses.state(session=turn.session, token=token)
    responses.require_open(turn.session, state.wave.id, turn.now)
    return state


def on_keep(turn: Turn, event: ButtonAnswer) -> None:
    token, step, question_id = _split(event.value, 3)
    state = _stepped_open(turn, token, step)
    _question(state.wave, question_id)
    _after_answer(turn, event.message, token, question_id)


def on_goto(turn: Turn, event: ButtonAnswer) -> None:
    token, step, question_id = _split(event.value, 3)
    state = _stepped_open(turn, token, step)
    ids = [q.id for q in state.wave.definition.questions]
    _question(state.wave, question_id)
    _show_question(turn, event.message, token, ids.index(question_id), state)


def on_change(turn: Turn, event: ButtonAnswer) -> None:
    token, step = _split(event.value, 2)
    state = _stepped_open(turn, token, step)
    turn.update(event.message, partial(views.change_menu, state.wave, token, state.step))


def on_text_button(turn: Turn, event: ButtonAnswer) -> None:
    """Opens the form; the message stays as it is. The form carries where the message is, so that
    the written answer updates it."""
    token, step, question_id = _split(event.value, 3)
    responses.require_step(session=turn.session, token=token, step=step)
    state = responses.state(session=turn.session, token=token)
    responses.require_open(turn.session, state.wave.id, turn.now)
    question = _question(state.wave, question_id)
    where = codec.ref_to_json(event.message) if event.message is not None else ""
    turn.open_form(partial(views.text_answer_form, state.wave, question, f"{token}|{question_id}|{where}"),
                   event.trigger)


def on_text_form(turn: Turn, event: FormSubmission) -> None:
    """A written answer: always accepted while the survey is open (writing again is how it changes)."""
    legacy = event.metadata.count("|") == 1  # a form opened before forms carried their message: token|question
    token, question_id, where = _split(event.metadata + ("|" if legacy else ""), 3)
    try:
        ref = codec.ref_from_json(where) if where else None
    except (ValueError, KeyError, TypeError, AttributeError):
        raise UserError(N_("That answer could not be read. Use the buttons of the survey message.")) from None
    if ref is not None and event.conversation and ref.conversation != event.conversation:
        ref = None  # a card's data names another chat's message: answer in a new message, touch nothing else
    responses.take_step(session=turn.session, token=token, step=None)
    raw = str(event.values.get("answer") or "")
    responses.answer(session=turn.session, token=token, question_id=question_id, raw=raw, now=turn.now)
    _after_answer(turn, ref, token, question_id)


def _question(wave, question_id: str):
    question = next((q for q in wave.definition.questions if q.id == question_id), None)
    if question is None:
        raise UserError(N_("The survey has no question {id}."), id=question_id)
    return question


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
