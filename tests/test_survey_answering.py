"""Answering surveys in chat: one question at a time, progress saved, changes, late answers, reminders."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.events import Actor, ButtonAnswer
from bot.flows.surveying import invite
from bot.services import directory, survey_waves
from storage.models import SurveyAnswer, SurveyResponse, WaveRecipient
from tests.conftest import START
from tests.world import ADMIN, EMPLOYEE, EMPLOYEE_EN, OTHER_OWNER, OWNER, World

EVERYONE = (ADMIN, OWNER, OTHER_OWNER, EMPLOYEE, EMPLOYEE_EN)


@pytest.fixture
def world(database_url):
    world = World(database_url, START)
    yield world
    world.db.dispose()


def send(world: World, key: str = "employee-pulse", days: int = 7, max_reminders: int = 2) -> int:
    def job(turn):
        survey_waves.ensure_builtin_surveys(session=turn.session, now=turn.now)
        wave_id, emails = survey_waves.send_wave(session=turn.session, key=key, audience="everyone", now=turn.now,
                                                 days=days, k=3, max_reminders=max_reminders)
        invite(turn, wave_id, emails)
        return wave_id
    return world.bot.run_job(job)


def answer_pulse(world: World, email: str, enps: str = "10") -> None:
    world.press(email, "Start")
    world.press(email, enps)
    for _ in range(5):
        world.press(email, 4)  # 4 - Agree
    world.press(email, "Skip")  # the optional comment


def test_invitation_reaches_everyone_in_their_language(world):
    send(world)
    assert world.last(EMPLOYEE).header == "Puls zespołu"
    assert world.last(EMPLOYEE_EN).header == "Team pulse"
    assert [b.label for b in world.last(EMPLOYEE_EN).buttons] == ["Start"]


def test_a_pulse_answered_in_polish_one_question_at_a_time(world):
    send(world)
    world.press(EMPLOYEE, "Zaczynam")
    first = world.last(EMPLOYEE)
    assert first.header == "Puls zespołu · 1/7" and "polecisz" in first.text
    assert [o.label for o in first.choices.options][0] == "0 – zdecydowanie nie"
    world.press(EMPLOYEE, "9")
    assert world.last(EMPLOYEE).header == "Puls zespołu · 2/7"
    assert world.last(EMPLOYEE).choices.options[4].label == "5 – Zdecydowanie się zgadzam"
    for _ in range(5):
        world.press(EMPLOYEE, 5)
    world.press(EMPLOYEE, "Pomiń")
    summary = world.last(EMPLOYEE)
    assert summary.header == "Dziękujemy: Puls zespołu"
    assert len(world.port.current_messages(EMPLOYEE)) == 1  # the invitation became the whole conversation
    with world.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(SurveyAnswer)) == 6
        assert session.scalar(select(SurveyResponse.person_id)) is None  # stored without a user id


def test_progress_is_saved_after_each_answer(world):
    send(world)
    world.press(EMPLOYEE_EN, "Start")
    world.press(EMPLOYEE_EN, "7")
    world.press(EMPLOYEE_EN, 2)
    with world.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(SurveyAnswer)) == 2
    world.say(EMPLOYEE_EN, "/xgov help")  # the person leaves and comes back
    world.press(EMPLOYEE_EN, 3)  # the question message is still there: the third question
    with world.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(SurveyAnswer)) == 3


def test_an_answer_can_be_changed_while_open_and_the_latest_counts(world):
    send(world)
    answer_pulse(world, EMPLOYEE_EN, enps="3")
    world.press(EMPLOYEE_EN, "Change an answer")
    world.press(EMPLOYEE_EN, 1)  # the eNPS question
    shown = world.last(EMPLOYEE_EN)
    assert "You have answered" in shown.text and "3" not in shown.text.split("\n")[-1]  # not the value
    world.press(EMPLOYEE_EN, "9")
    assert world.last(EMPLOYEE_EN).header == "Thank you: Team pulse"
    with world.db.unit_of_work() as session:
        values = session.scalars(select(SurveyAnswer.value_int).where(SurveyAnswer.question_id == "enps")).all()
    assert values == [9]


def test_late_answers_are_refused_politely(world):
    send(world, days=2)
    world.press(EMPLOYEE_EN, "Start")
    world.clock.advance(timedelta(days=3))
    world.press(EMPLOYEE_EN, "8")
    assert "This survey closed on 2026-03-04" in world.last(EMPLOYEE_EN).text


def test_starting_twice_is_refused(world):
    wave_id = send(world)
    world.press(EMPLOYEE_EN, "Start")
    world.bot.handle(ButtonAnswer(Actor(EMPLOYEE_EN), "survey.start", str(wave_id)))
    assert "started this survey already" in world.last(EMPLOYEE_EN).text


@pytest.mark.parametrize("value, expected", [
    ("{token}|0|enps|11", "The answer must be between 0 and 10."),
    ("{token}|0|enps|-1", "The answer must be between 0 and 10."),
    ("{token}|0|enps|seven", "The answer must be a whole number."),
    ("{token}|0|nope|3", "The survey has no question nope."),
    ("{token}|7|enps|3", "earlier state of the survey message"),
    ("garbage", "That answer could not be read."),
])
def test_bad_answers_are_refused_naming_the_problem_and_nothing_is_stored(world, value, expected):
    send(world)
    world.press(EMPLOYEE_EN, "Start")
    token = world.last(EMPLOYEE_EN).choices.options[0].value.split("|")[0]
    world.bot.handle(ButtonAnswer(Actor(EMPLOYEE_EN), "survey.answer", value.format(token=token)))
    assert expected in world.last(EMPLOYEE_EN).text
    with world.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(SurveyAnswer)) == 0


def test_refusal_in_polish(world):
    send(world)
    world.press(EMPLOYEE, "Zaczynam")
    token = world.last(EMPLOYEE).choices.options[0].value.split("|")[0]
    world.bot.handle(ButtonAnswer(Actor(EMPLOYEE), "survey.answer", f"{token}|0|enps|12"))
    assert "Odpowiedź musi być liczbą od 0 do 10." in world.last(EMPLOYEE).text


def test_reminders_go_only_to_those_who_have_not_answered_at_most_n_times(world):
    wave_id = send(world, max_reminders=2)
    answer_pulse(world, EMPLOYEE_EN)

    def remind(turn):
        emails = survey_waves.due_reminders(session=turn.session, wave_id=wave_id, now=turn.now)
        invite(turn, wave_id, emails, reminder=True)
        return emails

    first = world.bot.run_job(remind)
    assert EMPLOYEE_EN not in first and set(first) == set(EVERYONE) - {EMPLOYEE_EN}
    assert world.last(EMPLOYEE).header == "Przypomnienie: Puls zespołu"
    assert world.bot.run_job(remind) == first
    assert world.bot.run_job(remind) == []  # capped at 2


def test_has_answered_record_cannot_be_joined_to_answers():
    recipient_columns = {c.name for c in WaveRecipient.__table__.columns}
    response_columns = {c.name for c in SurveyResponse.__table__.columns}
    assert "response_id" not in recipient_columns and not any("time" in c or c.endswith("_at") for c in recipient_columns)
    assert not any(c.endswith("_at") for c in response_columns)  # no timestamps to correlate with


def test_response_ids_are_random_not_a_sequence(world):
    send(world)
    world.press(EMPLOYEE, "Zaczynam")
    world.press(EMPLOYEE_EN, "Start")
    with world.db.unit_of_work() as session:
        ids = session.scalars(select(SurveyResponse.id)).all()
    assert len(set(ids)) == 2 and all(len(i) == 32 and int(i, 16) > 0 for i in ids)


def test_an_unknown_wave_is_refused_by_name(world):
    world.bot.handle(ButtonAnswer(Actor(EMPLOYEE_EN), "survey.start", "999"))
    assert "There is no wave 999." in world.last(EMPLOYEE_EN).text


def test_someone_not_invited_cannot_start(world):
    def job(turn):
        survey_waves.ensure_builtin_surveys(session=turn.session, now=turn.now)
        wave_id, _emails = survey_waves.send_wave(session=turn.session, key="conditions-pulse", audience="unit",
                                                  unit="Obsługa Klienta", now=turn.now, days=3, k=3)
        return wave_id

    wave_id = world.bot.run_job(job)
    with world.db.unit_of_work() as session:
        directory.add_person(session=session, email="nowa@example.pl", name="Nowa Osoba", locale="pl")
    world.bot.handle(ButtonAnswer(Actor("nowa@example.pl"), "survey.start", str(wave_id)))
    assert "Ta ankieta nie została do Ciebie wysłana." in world.last("nowa@example.pl").text
