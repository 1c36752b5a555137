"""xgov in Teams over real HTTP, continued: the digest's charts as https images served by the bot's own
web server, the "Report as friction" message action's dialog, and governance channels bound from
inside (never learnt when the app is installed in a team). Development mode, the fake Bot Connector, nothing outside 127.0.0.1."""
from __future__ import annotations

import logging
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from sqlalchemy import func, select

from adapters.teams.app import add_teams_routes
from adapters.teams.cards import CONTENT_TYPE, SUBMIT_KEY
from adapters.teams.settings import TeamsSettings
from app.web import build_web_app
from bot.clock import SimulatedClock
from bot.config import Settings
from bot.digest import charts
from bot.digest.compute import compute_digest
from bot.digest.period import parse_period
from bot.flows.digest import post_digest
from bot.messages import Message
from storage.db import Database
from storage.models import PublishedImage
from tests import digest_world
from fakes.bot_connector import FakeBotConnector, fake_member
from tests.surveys.test_surveys_results import walk
from tests.teams.teams_fixtures import BOT_ID, TENANT, activity_text, forbid_outside_connections, reference_to
from tests.teams.test_cards import VALIDATOR
from tests.teams.test_teams_app import GOVERNANCE, TEAMS_IDS, TeamsApp, frictions
from tests.web_server import RunningApp
from tests.world import ADMIN, EMPLOYEE, EMPLOYEE_EN

PUBLIC = "https://xgov.example.test"
TEAM = "19:general0cx@thread.tacv2"  # a team's id is its General channel's id
OPS = "19:ops0cx@thread.tacv2"


def cards_in(activity: dict) -> list[dict]:
    return [a["content"] for a in activity.get("attachments") or [] if a["contentType"] == CONTENT_TYPE]


def images_in(activity: dict) -> list[str]:
    return [node["url"] for card in cards_in(activity) for node in walk(card) if node.get("type") == "Image"]


class DigestServer:
    """tests/digest_world's organisation (with a week of data that has charts) behind the bot's web server."""

    def __init__(self, url: str, monkeypatch, public_url: str) -> None:
        forbid_outside_connections(monkeypatch)
        digest_world.build(url).dispose()
        self.db = Database(url)
        self.clock = SimulatedClock(digest_world.at(8))
        self.settings = Settings(database_url=url, default_locale="en", public_url=public_url)
        self.fake = FakeBotConnector().start()
        self.fake.add_conversation(GOVERNANCE, is_group=True)
        web_app = build_web_app(db=self.db, settings=self.settings, clock=self.clock)
        self.platform = add_teams_routes(web_app, db=self.db, settings=self.settings,
                                         teams=TeamsSettings(development=True), clock=self.clock)
        self.platform.store.save_channel("governance", reference_to(self.fake.service_url, GOVERNANCE,
                                                                    conversation_type="channel"))
        self.server = RunningApp(web_app)

    def post_digest(self) -> dict[str, bytes]:
        """Post the digest of 2026-W10 through Teams; the charts the core drew for it (English)."""
        period = parse_period("2026-W10", self.clock())
        self.platform.bot.run_job(lambda turn: post_digest(turn, period))
        with self.db.unit_of_work() as session:
            return charts.all_charts(compute_digest(session, period, now=self.clock()), "en")

    def stop(self) -> None:
        self.server.stop()
        self.fake.stop()
        self.db.dispose()


# --- the digest's charts ---------------------------------------------------------------------

def test_digest_charts_are_https_images_in_the_cards_served_by_the_bots_web_server(sqlite_url, monkeypatch):
    app = DigestServer(sqlite_url, monkeypatch, PUBLIC)
    try:
        drawn = app.post_digest()
        digest, frictions_chart = app.fake.current_activities(GOVERNANCE)
        assert "Governance digest 2026-W10" in activity_text(digest)
        assert "image left out" not in activity_text(digest) + activity_text(frictions_chart)
        [trend_url], [frictions_url] = images_in(digest), images_in(frictions_chart)
        for url, chart in ((trend_url, drawn["trends.png"]), (frictions_url, drawn["frictions.png"])):
            assert url.startswith(PUBLIC + "/images/") and url.endswith(".png")
            assert len(chart) > 20_000  # too big for a Teams message: only a URL can show it
            token = urlsplit(url).path.removeprefix("/images/").removesuffix(".png")
            assert len(token) == 32  # secrets.token_urlsafe(24): 192 random bits
            status, headers, body = fetch(app.server, urlsplit(url).path)
            assert (status, headers["Content-Type"], body) == (200, "image/png", chart)
            assert "max-age=31536000" in headers["Cache-Control"]
        for activity in (digest, frictions_chart):
            for card in cards_in(activity):
                assert list(VALIDATOR.iter_errors(card)) == []
        assert fetch(app.server, "/images/" + "A" * 32 + ".png")[0] == 404
        assert fetch(app.server, "/images/.png")[0] == 404
    finally:
        app.stop()


