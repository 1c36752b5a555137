"""One survey message per person and wave (console): updated in place to its final state, buttons of an
earlier state change nothing, a written answer changes only by writing again, the person's answers are
never repeated in a message. The same is driven through Slack and Teams in tests/slack and tests/teams."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.events import Actor, ButtonAnswer
from bot.messages import Message, MessageRef
from storage.models import SurveyAnswer
from tests.test_survey_answering import send
from tests.world import EMPLOYEE, EMPLOYEE_EN, World
from tests.conftest import START

COMMENT = "The CRM and the ERP disagree on every invoice"


@pytest.fixture
def world(database_url):
    world = World(database_url, START)
    yield world
    world.db.dispose()


def versions(world: World, email: str) -> list[tuple[MessageRef, Message]]:
    """Every version of every message the person was sent, oldest first."""
    return [(MessageRef(email, d.message_id), d.message) for d in world.port.deliveries_for(email) if d.message]


def press_old(world: World, email: str, ref: MessageRef, message: Message, label: str) -> None:
    """Press a button of a version of the message that is no longer shown (a stale client, a double click)."""
    options = [(message.choices.action_id, o.value, o.label) for o in (message.choices.options if message.choices else ())]
    options += [(b.action_id, b.value, b.label) for b in message.buttons]
    action_id, value, _label = next(o for o in options if label in o[2])
    world.bot.handle(ButtonAnswer(Actor(email), action_id, value, ref, trigger="t"))


def stored(world: World) -> dict[str, object]:
    with world.db.unit_of_work() as session:
        return {row.question_id: row.value_text if row.value_text is not None else row.value_int
                for row in session.scalars(select(SurveyAnswer))}


def answer_with_comment(world: World, email: str = EMPLOYEE_EN) -> None:
    world.press(email, "Start")
    world.press(email, "8")
    for _ in range(5):
        world.press(email, 4)
    world.press(email, "Write an answer")
    world.submit(email, answer=COMMENT)


def test_a_written_comment_ends_in_one_summary_on_the_same_message(world):
    send(world)
    answer_with_comment(world)
    [(_ref, summary)] = [(ref, m) for ref, m in world.port.current_messages(EMPLOYEE_EN).items()]
    assert summary.header == "Thank you: Team pulse"
    assert [f.value for f in summary.fields] == ["answered"] * 7
    assert stored(world)["comment"] == COMMENT
    everything = world.everything_received_by(EMPLOYEE_EN)
    assert everything.count("Thank you") == 1
    assert COMMENT not in everything and "Agree" not in summary.fields[1].value  # no answer repeated


def test_old_buttons_change_nothing_and_say_so(world):
    send(world)
    answer_with_comment(world)
    history = versions(world, EMPLOYEE_EN)
    ref, last_question = next((r, m) for r, m in reversed(history) if m.header.endswith("7/7"))
    press_old(world, EMPLOYEE_EN, ref, last_question, "Skip")  # the comment question, before writing
    assert "earlier state of the survey message" in world.last(EMPLOYEE_EN).text
    assert stored(world)["comment"] == COMMENT
    _ref, enps_question = next((r, m) for r, m in history if m.header.endswith("1/7"))
    press_old(world, EMPLOYEE_EN, ref, enps_question, "0 – not at all likely")
    assert stored(world)["enps"] == 8
    assert world.port.current_messages(EMPLOYEE_EN)[ref.message_id].header == "Thank you: Team pulse"


def test_a_double_click_counts_once(world):
    send(world)
    world.press(EMPLOYEE_EN, "Start")
    ref, first = world.port.last_message(EMPLOYEE_EN)
    press_old(world, EMPLOYEE_EN, ref, first, "9")
    press_old(world, EMPLOYEE_EN, ref, first, "3")
    assert stored(world) == {"enps": 9}
    assert world.port.current_messages(EMPLOYEE_EN)[ref.message_id].header == "Team pulse · 2/7"


def test_a_written_answer_changes_only_by_writing_again(world):
    send(world)
    answer_with_comment(world)
    world.press(EMPLOYEE_EN, "Change an answer")
    world.press(EMPLOYEE_EN, 7)  # the comment question
    question = world.last(EMPLOYEE_EN)
    labels = [b.label for b in question.buttons]
    assert labels == ["Write again", "Keep the answer", "Back"] and "You have written an answer" in question.text
    token_step = question.buttons[0].value.rsplit("|", 1)[0]
    world.bot.handle(ButtonAnswer(Actor(EMPLOYEE_EN), "survey.skip", f"{token_step}|comment"))
    assert "changes only by writing again" in world.last(EMPLOYEE_EN).text
    world.press(EMPLOYEE_EN, "Keep the answer")
    assert world.last(EMPLOYEE_EN).header == "Thank you: Team pulse" and stored(world)["comment"] == COMMENT
    world.press(EMPLOYEE_EN, "Change an answer")
    world.press(EMPLOYEE_EN, 7)
    world.press(EMPLOYEE_EN, "Write again")
    world.submit(EMPLOYEE_EN, answer="Fewer signatures")
    assert stored(world)["comment"] == "Fewer signatures"
    assert len(world.port.current_messages(EMPLOYEE_EN)) == 2  # the survey message and the one refusal


def test_polish_summary_says_answered_and_skipped(world):
    send(world)
    world.press(EMPLOYEE, "Zaczynam")
    world.press(EMPLOYEE, "10")
    for _ in range(5):
        world.press(EMPLOYEE, 2)
    world.press(EMPLOYEE, "Pomiń")
    summary = world.last(EMPLOYEE)
    assert [f.value for f in summary.fields] == ["udzielono odpowiedzi"] * 6 + ["pominięto"]
