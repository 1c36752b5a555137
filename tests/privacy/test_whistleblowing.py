"""The whistleblowing boundary: the form and the help point to the organisation's channel in the reader's
language; a report marked as belonging there tells its reporter where to go and leaves no text in xgov."""
from __future__ import annotations

from sqlalchemy import func, select

from bot.events import Actor, CommandEvent
from storage.models import OutboxMessage
from tests.conftest import START
from tests.world import ADMIN, EMPLOYEE, EMPLOYEE_EN, World

URL = "https://sygnalisci.example.pl"
BREACH = "Kierownik każe antydatować faktury przed audytem"


def test_form_and_help_say_where_breaches_of_law_go_in_each_language(sqlite_url):
    world = World(sqlite_url, START)
    world.bot.settings = world.settings.model_copy(update={"whistleblowing_text_pl": "Kanał prowadzi dział prawny.",
                                                           "whistleblowing_text_en": "Run by the legal team."})
    world.bot.handle(CommandEvent(actor=Actor(EMPLOYEE), command="/friction", trigger="t"))
    intro = world.port.last_form(EMPLOYEE).intro
    assert "Naruszenia prawa" in intro and URL in intro and "Kanał prowadzi dział prawny." in intro
    world.say(EMPLOYEE_EN, "/xgov help")
    assert "Breaches of law" in world.last(EMPLOYEE_EN).text and URL in world.last(EMPLOYEE_EN).text
    assert "Run by the legal team." in world.last(EMPLOYEE_EN).text


def test_without_a_channel_nothing_is_said_and_an_admin_is_told_to_set_it(sqlite_url):
    world = World(sqlite_url, START)
    world.bot.settings = world.settings.model_copy(update={"whistleblowing_url": ""})
    world.say(EMPLOYEE_EN, "/xgov help")
    assert "Breaches of law" not in world.last(EMPLOYEE_EN).text
    world.say(EMPLOYEE, f"/friction {BREACH}")
    world.say(ADMIN, "/xgov whistleblowing F-1")
    assert "XGOV_WHISTLEBLOWING_URL" in world.last(ADMIN).text
    assert world.stored_texts() == [BREACH]


def test_a_report_sent_to_the_whistleblowing_channel(database_url):
    world = World(database_url, START)
    world.say(EMPLOYEE, f"/friction {BREACH}")
    world.say(EMPLOYEE, "/xgov whistleblowing F-1")  # not an admin: refused, nothing changes
    assert world.stored_texts() == [BREACH]
    world.say(ADMIN, "/xgov whistleblowing F-1")
    told = world.last(EMPLOYEE)
    assert told.header == "F-1 należy do kanału zgłoszeń naruszeń prawa" and URL in told.text
    assert BREACH not in world.stored_texts()[0] and "whistleblowing" in world.stored_texts()[0]
    with world.db.unit_of_work() as session:
        quoting = session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.payload.contains(BREACH[:30])))
    assert quoting == 0  # the acknowledgement and the governance notice lost the words too
    world.say(EMPLOYEE, "/xgov reports")
    mine = world.last(EMPLOYEE)
    assert "skierowane do kanału zgłoszeń naruszeń prawa" in str(mine) and BREACH not in str(mine)
    world.say(ADMIN, "/xgov whistleblowing F-1")
    assert "already" in world.everything_received_by(ADMIN) or "już" in world.everything_received_by(ADMIN)
