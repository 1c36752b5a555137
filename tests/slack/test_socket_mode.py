"""xgov over Slack's Socket Mode, with no outside host: the bot's own WebSocket client (slack_bolt's
SocketModeHandler on slack_sdk's built-in client, as `xgov run --platform slack` starts it when
SLACK_APP_TOKEN is set) asks the fake Web API's apps.connections.open for a ws:// URL and connects
to a fake Socket Mode server on 127.0.0.1, which pushes envelopes the way Slack does and records
the acks. The payloads are SlackWorld's (the HTTP-mode tests'), carried in envelopes instead of
signed POSTs.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from datetime import datetime, timezone

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select

import adapters.slack.bolt_app as bolt_app_module
import adapters.slack.socket_mode as socket_mode_module
import app.web as web_module
from adapters.slack.bolt_app import slack_platform
from adapters.slack.http import EVENTS_PATH
from adapters.slack.settings import SlackSettings
from adapters.slack.socket_mode import start_socket_mode
from app import cli
from storage.models import Friction, InboundDelivery
from fakes.slack_api import FakeSlackApi
from fakes.slack_socket_mode import FakeSocketMode
from tests.slack.app_world import SLACK_IDS, SLACK_LOCALES, TOKEN, SlackWorld, TrackingExecutor
from tests.world import ADMIN, EMPLOYEE, EMPLOYEE_EN, World

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
APP_TOKEN = "xapp-1-A0XGOVAPP1-1234567890-0123456789abcdef"
SLACK_ENV = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "XGOV_SLACK_API_URL")


@contextlib.contextmanager
def waking(handler, socket_mode: FakeSocketMode, connection: int | None = None):
    """Keep slack_sdk's built-in client awake while it lets a socket go, so that it takes milliseconds.

    Closing a connection waits for the thread blocked in that socket's recv (timeout: 3 s), and
    handler.close() also for the message processor blocked in its queue's get (timeout: 1 s).
    Slack's servers ping now and then, which returns the recv; the fake pings every 20 ms instead,
    and the processor gets the None it skips. Nothing else changes: the close is the client's own."""
    done = threading.Event()

    def wake() -> None:
        while not done.is_set():
            with contextlib.suppress(Exception):  # the socket may be closing or gone already
                socket_mode.ping(connection=connection)
            handler.client.message_queue.put(None)
            done.wait(0.02)

    waker = threading.Thread(target=wake, name="wake-socket-mode-client")
    waker.start()
    try:
        yield
    finally:
        done.set()
        waker.join(5)


def new_threads(before: set[threading.Thread]) -> list[str]:
    """Threads started since `before` that are still alive (after a short grace to finish)."""
    for thread in set(threading.enumerate()) - before:
        thread.join(1)
    return [thread.name for thread in set(threading.enumerate()) - before if thread.is_alive()]


def add_people(fake: FakeSlackApi) -> str:
    """SlackWorld's Slack users and #governance; the channel's id."""
    for email, user_id in SLACK_IDS.items():
        fake.add_user(user_id, email, locale=SLACK_LOCALES[email])
    fake.add_user("U0STRANGER", "stranger@example.com", locale="pl-PL")
    return fake.add_channel("governance", is_member=True)


class SocketModeWorld(SlackWorld):
    """SlackWorld's directory, fake Web API and payloads, delivered as Socket Mode envelopes.

    post_form (commands, interactions) and post_json (events) push an envelope and wait for its ack:
    (200, the ack's payload as JSON or "" for a plain ack, seconds from envelope to ack), the answer
    an HTTP request would have had."""

    def __init__(self, url: str, start) -> None:
        fake = FakeSlackApi(token=TOKEN, app_token=APP_TOKEN).start()
        add_people(fake)
        super().__init__(url, start, fake=fake)  # SlackWorld's state and helpers...
        super().stop()  # ...without its HTTP endpoint (the fake is not SlackWorld's, so it keeps running)
        self._own_fake = True
        self.socket_mode = FakeSocketMode(app_id="A0XGOVAPP1").start()
        self.fake.socket_mode_url = self.socket_mode.issue_url
        self.executor = TrackingExecutor()
        slack = SlackSettings(bot_token=TOKEN, app_token=APP_TOKEN, api_url=self.fake.base_url)
        self.platform = slack_platform(db=self.world.db, settings=self.world.settings, slack=slack,
                                       clock=self.world.clock, listener_executor=self.executor)
        self.handler = start_socket_mode(self.platform.app, APP_TOKEN)
        self.connection = self.socket_mode.wait_connected()

    def stop(self) -> None:
        with waking(self.handler, self.socket_mode):
            self.handler.close()
        self.executor.shutdown(wait=True)
        self.socket_mode.stop()
        self.fake.stop()

    def post_raw(self, body: str, headers: dict[str, str]) -> tuple[int, str, float]:
        raise AssertionError("in Socket Mode Slack sends nothing over HTTP")

    def post_form(self, fields: dict[str, str]) -> tuple[int, str, float]:
        if "payload" in fields:
            return self._answer(self.socket_mode.interactive(json.loads(fields["payload"])))
        return self._answer(self.socket_mode.slash_command(dict(fields)))

    def post_json(self, payload: dict, extra: dict[str, str] | None = None) -> tuple[int, str, float]:
        extra = extra or {}
        return self._answer(self.socket_mode.events_api(
            payload, retry_attempt=int(extra.get("X-Slack-Retry-Num", 0)),
            retry_reason=extra.get("X-Slack-Retry-Reason", "")))

    def _answer(self, envelope_id: str) -> tuple[int, str, float]:
        ack = self.socket_mode.wait_ack(envelope_id)
        return 200, "" if ack.payload is None else json.dumps(ack.payload), ack.seconds


