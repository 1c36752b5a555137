"""/api/messages probed as an attacker would (401 before the body is read, no traceback), and the real
shapes Teams sends: no channelData, no conversationType, mentions whose text differs, typed < and >,
invokes xgov does not use."""
from __future__ import annotations

import json
import logging
import urllib.request

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from adapters.teams.app import MESSAGES_PATH
from adapters.teams.settings import TeamsSettings
from fakes.bot_connector import fake_member
from tests.teams.teams_fixtures import BOT_ID, TENANT, activity_text
from tests.teams.test_teams_app import TEAMS_IDS, TeamsApp, frictions
from tests.world import ADMIN, EMPLOYEE, EMPLOYEE_EN

APP_ID = "00000000-0000-0000-0000-000000000001"
CHANNEL = "19:ops0cx@thread.tacv2"


def no_tracebacks(caplog) -> None:
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []


def raw(app: TeamsApp, body: bytes, headers: dict) -> int:
    request = urllib.request.Request(app.server.base + MESSAGES_PATH, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def forged_tokens() -> list[str]:
    claims = {"iss": "https://api.botframework.com", "aud": APP_ID, "serviceurl": "http://127.0.0.1/",
              "exp": 4_000_000_000, "nbf": 0}
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ["not-a-jwt", jwt.encode(claims, None, algorithm="none"), jwt.encode(claims, "secret" * 6, algorithm="HS256"),
            jwt.encode(claims, key, algorithm="RS256", headers={"kid": "not-microsofts"})]


@pytest.fixture
def guarded(sqlite_url, monkeypatch):
    app = TeamsApp(sqlite_url, monkeypatch, TeamsSettings(app_id=APP_ID, app_password="secret", tenant_id=TENANT))
    yield app
    app.stop()


def test_with_credentials_every_forged_or_malformed_request_gets_401_and_no_traceback(guarded, caplog,
                                                                                     monkeypatch):
    import aiohttp

    def no_outside_keys(*_args, **_kwargs):  # the RS256 forgery makes botbuilder fetch Microsoft's keys
        raise aiohttp.ClientConnectionError("no outside host in tests")
    monkeypatch.setattr(aiohttp.ClientSession, "get", no_outside_keys)
    caplog.set_level(logging.INFO)
    activity = json.dumps(guarded.activity(EMPLOYEE, text="Faktury")).encode()
    for token in forged_tokens():
        assert raw(guarded, activity, {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}) == 401
    for body in (b"{not json", b"[1]", b'{"type": 5}', b"\xff\xfe"):
        assert raw(guarded, body, {"Content-Type": "application/json", "Authorization": "Bearer x.y.z"}) == 401
        assert raw(guarded, body, {"Content-Type": "application/json"}) == 401
    assert frictions(guarded) == [] and guarded.fake.calls == []
    no_tracebacks(caplog)


@pytest.fixture
def teams(sqlite_url, monkeypatch):
    app = TeamsApp(sqlite_url, monkeypatch)
    yield app
    app.stop()


def test_in_development_a_malformed_activity_gets_400_with_a_reason(teams, caplog):
    caplog.set_level(logging.INFO)
    for body in (b"{not json", b"[1]", json.dumps({"type": "message"}).encode(),
                 json.dumps({**teams.activity(EMPLOYEE, text="x"), "conversation": None}).encode(),
                 json.dumps({**teams.activity(EMPLOYEE, text="x"), "from": None}).encode()):
        assert raw(teams, body, {"Content-Type": "application/json"}) == 400, body
    assert frictions(teams) == []
    no_tracebacks(caplog)


def test_an_activity_without_channel_data_is_taken(teams):
    activity = teams.activity(EMPLOYEE, text="Raport bez channelData")
    del activity["channelData"]
    assert teams.post(activity) in (200, 201)
    assert [f.text for f in frictions(teams)] == ["Raport bez channelData"]


def test_typed_angle_brackets_stay_and_teams_markup_goes(teams):
    teams.write(EMPLOYEE, "<script>alert(1)</script>")
    teams.write(EMPLOYEE, "<!channel>")
    teams.write(EMPLOYEE, "<p>Zwrot &lt;500 zł&gt; wymaga <b>trzech</b> podpisów</p>", textFormat="xml")
    assert [f.text for f in frictions(teams)] == ["<script>alert(1)</script>", "<!channel>",
                                                  "Zwrot <500 zł> wymaga trzech podpisów"]


def channel_message(app: TeamsApp, email: str, text: str, conversation: dict, mention_text: str) -> dict:
    return app.activity(email, text=text, conversation={"id": f"{CHANNEL};messageid=1", "tenantId": TENANT,
                                                        **conversation},
                        entities=[{"type": "mention", "text": mention_text, "mentioned": {"id": BOT_ID, "name": "xgov"}}],
                        channelData={"tenant": {"id": TENANT}, "team": {"id": "19:general0cx@thread.tacv2"},
                                     "channel": {"id": CHANNEL}})


@pytest.mark.parametrize("conversation", [{"conversationType": "channel"}, {"isGroup": True}, {}],
                         ids=["conversationType", "isGroup", "id prefix"])
def test_a_channel_message_without_conversation_type_is_not_taken_for_a_personal_chat(teams, conversation):
    teams.fake.add_conversation(CHANNEL, [fake_member(u, "x") for u in TEAMS_IDS.values()], is_group=True)
    teams.write(EMPLOYEE_EN, "hello")  # known from the personal chat
    personal_before = teams.platform.store.person(EMPLOYEE_EN).conversation.id
    teams.post(channel_message(teams, EMPLOYEE_EN, "<at>XGOV</at>&nbsp;Refunds need the director", conversation,
                               "<at>xgov</at>"))  # the mention's text differs from the entity's
    assert [f.text for f in frictions(teams)] == ["Refunds need the director"]
    assert teams.platform.store.person(EMPLOYEE_EN).conversation.id == personal_before
    assert "F-1" in activity_text(teams.seen(EMPLOYEE_EN)[-1])  # the confirmation went to the personal chat
    assert all("F-1" not in activity_text(a) for a in teams.fake.current_activities(CHANNEL))


@pytest.mark.parametrize("name", ["adaptiveCard/action", "task/fetch", "task/submit", "something/new"])
def test_invokes_xgov_does_not_use_get_an_empty_answer(teams, caplog, name):
    status, _answer = teams.invoke(teams.activity(ADMIN, type="invoke", name=name, value={"data": {}}))
    assert status == 200
    no_tracebacks(caplog)


@pytest.mark.parametrize("locale, expected", [("pl-PL", "xgov nie wie, kim jesteś"),
                                              ("en-US", "xgov cannot tell who you are")])
def test_someone_teams_gives_no_e_mail_for_is_told_why_in_their_language(teams, locale, expected):
    guest = "a:guest-personal"
    teams.fake.add_conversation(guest, [fake_member("29:guest", "Guest")])  # no e-mail, no UPN
    activity = {**teams.activity(EMPLOYEE, text="Raport gościa", locale=locale),
                "from": {"id": "29:guest", "name": "Guest"},
                "conversation": {"id": guest, "conversationType": "personal", "tenantId": TENANT}}
    assert teams.post(activity) in (200, 201)
    [told] = teams.fake.current_activities(guest)
    assert expected in activity_text(told)
    assert frictions(teams) == []