def test_without_an_https_public_url_the_charts_are_left_out_with_a_note_and_one_log(sqlite_url, monkeypatch,
                                                                                     caplog):
    app = DigestServer(sqlite_url, monkeypatch, "http://127.0.0.1:8080")
    try:
        with caplog.at_level(logging.INFO):
            app.post_digest()
            app.post_digest()
        shown = [activity_text(a) for a in app.fake.current_activities(GOVERNANCE)]
        assert len(shown) == 4 and all("(image left out of this card)" in text for text in shown)
        assert [images_in(a) for a in app.fake.current_activities(GOVERNANCE)] == [[]] * 4
        why = [r for r in caplog.records if "XGOV_PUBLIC_URL" in r.getMessage()]
        assert len(why) == 1 and why[0].levelno == logging.WARNING and "https" in why[0].getMessage()
        with app.db.unit_of_work() as session:
            assert session.scalar(select(func.count()).select_from(PublishedImage)) == 0
    finally:
        app.stop()


def fetch(server: RunningApp, path: str) -> tuple[int, dict, bytes]:
    """GET a path of the bot's web server: (status, headers, body bytes)."""
    try:
        with urllib.request.urlopen(server.base + path, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


# --- "Report as friction" --------------------------------------------------------------------

def channel_invoke(app: TeamsApp, email: str, name: str, value: dict) -> dict:
    """An invoke from a team's channel, as Teams sends a message action there."""
    return app.activity(email, type="invoke", name=name, value=value,
                        conversation={"id": GOVERNANCE, "conversationType": "channel", "isGroup": True,
                                      "tenantId": TENANT},
                        channelData={"tenant": {"id": TENANT}, "team": {"id": TEAM},
                                     "channel": {"id": GOVERNANCE}})


def submit_of(card: dict, kind: str) -> dict:
    return next(a for a in walk(card) if a.get("type") == "Action.Submit" and a["data"][SUBMIT_KEY]["kind"] == kind)


def test_report_as_friction_opens_the_form_in_a_dialog_and_its_send_files_the_report(sqlite_url, monkeypatch):
    app = TeamsApp(sqlite_url, monkeypatch)
    try:
        app.write(EMPLOYEE_EN, "hello")  # xgov knows John and his personal chat from here on
        html = "<p>Refunds &amp; returns need <b>three</b> signatures</p>"
        quoted = {"id": "1700000000999", "body": {"contentType": "html", "content": html}}
        status, answer = app.invoke(channel_invoke(app, EMPLOYEE_EN, "composeExtension/fetchTask", {
            "commandId": "reportFriction", "commandContext": "message", "messagePayload": quoted}))
        assert status == 200 and answer["task"]["type"] == "continue"
        dialog = answer["task"]["value"]
        assert dialog["title"] == "Report a friction" and dialog["card"]["contentType"] == CONTENT_TYPE
        form = dialog["card"]["content"]
        assert list(VALIDATOR.iter_errors(form)) == []
        text_input = next(node for node in walk(form) if node.get("id") == "text")
        assert text_input["value"] == "Refunds & returns need three signatures"  # the chosen message, as words
        assert frictions(app) == [] and len(app.seen(EMPLOYEE_EN)) == 1  # nothing filed, nothing in the chat

        send = submit_of(form, "form")
        data = {**send["data"], "text": text_input["value"], "kind": "workaround"}  # Teams merges the inputs in
        submit = channel_invoke(app, EMPLOYEE_EN, "composeExtension/submitAction", {
            "commandId": "reportFriction", "commandContext": "message", "data": data, "messagePayload": quoted})
        status, answer = app.invoke(submit)
        assert status == 200 and not (answer or {}).get("task")  # an empty answer closes the dialog
        [friction] = frictions(app)
        assert (friction.text, friction.kind) == ("Refunds & returns need three signatures", "workaround")
        assert "Report F-1 received" in activity_text(app.seen(EMPLOYEE_EN)[-1])
        assert app.invoke(submit)[0] == 200 and len(frictions(app)) == 1  # Teams redelivers: filed once

        cancel = submit_of(form, "cancel")
        assert app.invoke(channel_invoke(app, EMPLOYEE_EN, "composeExtension/submitAction", {
            "commandId": "reportFriction", "commandContext": "message", "data": cancel["data"]}))[0] == 200
        assert len(frictions(app)) == 1
    finally:
        app.stop()


# --- governance channels: bound by id from inside, never learnt from an install -------------------

def in_channel(app: TeamsApp, email: str, channel: str, text: str, *, team: str = TEAM, name: str = "") -> dict:
    """A channel message that @mentions the bot, as Teams sends it (a thread's id carries ;messageid=)."""
    mention = "<at>xgov</at>"
    return app.activity(email, text=f"{mention} {text}",
                        conversation={"id": f"{channel};messageid=17000", "conversationType": "channel",
                                      "isGroup": True, "tenantId": TENANT},
                        entities=[{"type": "mention", "text": mention, "mentioned": {"id": BOT_ID, "name": "xgov"}}],
                        channelData={"tenant": {"id": TENANT}, "team": {"id": team, "name": "CX"},
                                     "channel": {"id": channel, "name": name}})


def test_a_governance_admin_binds_the_channel_from_inside_and_another_install_takes_nothing_over(sqlite_url,
                                                                                                 monkeypatch):
    app = TeamsApp(sqlite_url, monkeypatch, governance_known=False)
    try:
        members = [fake_member(user_id, email.split("@")[0], email) for email, user_id in TEAMS_IDS.items()]
        attacker_team, attacker_channel = "19:general0evil@thread.tacv2", "19:governance0evil@thread.tacv2"
        app.fake.add_team(TEAM, [(TEAM, None), (GOVERNANCE, "governance"), (OPS, "cx-ops")], members)
        app.fake.add_team(attacker_team, [(attacker_team, None), (attacker_channel, "governance")], members)
        for team in (TEAM, attacker_team):  # installs learn nothing, in any team
            installed = app.activity(EMPLOYEE, type="installationUpdate", action="add",
                                     conversation={"id": team, "conversationType": "channel", "isGroup": True,
                                                   "tenantId": TENANT},
                                     channelData={"tenant": {"id": TENANT}, "team": {"id": team, "name": "x"}})
            assert app.post(installed) in (200, 201)
        assert app.fake.calls_to("get_teams_channels") == [] and app.platform.store.channel("governance") is None
        for email in (EMPLOYEE, ADMIN):
            app.write(email, "hej")  # known from their personal chat

        assert app.post(in_channel(app, EMPLOYEE, attacker_channel, "channel here", team=attacker_team,
                                   name="governance")) in (200, 201)  # not an admin: refused, privately
        assert app.fake.current_activities(attacker_channel) == []
        assert "Tylko administrator governance" in activity_text(app.seen(EMPLOYEE)[-1])

        assert app.post(in_channel(app, ADMIN, GOVERNANCE, "channel here", name="governance")) in (200, 201)
        [confirmation] = app.fake.current_activities(GOVERNANCE)
        assert "To jest teraz kanał governance" in activity_text(confirmation)

        installed = app.activity(EMPLOYEE, type="installationUpdate", action="add",  # a later install elsewhere
                                 conversation={"id": attacker_team, "conversationType": "channel", "isGroup": True,
                                               "tenantId": TENANT},
                                 channelData={"tenant": {"id": TENANT}, "team": {"id": attacker_team, "name": "x"}})
        app.post(installed)
        app.post(in_channel(app, EMPLOYEE, attacker_channel, "Faktury przepisuję ręcznie", team=attacker_team,
                            name="governance"))  # a report written there: filed, the notice goes to the bound channel
        assert "F-1" in activity_text(app.fake.current_activities(GOVERNANCE)[-1])
        assert all("F-1" not in activity_text(a) for a in app.fake.current_activities(attacker_channel))
        app.platform.bot.run_job(lambda turn: turn.post_to_governance(lambda _: Message(text="Notice")))
        assert activity_text(app.fake.current_activities(GOVERNANCE)[-1]) == "Notice"
        assert app.fake.current_activities(TEAM) == []  # nothing said in General: the install is silent there
    finally:
        app.stop()