@pytest.fixture
def slack(database_url):
    before = set(threading.enumerate())
    world = SocketModeWorld(database_url, START)
    try:
        yield world
    finally:
        world.stop()
    assert world.socket_mode.errors == [] and world.fake.server_errors == []
    assert new_threads(before) == [], "a thread outlived the Socket Mode client"


def frictions(slack: SlackWorld) -> list[Friction]:
    with slack.world.db.unit_of_work() as session:
        return list(session.scalars(select(Friction).order_by(Friction.id)))


def texts(message: dict) -> str:
    return json.dumps(message.get("blocks", []), ensure_ascii=False) + message.get("text", "")


# -- the connection -------------------------------------------------------------------------------

def test_the_socket_comes_from_apps_connections_open_and_survives_a_refresh(slack):
    [opened] = slack.fake.calls_to("apps.connections.open")
    assert opened.ok and opened.headers["Authorization"] == f"Bearer {APP_TOKEN}"
    assert opened.response["url"].startswith(f"ws://127.0.0.1:{slack.socket_mode.port}/link/?ticket=")
    assert slack.connection.ticket in opened.response["url"]
    assert {call.token for call in slack.fake.calls if call.method != "apps.connections.open"} <= {TOKEN}
    slack.socket_mode.wait_until(lambda fake: fake.connections[0].pings >= 1, "the client's ping")  # pong'd
    slack.socket_mode.ping()
    slack.socket_mode.wait_until(lambda fake: fake.connections[0].pongs >= 1, "the client's pong")

    # Slack recycles sockets. Without pings on the old one, the client would handle nothing for up to
    # 3 s here: it closes the old socket only once that socket's blocking recv returns (slack_sdk
    # 3.47's built-in client), and it does so on the thread that hands envelopes to bolt.
    with waking(slack.handler, slack.socket_mode, connection=0):
        slack.socket_mode.disconnect("refresh_requested")
        second = slack.socket_mode.wait_connected(count=2)
        slack.socket_mode.wait_closed(0)
    opened = slack.fake.calls_to("apps.connections.open")
    assert len(opened) == 2 and opened[0].response["url"] != opened[1].response["url"]  # a new ticket
    status, _body, _seconds = slack.command(EMPLOYEE, "/friction", "Po odświeżeniu połączenia")
    assert status == 200 and slack.socket_mode.acks[-1].connection == second.index
    assert [f.text for f in frictions(slack)] == ["Po odświeżeniu połączenia"]


# -- the same requests as over HTTP -----------------------------------------------------------------

def test_a_friction_command_is_acked_at_once_and_filed_after(slack):
    slack.fake.fail_next("chat.postMessage", status=429, retry_after=1)  # the Web API makes the bot wait
    status, body, seconds = slack.command(EMPLOYEE, "/friction", "Zwrot &lt;!channel&gt; wymaga 3 podpisów",
                                          settle=False)
    assert status == 200 and body == "" and seconds < 1.0  # acked while the bot still waits out Retry-After
    assert slack.socket_mode.acks[-1].message == {"envelope_id": slack.socket_mode.envelopes[-1].envelope_id}
    assert slack.dms(EMPLOYEE) == []
    slack.settle()
    [friction] = frictions(slack)
    assert friction.text == "Zwrot <!channel> wymaga 3 podpisów"
    assert "Zgłoszenie F-1 przyjęte" in texts(slack.last_dm(EMPLOYEE))
    assert "F-1" in texts(slack.governance_posts()[-1])


