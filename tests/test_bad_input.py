"""Bad input: stored exactly or refused with a clear message in the user's language; nothing lost."""
from __future__ import annotations

import pytest

from adapters.console.render import render_message
from bot.events import Actor, CommandEvent
from tests.conftest import START
from tests.world import ADMIN, EMPLOYEE, EMPLOYEE_EN, OTHER_OWNER, OWNER, World

STORED_EXACTLY = [
    pytest.param("<!channel> the invoice system is down <@U123> &lt;b&gt;", id="slack-markup"),
    pytest.param("Robert'); DROP TABLE frictions;-- ", id="sql-looking"),
    pytest.param("Klient 😡🔥 czekał 👩🏽‍💻 na zwrot", id="emoji"),
    pytest.param("הלקוח חיכה שבוע | العميل انتظر أسبوعا", id="right-to-left"),
    pytest.param("bell\x07 escape\x1b[31mred\x1b[0m tab\tand\nnew line", id="control-characters"),
    pytest.param("Zażółć gęślą jaźń ĄĆĘŁŃÓŚŹŻ", id="polish-diacritics"),
    pytest.param("x" * 3000, id="at-the-limit"),
]


@pytest.fixture
def world(database_url):
    world = World(database_url, START)
    yield world
    world.db.dispose()


@pytest.mark.parametrize("text", STORED_EXACTLY)
def test_report_text_is_stored_exactly_as_typed(world, text):
    world.say(EMPLOYEE_EN, "/friction " + text)
    assert world.stored_texts() == [text]


def test_markup_in_a_report_is_plain_text_in_the_neutral_message(world):
    world.say(EMPLOYEE_EN, "/friction <!channel> please look")
    notice = world.last("#governance")
    assert "<!channel> please look" in notice.text  # renderers escape it: see the Slack/console renderers


def test_control_characters_are_shown_escaped_in_the_console(world):
    world.say(EMPLOYEE_EN, "/friction red\x1b[31malert\x07 \u202eevil")
    shown = render_message(world.last("#governance"))
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert "red\\x1b[31malert\\x07 \\u202eevil" in shown


@pytest.mark.parametrize("email, expected", [
    (EMPLOYEE, "Zgłoszenie jest puste"),
    (EMPLOYEE_EN, "Your report is empty"),
])
def test_empty_report_opens_the_form_and_an_empty_submission_is_refused(world, email, expected):
    world.say(email, "/friction    ")
    assert world.port.last_form(email).form_id == "friction.report"
    world.submit(email, text="   \n ")
    assert expected in world.last(email).text
    assert world.friction_count() == 0


@pytest.mark.parametrize("email, expected", [
    (EMPLOYEE, "Ten tekst ma 10000 znaków; limit to 3000."),
    (EMPLOYEE_EN, "That text has 10000 characters; the limit is 3000."),
])
def test_a_10000_character_report_is_refused_naming_the_limit(world, email, expected):
    world.say(EMPLOYEE_EN, "/friction the first report stays")
    world.say(email, "/friction " + "ą" * 10_000)
    assert expected in world.last(email).text
    assert world.stored_texts() == ["the first report stays"]
    assert len(world.port.current_messages("#governance")) == 1  # nothing was announced for the refused one


def test_nul_character_is_refused_with_a_reason(world):
    world.say(EMPLOYEE, "/friction zły\x00znak")
    assert "NUL (U+0000)" in world.last(EMPLOYEE).text
    assert world.friction_count() == 0


@pytest.mark.parametrize("line, expected", [
    ("/frobnicate", "I do not know the command \"/frobnicate\""),
    ("/xgov dance", "I do not know the command \"/xgov dance\""),
])
def test_unknown_command_gets_help(world, line, expected):
    world.say(EMPLOYEE_EN, line)
    message = world.last(EMPLOYEE_EN)
    assert expected in message.text and message.header == "xgov help"
    assert any(field.label == "/friction" for field in message.fields)


def test_acting_on_someone_elses_assignment_is_refused_with_the_reason(world):
    world.say(EMPLOYEE_EN, "/friction refund waits")
    world.say(ADMIN, "/xgov assign F-1 P-1")
    world.say(OTHER_OWNER, "/xgov resolve F-1 policy-changed I fixed it")
    refusal = world.last(OTHER_OWNER)
    assert refusal.header == "Nie udało się"
    assert "F-1 nie jest przypisane do Ciebie" in refusal.text
    world.say(EMPLOYEE_EN, "/xgov accept F-1")
    assert "F-1 is not assigned to you" in world.last(EMPLOYEE_EN).text
    world.say(OWNER, "/xgov assignments")
    assert "F-1" in world.seen(OWNER)  # still pending on the real owner: nothing changed


def test_employee_cannot_triage(world):
    world.say(EMPLOYEE_EN, "/friction x")
    world.say(EMPLOYEE_EN, "/xgov assign F-1 P-1")
    assert "Only the governance team can triage" in world.last(EMPLOYEE_EN).text


@pytest.mark.parametrize("line, expected", [
    ("/xgov assign F-x P-1", "F-x is not a report number"),
    ("/xgov assign F-99 P-1", "There is no report F-99."),
    ("/xgov assign F-1 P-42", "There is no policy P-42."),
    ("/xgov assign F-1", "Write it like: /xgov assign"),
    ("/xgov assign F-1 P-1 nobody@example.pl", "Nobody with the e-mail nobody@example.pl"),
])
def test_bad_triage_commands_are_refused_and_nothing_changes(world, line, expected):
    world.say(EMPLOYEE_EN, "/friction x")
    world.say(ADMIN, "/xgov language en")
    world.say(ADMIN, line)
    assert expected in world.last(ADMIN).text
    world.say(ADMIN, "/xgov triage")
    assert "F-1 · new" in world.seen(ADMIN)


def test_a_refused_decline_keeps_the_assignment(world):
    world.say(EMPLOYEE_EN, "/friction x")
    world.say(ADMIN, "/xgov assign F-1 P-1")
    world.say(OWNER, "/xgov decline F-1")
    assert "Please give a reason" in world.last(OWNER).text
    world.say(OWNER, "/xgov assignments")
    assert "F-1" in world.seen(OWNER)


def test_person_not_in_directory_is_told_in_their_platform_language(world):
    world.bot.handle(CommandEvent(Actor("stranger@example.pl", locale="pl-PL"), "/friction", "hej"))
    assert world.last("stranger@example.pl").header == "Nie ma Cię jeszcze w katalogu xgov"
    assert world.friction_count() == 0
