"""/xgov dashboard in chat: a governance admin gets a private, working link; nobody else does."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from app.web import dashboard_page, exchange_link
from tests.conftest import START
from tests.world import ADMIN, EMPLOYEE, EMPLOYEE_EN, World

SECRET = "chat-test-" + "z" * 32


def _world(url, secret=SECRET):
    world = World(url, START)
    world.settings.web_secret = secret
    world.settings.public_url = "https://xgov.example.pl"
    return world


def test_an_admin_gets_a_link_that_opens_the_dashboard(sqlite_url):
    world = _world(sqlite_url)
    world.say(ADMIN, "/xgov dashboard")
    message = world.last(ADMIN)
    assert message.header == "Pulpit governance"  # the admin writes in Polish
    url = message.text.splitlines()[-1]
    assert url.startswith("https://xgov.example.pl/dashboard?token=") and "ważny przez 7 dni" in message.text
    token = parse_qs(urlparse(url).query)["token"][0]
    status, _refusal, cookie = exchange_link(world.db, world.settings, token, None)
    assert status == 303 and cookie
    status, page = dashboard_page(world.db, world.settings, world.clock, cookie, None, None)
    assert status == 200 and '<html lang="pl"' in page


def test_an_employee_is_refused_in_their_language(sqlite_url):
    world = _world(sqlite_url)
    world.say(EMPLOYEE_EN, "/xgov dashboard")
    assert "The dashboard is for the governance team only" in world.last(EMPLOYEE_EN).text
    world.say(EMPLOYEE, "/xgov dashboard")
    assert "Pulpit jest tylko dla zespołu governance" in world.last(EMPLOYEE).text


def test_without_a_secret_the_dashboard_is_off_and_says_how_to_switch_it_on(sqlite_url):
    world = _world(sqlite_url, secret="")
    world.say(ADMIN, "/xgov dashboard")
    assert "XGOV_WEB_SECRET" in world.last(ADMIN).text