def test_an_event_redelivered_by_slack_is_acked_twice_and_filed_once(slack):
    for retry in (0, 1):
        status, body, _seconds = slack.direct_message(EMPLOYEE, "Faktury przepisuję ręcznie", event_id="Ev0SOCKET1",
                                                      retry=retry)
        assert status == 200 and body == ""
    first, second = (e.message for e in slack.socket_mode.envelopes)
    assert (first["type"], first["retry_attempt"], second["retry_attempt"]) == ("events_api", 0, 1)
    assert len(frictions(slack)) == 1
    assert len(slack.dms(EMPLOYEE)) == 1  # one acknowledgement
    with slack.world.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(InboundDelivery)) == 1


def test_clicks_work_and_a_refused_modal_submission_comes_back_in_the_ack(slack):
    slack.command(EMPLOYEE_EN, "/friction", "Refunds above 500 need the director")
    first = slack.last_dm(EMPLOYEE_EN)
    status, body, _seconds = slack.click(EMPLOYEE_EN, "Manual workaround")
    assert status == 200 and body == ""
    assert slack.socket_mode.envelopes[-1].message["payload"]["type"] == "block_actions"
    [updated] = slack.dms(EMPLOYEE_EN)  # updated in place, not a new message
    assert updated["ts"] == first["ts"] and "whose experience does it affect" in texts(updated)
    assert frictions(slack)[0].kind == "workaround"

    slack.command(ADMIN, "/xgov", "triage")
    queue = slack.last_dm(ADMIN)
    slack.click(ADMIN, next(e["text"]["text"] for b in queue["blocks"] if b["type"] == "actions"
                            for e in b["elements"]), queue)
    triage = slack.last_modal()
    policy = next(b for b in triage["blocks"] if b.get("block_id") == "policy")["element"]
    first_policy = (policy.get("options") or policy["option_groups"][0]["options"])[0]["text"]["text"]
    dms_before = len(slack.dms(ADMIN))
    status, body, _seconds = slack.submit(ADMIN, {"policy": first_policy, "owner": "nikt@example.pl"})
    assert status == 200 and slack.socket_mode.envelopes[-1].message["payload"]["type"] == "view_submission"
    assert slack.socket_mode.acks[-1].payload == json.loads(body) == {
        "response_action": "errors", "errors": {"owner": "W katalogu nie ma nikogo z adresem nikt@example.pl."}}
    assert frictions(slack)[0].status == "new"
    assert len(slack.dms(ADMIN)) == dms_before  # shown in the modal, not sent again as a message


# -- the fake's apps.connections.open refuses what Slack refuses ----------------------------------

def test_apps_connections_open_takes_only_an_app_level_token_in_the_header():
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    with FakeSlackApi(token=TOKEN, app_token=APP_TOKEN) as fake, FakeSocketMode() as socket_mode:
        fake.socket_mode_url = socket_mode.issue_url

        def error(call) -> str:
            with pytest.raises(SlackApiError) as refused:
                call()
            return refused.value.response["error"]

        client = WebClient(token=TOKEN, base_url=fake.base_url)
        assert error(lambda: client.api_call("apps.connections.open")) == "not_allowed_token_type"
        assert error(lambda: client.apps_connections_open(app_token="xapp-1-other")) == "invalid_auth"
        assert error(lambda: WebClient(base_url=fake.base_url).api_call(
            "apps.connections.open", data={"token": APP_TOKEN}, headers={})) == "invalid_auth"  # a form field only
        assert error(lambda: WebClient(token=APP_TOKEN, base_url=fake.base_url).auth_test()) == "not_allowed_token_type"
        url = client.apps_connections_open(app_token=APP_TOKEN)["url"]
        assert url.startswith("ws://127.0.0.1:") and "&app_id=A0XGOVAPP1" in url
        assert client.apps_connections_open(app_token=APP_TOKEN)["url"] != url  # a new ticket every time
        fake.socket_mode_url = None
        assert error(lambda: client.apps_connections_open(app_token=APP_TOKEN)) == "fake_socket_mode_not_configured"


def test_the_fake_socket_says_hello_and_each_ticket_opens_one_connection():
    async def visit(url: str) -> tuple[int, dict | None]:
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(url) as ws:
                    return 101, json.loads((await ws.receive(timeout=5)).data)
            except aiohttp.WSServerHandshakeError as refused:
                return refused.status, None

    with FakeSocketMode(app_id="A0XGOVAPP1", host="applink-7") as socket_mode:
        url = socket_mode.issue_url()
        assert asyncio.run(visit(url)) == (101, {
            "type": "hello", "num_connections": 1,
            "debug_info": {"host": "applink-7", "build_number": 1, "approximate_connection_time": 18060},
            "connection_info": {"app_id": "A0XGOVAPP1"}})
        assert asyncio.run(visit(url)) == (401, None)  # the ticket was used
        assert socket_mode.refused_tickets == [url.split("ticket=")[1].split("&")[0]]


