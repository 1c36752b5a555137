"""Roles are checked on every command, button, form and the dashboard route, with a refusal in the
person's language: one test per role boundary, driven by bot/access.py's table (attacked from outside,
through XgovBot.handle as an adapter calls it)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.web import dashboard_page
from bot import access
from bot.app import BUTTONS, FORMS, XGOV_SUBCOMMANDS
from bot.events import Actor, ButtonAnswer, FormSubmission
from bot.i18n import translator
from bot.services import people
from bot.services.dashboard_links import session_value
from storage.models import Friction
from tests.conftest import START
from tests.world import ADMIN, EMPLOYEE, EMPLOYEE_EN, OWNER, World

SECRET = "test-secret-" + "y" * 32
COMMAND_ARGS = {"assign": "F-1 P-1", "people": "list", "triage": "", "dashboard": "", "team": "", "channel": "here", "whistleblowing": "F-1"}


@pytest.fixture
def world(sqlite_url):
    world = World(sqlite_url, START)
    world.settings = world.bot.settings = world.settings.model_copy(update={"web_secret": SECRET})
    world.say(EMPLOYEE, "/friction Faktury przepisujemy ręcznie z CRM")
    yield world
    world.db.dispose()


def test_every_command_button_and_form_is_either_guarded_or_open_by_decision():
    assert set(XGOV_SUBCOMMANDS) == set(access.COMMANDS) | access.OPEN_COMMANDS
    assert set(BUTTONS) == set(access.BUTTONS) | access.OPEN_BUTTONS
    assert set(FORMS) == set(access.FORMS) | access.OPEN_FORMS
    assert not set(access.COMMANDS) & access.OPEN_COMMANDS


@pytest.mark.parametrize("command", sorted(access.COMMANDS))
@pytest.mark.parametrize("email, locale", [(EMPLOYEE, "pl"), (EMPLOYEE_EN, "en")])
def test_a_command_is_refused_to_whoever_lacks_its_role_in_their_language(world, command, email, locale):
    role, refusal = access.COMMANDS[command]
    world.say(email, f"/xgov {command} {COMMAND_ARGS[command]}".strip())
    assert world.last(email).text == translator(locale)(refusal)
    assert _status(world) == "new"


@pytest.mark.parametrize("command", sorted(access.COMMANDS))
def test_the_role_opens_the_command(world, command):
    role, refusal = access.COMMANDS[command]
    holder = ADMIN if role == "governance_admin" else OWNER  # Olek is a manager in the world
    world.say(holder, f"/xgov {command} {COMMAND_ARGS[command]}".strip())
    shown = world.last(holder)
    assert shown.text != translator("pl")(refusal) and shown.text != translator("en")(refusal)


def test_the_triage_button_and_form_are_refused_to_an_employee(world):
    world.bot.handle(ButtonAnswer(actor=Actor(EMPLOYEE_EN), action_id="triage.open", value="1", trigger="t"))
    assert world.last(EMPLOYEE_EN).text == translator("en")(access.BUTTONS["triage.open"][1])
    world.bot.handle(FormSubmission(actor=Actor(EMPLOYEE), form_id="friction.triage", metadata="1",
                                    values={"policy": "P-1"}))
    assert world.last(EMPLOYEE).text == translator("pl")(access.FORMS["friction.triage"][1])
    assert _status(world) == "new"
    world.bot.handle(FormSubmission(actor=Actor(ADMIN), form_id="friction.triage", metadata="1",
                                    values={"policy": "P-1"}))
    assert _status(world) == "assigned"


def test_a_deactivated_admin_loses_chat_and_the_dashboard(world):
    with world.db.unit_of_work() as session:
        cookie = session_value(secret=SECRET, email=ADMIN)  # what the link's token is exchanged for
        people.grant(session=session, email=OWNER, role="governance_admin", by=people.ChangedBy("t", "cli"), now=START)
    assert dashboard_page(world.db, world.settings, world.clock, cookie, None, "en")[0] == 200
    world.say(OWNER, f"/xgov people deactivate {ADMIN}")
    status, page = dashboard_page(world.db, world.settings, world.clock, cookie, None, "pl")
    assert status == 403 and "tylko dla zespołu governance" in page
    world.say(ADMIN, "/xgov triage")
    assert world.last(ADMIN).header == "Twój dostęp do xgov jest wyłączony"


def test_a_revoked_role_closes_the_command_at_once(world):
    world.say(ADMIN, f"/xgov people revoke {OWNER} manager")
    world.say(OWNER, "/xgov team")
    assert world.last(OWNER).text == translator("en")(access.MANAGERS_ONLY)


def _status(world: World) -> str:
    with world.db.unit_of_work() as session:
        return session.scalar(select(Friction.status).where(Friction.id == 1))
