"""xgov inside Teams over real HTTP: Bot Framework activities POSTed to /api/messages, answers through
the fake Bot Connector their serviceUrl points at (development mode: no credentials, no outside host)."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from itertools import count

import pytest
from sqlalchemy import select

from adapters.teams.app import MESSAGES_PATH, add_teams_routes
from adapters.teams.cards import SUBMIT_KEY
from adapters.teams.settings import TeamsSettings
from storage.models import Friction
from fakes.bot_connector import FakeBotConnector, fake_member
from tests.surveys.test_surveys_results import walk
from tests.teams.teams_fixtures import BOT_ID, TENANT, activity_text, forbid_outside_connections, reference_to
from tests.web_server import RunningApp
from app.web import build_web_app
from tests.world import ADMIN, EMPLOYEE, EMPLOYEE_EN, OWNER, World

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
TEAMS_IDS = {ADMIN: "29:1gosia", OWNER: "29:1olek", EMPLOYEE: "29:1ewa", EMPLOYEE_EN: "29:1john"}
LOCALES = {ADMIN: "pl-PL", OWNER: "en-GB", EMPLOYEE: "pl-PL", EMPLOYEE_EN: "en-US"}
GOVERNANCE = "19:governance0xgov@thread.tacv2"


class TeamsApp:
    """The bot's whole web server (build_web_app + Teams) on 127.0.0.1, the fake Bot Connector, a small
    organisation. `governance_known`: the governance channel's reference is saved as if learnt on install."""

    def __init__(self, url: str, monkeypatch, teams: TeamsSettings | None = None, *,
                 public_url: str | None = None, governance_known: bool = True) -> None:
        forbid_outside_connections(monkeypatch)
        self.world = World(url, START)
        if public_url:
            self.world.settings.public_url = public_url
        self.fake = FakeBotConnector().start()
        for email, user_id in TEAMS_IDS.items():
            self.fake.add_conversation(self.personal(email), [fake_member(user_id, email.split("@")[0], email)])
        web_app = build_web_app(db=self.world.db, settings=self.world.settings, clock=self.world.clock)
        self.platform = add_teams_routes(web_app, db=self.world.db, settings=self.world.settings,
                                         teams=teams or TeamsSettings(development=True), clock=self.world.clock)
        if governance_known:
            self.fake.add_conversation(GOVERNANCE, [fake_member(u, "x") for u in TEAMS_IDS.values()], is_group=True)
            self.platform.store.save_channel("governance", reference_to(self.fake.service_url, GOVERNANCE,
                                                                        conversation_type="channel"))
        self.server = RunningApp(web_app)
        self.ids = count(1)

    def stop(self) -> None:
        self.server.stop()
        self.fake.stop()
        self.world.db.dispose()

    @staticmethod
    def personal(email: str) -> str:
        return "a:" + TEAMS_IDS[email].removeprefix("29:") + "-personal"

    def post(self, activity: dict, headers: dict | None = None) -> int:
        return self.invoke(activity, headers)[0]

    def invoke(self, activity: dict, headers: dict | None = None) -> tuple[int, object]:
        """POST an activity; (HTTP status, the JSON answered: an invoke's response body, else None)."""
        request = urllib.request.Request(self.server.base + MESSAGES_PATH, data=json.dumps(activity).encode(),
                                         headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                body = response.read()
                return response.status, json.loads(body) if body else None
        except urllib.error.HTTPError as error:
            return error.code, None

    def activity(self, email: str, **fields) -> dict:
        return {"type": "message", "id": f"act-{next(self.ids)}", "channelId": "msteams",
                "serviceUrl": self.fake.service_url, "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "from": {"id": TEAMS_IDS[email], "name": email.split("@")[0], "aadObjectId": "aad-" + TEAMS_IDS[email]},
                "conversation": {"id": self.personal(email), "conversationType": "personal", "tenantId": TENANT},
                "recipient": {"id": BOT_ID, "name": "xgov"}, "locale": LOCALES[email],
                "channelData": {"tenant": {"id": TENANT}}, **fields}

    def write(self, email: str, text: str, **fields) -> int:
        return self.post(self.activity(email, text=text, **fields))

    def seen(self, email: str) -> list[dict]:
        return self.fake.current_activities(self.personal(email))

    def press(self, email: str, title: str) -> int:
        """Press the card button titled `title` in the person's latest card."""
        card_activity = self.seen(email)[-1]
        card = card_activity["attachments"][0]["content"]
        action = next(a for a in walk(card) if a.get("type") == "Action.Submit" and a.get("title") == title)
        return self.post(self.activity(email, value=action["data"], replyToId=card_activity["id"]))


@pytest.fixture
def teams(database_url, monkeypatch):
    app = TeamsApp(database_url, monkeypatch)
    yield app
    app.stop()


def frictions(app: TeamsApp) -> list[Friction]:
    with app.world.db.unit_of_work() as session:
        return list(session.scalars(select(Friction).order_by(Friction.id)))


def test_writing_to_the_bot_files_a_report_answered_in_polish_and_told_to_governance(teams):
    assert teams.write(EMPLOYEE, "Faktury <at>All</at> przepisuję ręcznie") in (200, 201)
    [friction] = frictions(teams)
    assert friction.text == "Faktury All przepisuję ręcznie"  # Teams markup dropped, the words kept
    reply = activity_text(teams.seen(EMPLOYEE)[-1])
    assert "Zgłoszenie F-1 przyjęte" in reply
    notice = activity_text(teams.fake.current_activities(GOVERNANCE)[-1])
    assert "F-1" in notice


def test_a_redelivered_activity_files_one_report(teams):
    activity = teams.activity(EMPLOYEE_EN, text="Refunds need three signatures")
    for _ in range(3):
        assert teams.post(activity) in (200, 201)
    assert len(frictions(teams)) == 1
    assert len(teams.seen(EMPLOYEE_EN)) == 1


def test_card_buttons_update_the_card_in_place(teams):
    teams.write(EMPLOYEE_EN, "Refunds need three signatures")
    first = teams.seen(EMPLOYEE_EN)[-1]
    assert teams.press(EMPLOYEE_EN, "Manual workaround") in (200, 201)
    assert frictions(teams)[0].kind == "workaround"
    [updated] = teams.seen(EMPLOYEE_EN)
    assert updated["id"] == first["id"] and "whose experience does it affect" in activity_text(updated)


def test_commands_by_their_first_word_and_the_language_of_the_client(teams):
    teams.write(OWNER, "help")
    assert "xgov help" in activity_text(teams.seen(OWNER)[-1])
    teams.write(ADMIN, "triage")
    assert "Kolejka" in activity_text(teams.seen(ADMIN)[-1])
    assert frictions(teams) == []


def test_forms_arrive_as_cards_and_their_submission_is_handled(teams):
    teams.write(EMPLOYEE_EN, "/friction")
    form = teams.seen(EMPLOYEE_EN)[-1]["attachments"][0]["content"]
    send = next(a for a in walk(form) if a.get("type") == "Action.Submit" and a["data"][SUBMIT_KEY]["kind"] == "form")
    value = {**send["data"], "text": "The CRM and ERP disagree", "kind": "workaround"}
    teams.post(teams.activity(EMPLOYEE_EN, value=value, replyToId=teams.seen(EMPLOYEE_EN)[-1]["id"]))
    [friction] = frictions(teams)
    assert (friction.text, friction.kind) == ("The CRM and ERP disagree", "workaround")


def test_with_credentials_an_unauthenticated_request_is_refused(database_url, monkeypatch):
    app = TeamsApp(database_url, monkeypatch, TeamsSettings(app_id="00000000-0000-0000-0000-000000000001",
                                                            app_password="secret", tenant_id=TENANT))
    try:
        assert app.write(EMPLOYEE, "Faktury przepisuję ręcznie") == 401
        assert frictions(app) == [] and app.fake.calls == []
    finally:
        app.stop()


def test_every_card_of_a_whole_friction_lifecycle_and_a_pulse_validates_against_the_schema(sqlite_url, monkeypatch):
    from bot.flows.surveying import invite
    from bot.services import survey_waves
    from tests.teams.test_cards import VALIDATOR

    app = TeamsApp(sqlite_url, monkeypatch)
    try:
        for email in TEAMS_IDS:
            app.write(email, "help")  # first contact: the bot may write to each of them from now on
        app.write(EMPLOYEE_EN, "Refunds above 500 need the director <at>All</at> **now**")
        app.press(EMPLOYEE_EN, "Manual workaround")
        app.write(ADMIN, "assign F-1 P-1")
        app.press(OWNER, "Accept")
        app.press(OWNER, "Resolve")
        form = app.seen(OWNER)[-1]
        send = next(a for a in walk(form["attachments"][0]["content"])
                    if a.get("type") == "Action.Submit" and a["data"][SUBMIT_KEY]["kind"] == "form")
        app.post(app.activity(OWNER, value={**send["data"], "outcome": "policy_changed", "note": "Limit raised"},
                              replyToId=form["id"]))
        assert frictions(app)[0].status == "resolved"
        assert "Limit raised" in activity_text(app.seen(EMPLOYEE_EN)[-1])

        def job(turn):
            survey_waves.ensure_builtin_surveys(session=turn.session, now=turn.now)
            wave_id, emails = survey_waves.send_wave(session=turn.session, key="employee-pulse", audience="everyone",
                                                     now=turn.now, days=7, k=3)
            invite(turn, wave_id, [email for email in emails if email in TEAMS_IDS])
        app.platform.bot.run_job(job)
        app.press(EMPLOYEE, "Zaczynam")
        app.press(EMPLOYEE, "9")
        assert "2/7" in activity_text(app.seen(EMPLOYEE)[-1])
        cards = [attachment["content"] for conversation in [GOVERNANCE, *map(app.personal, TEAMS_IDS)]
                 for activity in app.fake.activities_in(conversation) + app.fake.current_activities(conversation)
                 for attachment in activity.get("attachments", [])
                 if attachment["contentType"] == "application/vnd.microsoft.card.adaptive"]
        assert len(cards) >= 12
        for card in cards:
            assert list(VALIDATOR.iter_errors(card)) == []
    finally:
        app.stop()


def test_a_pulse_with_a_written_comment_updates_one_card_and_old_buttons_change_nothing(teams):
    import copy

    from bot.flows.surveying import invite
    from bot.services import survey_waves
    from storage.models import SurveyAnswer

    def job(turn):
        survey_waves.ensure_builtin_surveys(session=turn.session, now=turn.now)
        wave_id, emails = survey_waves.send_wave(session=turn.session, key="employee-pulse", audience="everyone",
                                                 now=turn.now, days=7, k=3)
        invite(turn, wave_id, [email for email in emails if email in TEAMS_IDS])
    teams.write(EMPLOYEE_EN, "help")
    teams.platform.bot.run_job(job)
    teams.press(EMPLOYEE_EN, "Start")
    teams.press(EMPLOYEE_EN, "8")
    for _ in range(5):
        teams.press(EMPLOYEE_EN, "4 – Agree")
    survey_card = copy.deepcopy(teams.seen(EMPLOYEE_EN)[-1])
    assert "7/7" in activity_text(survey_card)
    teams.press(EMPLOYEE_EN, "Write an answer")
    form = teams.seen(EMPLOYEE_EN)[-1]
    send = next(a for a in walk(form["attachments"][0]["content"])
                if a.get("type") == "Action.Submit" and a["data"][SUBMIT_KEY]["kind"] == "form")
    teams.post(teams.activity(EMPLOYEE_EN, value={**send["data"], "answer": "Invoices are retyped by hand"},
                              replyToId=form["id"]))
    updated = next(a for a in teams.seen(EMPLOYEE_EN) if a["id"] == survey_card["id"])
    assert "Thank you: Team pulse" in activity_text(updated) and "Invoices are retyped" not in activity_text(updated)
    assert sum("Thank you" in activity_text(a) for a in teams.seen(EMPLOYEE_EN)) == 1
    skip = next(a for a in walk(survey_card["attachments"][0]["content"])
                if a.get("type") == "Action.Submit" and a.get("title") == "Skip")
    teams.post(teams.activity(EMPLOYEE_EN, value=skip["data"], replyToId=survey_card["id"]))  # a stale card
    assert "earlier state of the survey message" in activity_text(teams.seen(EMPLOYEE_EN)[-1])
    with teams.world.db.unit_of_work() as session:
        comment = session.scalar(select(SurveyAnswer.value_text).where(SurveyAnswer.question_id == "comment"))
    assert comment == "Invoices are retyped by hand"
    # A card's data is the client's: a form naming a message of another chat (the governance channel's
    # post) changes that message not at all; the answer is saved and confirmed in a new message.
    teams.write(EMPLOYEE_EN, "Refunds need three signatures")
    post = teams.fake.current_activities(GOVERNANCE)[-1]
    token, question = send["data"][SUBMIT_KEY]["metadata"].split("|")[:2]
    forged = json.dumps({"conversation": GOVERNANCE, "message_id": post["id"], "extra": {}})
    data = {**send["data"], SUBMIT_KEY: {**send["data"][SUBMIT_KEY], "metadata": f"{token}|{question}|{forged}"}}
    teams.post(teams.activity(EMPLOYEE_EN, value={**data, "answer": "Written again"}, replyToId=form["id"]))
    assert teams.fake.current_activities(GOVERNANCE)[-1] == post
    assert "Thank you: Team pulse" in activity_text(teams.seen(EMPLOYEE_EN)[-1])
    with teams.world.db.unit_of_work() as session:
        assert session.scalar(select(SurveyAnswer.value_text).where(SurveyAnswer.question_id == "comment")) == "Written again"