# -- `xgov run --platform slack` -----------------------------------------------------------------------

@pytest.fixture
def no_slack_env(monkeypatch):
    for name in SLACK_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(web_module, "serve", lambda *_: pytest.fail("the server must not start"))
    return monkeypatch


@pytest.mark.parametrize("bot_token", ["", TOKEN])
def test_run_without_a_signing_secret_or_an_app_token_refuses_to_start(sqlite_url, no_slack_env, caplog, bot_token):
    if bot_token:
        no_slack_env.setenv("SLACK_BOT_TOKEN", bot_token)
    caplog.set_level(logging.INFO, logger="xgov")
    assert cli.main(["--database-url", sqlite_url, "run", "--platform", "slack"]) == 2
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("SLACK_SIGNING_SECRET is not set" in e and "SLACK_APP_TOKEN" in e for e in errors), errors
    assert any("SLACK_BOT_TOKEN is not set" in e for e in errors) == (not bot_token), errors
    assert any("docs/slack.md" in e for e in errors), errors


def test_run_with_an_app_token_serves_slack_over_socket_mode(sqlite_url, no_slack_env, caplog):
    """`xgov run --platform slack` itself; only its blocking web server is replaced by a short visit."""
    before = set(threading.enumerate())
    world = World(sqlite_url, START)  # the directory: people who may report
    executor = TrackingExecutor()
    handlers = []
    real_start, real_platform = socket_mode_module.start_socket_mode, bolt_app_module.slack_platform

    def start_socket_mode_seen(app, app_token):
        handlers.append(real_start(app, app_token))
        return handlers[-1]

    no_slack_env.setattr(socket_mode_module, "start_socket_mode", start_socket_mode_seen)
    no_slack_env.setattr(bolt_app_module, "slack_platform",  # the same platform, on a pool the test can await
                         lambda **kwargs: real_platform(**kwargs, listener_executor=executor))
    caplog.set_level(logging.INFO, logger="xgov")
    with FakeSlackApi(token=TOKEN, app_token=APP_TOKEN) as fake, FakeSocketMode() as socket_mode:
        add_people(fake)
        fake.socket_mode_url = socket_mode.issue_url
        for name, value in (("SLACK_BOT_TOKEN", TOKEN), ("SLACK_APP_TOKEN", APP_TOKEN),
                            ("XGOV_SLACK_API_URL", fake.base_url)):
            no_slack_env.setenv(name, value)

        def while_serving() -> None:
            socket_mode.wait_connected()
            envelope_id = socket_mode.slash_command({
                "team_id": "T0XGOV", "channel_id": "C0RANDOM", "user_id": SLACK_IDS[EMPLOYEE], "user_name": "ewa",
                "command": "/friction", "text": "Zwroty wymagają trzech podpisów", "api_app_id": "A0XGOVAPP1",
                "response_url": "https://hooks.slack.invalid/commands/1", "trigger_id": fake.issue_trigger_id()})
            assert socket_mode.wait_ack(envelope_id).seconds < 1.0
            assert executor.idle(10)
            assert "F-1" in json.dumps(fake.messages_in(SLACK_IDS[EMPLOYEE]), ensure_ascii=False)

        async def serve(web_app: web.Application) -> None:
            assert EVENTS_PATH not in {route.resource.canonical for route in web_app.router.routes()}
            runner = web.AppRunner(web_app)
            await runner.setup()
            try:
                await asyncio.to_thread(while_serving)
            finally:
                with waking(handlers[0], socket_mode):
                    await runner.cleanup()  # on_cleanup closes the Socket Mode client

        no_slack_env.setattr(web_module, "serve", lambda web_app, _port: asyncio.run(serve(web_app)))
        assert cli.main(["--database-url", sqlite_url, "run", "--platform", "slack"]) == 0
        socket_mode.wait_closed(0)
    executor.shutdown(wait=True)
    infos = [r.getMessage() for r in caplog.records]
    assert any("Socket Mode connected" in line for line in infos), infos
    assert not any("/slack/events" in line for line in infos)  # no HTTP endpoint in Socket Mode
    assert world.stored_texts() == ["Zwroty wymagają trzech podpisów"]
    assert new_threads(before) == [], "a thread outlived `xgov run`"


def test_tokens_of_the_wrong_kind_are_named_before_anything_starts():
    from adapters.slack.settings import SlackSettings

    swapped = SlackSettings(bot_token="xapp-1-A1-2-abc", app_token="xoxb-123", signing_secret="")
    problems = " ".join(swapped.problems())
    assert "SLACK_BOT_TOKEN must be the bot token" in problems and "SLACK_APP_TOKEN must be an app-level token" in problems
    assert SlackSettings(bot_token="xoxb-1", app_token="xapp-1").problems() == []
