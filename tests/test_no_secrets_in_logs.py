"""Everything a test run of the server writes to the log (at INFO, as `xgov run` logs, access log
included) is grepped for every token and secret that went through it: none may appear."""
from __future__ import annotations

import json
import logging
import urllib.request

import jwt

from adapters.teams.app import MESSAGES_PATH
from adapters.teams.settings import TeamsSettings
from app.web import build_web_app
from bot.clock import SimulatedClock
from bot.config import Settings
from bot.services.dashboard_links import make_token
from tests import digest_world as w
from tests.slack.app_world import SECRET as SLACK_SIGNING_SECRET
from tests.slack.app_world import TOKEN as SLACK_BOT_TOKEN
from tests.slack.app_world import SlackWorld
from tests.slack.test_slack_app import START
from tests.teams.teams_fixtures import TENANT
from tests.teams.test_teams_app import TeamsApp
from tests.web_server import RunningApp
from tests.world import EMPLOYEE, EMPLOYEE_EN

WEB_SECRET = "web-secret-" + "q" * 40
TEAMS_PASSWORD = "teams-app-password-" + "z" * 20


class Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))  # with any traceback and exception text


def visit_the_dashboard(tmp_path) -> list[str]:
    from storage.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'digest.db'}"
    upgrade(url)
    db = w.build(url)
    settings = Settings(database_url=url, web_secret=WEB_SECRET, default_locale="en")
    running = RunningApp(build_web_app(db=db, settings=settings, clock=SimulatedClock(w.at(8))))
    try:
        with db.unit_of_work() as session:
            token = make_token(session=session, secret=WEB_SECRET, email=w.ADMIN)
        assert running.get(f"/dashboard?token={token}&period=2026-W10")[0] == 200
        assert running.get(f"/dashboard?token={token[:-3]}abc")[0] == 401
        session_cookie = next(cookie.value for cookie in running.cookies)
        return [token, session_cookie]
    finally:
        running.stop()
        db.dispose()


def talk_to_slack(tmp_path) -> list[str]:
    url = f"sqlite:///{tmp_path / 'slack.db'}"
    from storage.migrate import upgrade

    upgrade(url)
    slack = SlackWorld(url, START)
    try:
        body = "command=%2Ffriction&text=Refunds&user_id=U0EWA&channel_id=C0RANDOM&trigger_id=1"
        headers = slack.signed_headers(body, "application/x-www-form-urlencoded")
        slack.post_raw(body, headers)
        slack.post_raw(body, headers)  # the replay
        slack.post_raw("payload=%7Bnot", {**headers, "Content-Type": "application/x-www-form-urlencoded"})
        signed_bad = "payload=%7Bnot"
        slack.post_raw(signed_bad, slack.signed_headers(signed_bad, "application/x-www-form-urlencoded"))
        slack.direct_message(EMPLOYEE_EN, "The printer loses orders", event_id="Ev-logs")
        slack.settle()
        return [headers["X-Slack-Signature"].removeprefix("v0=")]
    finally:
        slack.stop()


def talk_to_teams(tmp_path, monkeypatch) -> list[str]:
    url = f"sqlite:///{tmp_path / 'teams.db'}"
    from storage.migrate import upgrade

    upgrade(url)
    app = TeamsApp(url, monkeypatch, TeamsSettings(app_id="00000000-0000-0000-0000-000000000001",
                                                   app_password=TEAMS_PASSWORD, tenant_id=TENANT))
    try:
        forged = jwt.encode({"aud": "x"}, "k" * 32, algorithm="HS256")
        request = urllib.request.Request(app.server.base + MESSAGES_PATH,
                                         data=json.dumps(app.activity(EMPLOYEE, text="x")).encode(),
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": f"Bearer {forged}"})
        try:
            urllib.request.urlopen(request, timeout=30)
        except urllib.error.HTTPError as refused:
            assert refused.code == 401
        return [forged]
    finally:
        app.stop()


def test_no_token_or_secret_reaches_any_log_line(tmp_path, monkeypatch):
    everything = Everything()
    root = logging.getLogger()
    before = root.level
    root.addHandler(everything)
    root.setLevel(logging.INFO)
    quieted = {name: logger.level for name, logger in logging.root.manager.loggerDict.items()
               if isinstance(logger, logging.Logger) and logger.level > logging.INFO}
    for name in quieted:  # every library speaks at INFO here, whatever an earlier test in this process set
        logging.getLogger(name).setLevel(logging.NOTSET)
    try:
        seen = visit_the_dashboard(tmp_path) + talk_to_slack(tmp_path) + talk_to_teams(tmp_path, monkeypatch)
    finally:
        root.removeHandler(everything)
        root.setLevel(before)
        for name, level in quieted.items():
            logging.getLogger(name).setLevel(level)
    log = "\n".join(everything.lines)
    assert "GET /dashboard" in log and "POST /slack/events" in log  # the access log was captured
    secrets = seen + [WEB_SECRET, SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, TEAMS_PASSWORD]
    leaked = [secret[:12] + "…" for secret in secrets if secret in log]
    assert leaked == [], leaked
    assert "token=" not in log
