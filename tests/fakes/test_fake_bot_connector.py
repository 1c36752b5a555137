"""The fake Bot Connector, driven by botframework-connector's real ConnectorClient and botbuilder's CloudAdapter.

What the Teams port will catch (found here, against the fake):

* 4xx and 5xx answers to POST (send, reply, create) raise botbuilder.schema.ErrorResponseException
  (an msrest HttpOperationError): ``.response`` is the requests.Response (``.status_code``,
  ``.headers["Retry-After"]``), ``.error.error.code`` Teams' code (None when the body is empty, as for 503).
* 429 is never retried by msrest. 500/502/503/504 (and 408) on PUT, GET and DELETE are retried by
  urllib3 up to 3 times (backoff 0.8 s: 0, 1.6, 3.2 s; Retry-After honoured for 503); when they keep
  failing, msrest raises ClientRequestError whose ``.inner_exception`` is requests' RetryError: no
  status attribute. POST is not retried (urllib3 2 ignores msrest's ``method_whitelist``).
"""
from __future__ import annotations

import asyncio

import pytest

pytest.importorskip("botbuilder.core", reason="botbuilder is not installed (pip install botbuilder-core==4.17.1)")
from botbuilder.core import MessageFactory, TurnContext  # noqa: E402
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication  # noqa: E402
from botbuilder.schema import (  # noqa: E402
    Activity, Attachment, ChannelAccount, ConversationAccount, ConversationParameters, ConversationReference,
    ErrorResponseException,
)
from botframework.connector.aio import ConnectorClient  # noqa: E402
from botframework.connector.auth import MicrosoftAppCredentials, PasswordServiceClientCredentialFactory  # noqa: E402
from msrest.exceptions import ClientRequestError, HttpOperationError  # noqa: E402
from requests.exceptions import RetryError  # noqa: E402

from adapters.teams.cards import CONTENT_TYPE, message_card  # noqa: E402
from bot.messages import Button, Field, Message  # noqa: E402
from fakes.bot_connector import FakeBotConnector, fake_member  # noqa: E402

TOKEN = "fake-token"
APP_ID = "00000000-0000-4000-8000-0000000xgov1"
DM = "a:1dm-ann"
ANN = fake_member("29:1ann", "Ann Nowak", "ann@example.pl")


class FakeCredentials(MicrosoftAppCredentials):
    """An app id and a fixed token: msal and login.microsoftonline.com are never asked."""

    def __init__(self):
        super().__init__(APP_ID, "unused")

    def get_access_token(self, force_refresh: bool = False) -> str:
        return TOKEN


class FakeCredentialFactory(PasswordServiceClientCredentialFactory):
    async def create_credentials(self, app_id, oauth_scope, login_endpoint, validate_authority):
        return FakeCredentials()


class Settings:
    APP_ID, APP_PASSWORD, APP_TYPE, APP_TENANTID = APP_ID, "unused", "MultiTenant", ""


@pytest.fixture(autouse=True)
def only_loopback(monkeypatch):
    """Nothing here may reach an outside host (login.microsoftonline.com, smba.trafficmanager.net, ...)."""
    from tests.teams.teams_fixtures import forbid_outside_connections

    forbid_outside_connections(monkeypatch)


@pytest.fixture
def fake():
    with FakeBotConnector() as server:
        server.add_conversation(DM, [ANN])
        yield server


def client_of(fake: FakeBotConnector, credentials=None) -> ConnectorClient:
    return ConnectorClient(credentials or FakeCredentials(), base_url=fake.service_url)


def message(text: str, **extra) -> Activity:
    return Activity(type="message", text=text, **extra)


def failure(coroutine) -> Exception:
    async def run():
        try:
            await coroutine
        except Exception as problem:  # noqa: BLE001 - the point is to look at it
            return problem
        raise AssertionError("no exception")
    return asyncio.run(run())


def test_send_reply_update_delete_and_members_with_a_real_connector_client(fake):
    async def scenario():
        client = client_of(fake)
        sent = await client.conversations.send_to_conversation(DM, message("Weekly digest"))
        reply = await client.conversations.reply_to_activity(DM, sent.id, message("details"))
        updated = await client.conversations.update_activity(DM, sent.id, message("Weekly digest (fixed)", id=sent.id))
        await client.conversations.delete_activity(DM, reply.id)
        members = await client.conversations.get_conversation_members(DM)
        member = await client.conversations.get_conversation_member(DM, "29:1ann")
        return sent, reply, updated, members, member

    sent, reply, updated, members, member = asyncio.run(scenario())
    assert sent.id.isdigit() and int(reply.id) > int(sent.id) and updated.id == sent.id
    assert [a["text"] for a in fake.activities_in(DM)] == ["Weekly digest", "details"]
    assert fake.activities_in(DM)[1]["replyToId"] == sent.id
    assert [(a["id"], a["text"]) for a in fake.current_activities(DM)] == [(sent.id, "Weekly digest (fixed)")]
    assert [m.id for m in members] == ["29:1ann"] and member.name == "Ann Nowak"
    assert member.additional_properties["email"] == "ann@example.pl"
    operations = [(call.operation, call.method, call.status) for call in fake.calls]
    assert operations == [("send_to_conversation", "POST", 201), ("reply_to_activity", "POST", 201),
                          ("update_activity", "PUT", 200), ("delete_activity", "DELETE", 200),
                          ("get_conversation_members", "GET", 200), ("get_conversation_member", "GET", 200)]
    assert {call.authorization for call in fake.calls} == {f"Bearer {TOKEN}"}
    assert fake.calls[0].path == f"/v3/conversations/{DM}/activities" and fake.calls[0].body["type"] == "message"
    assert fake.calls_to("update_activity", DM)[0].body["text"] == "Weekly digest (fixed)"


def test_creating_a_one_to_one_conversation_gives_the_same_id_for_the_same_person(fake):
    def parameters(member_id: str, **extra) -> ConversationParameters:
        return ConversationParameters(is_group=False, bot=ChannelAccount(id="28:bot"),
                                      members=[ChannelAccount(id=member_id)], tenant_id="t-1", **extra)

    async def scenario():
        client = client_of(fake)
        first = await client.conversations.create_conversation(parameters("29:1bob"))
        again = await client.conversations.create_conversation(parameters("29:1bob", activity=message("Hello")))
        other = await client.conversations.create_conversation(parameters("29:1eve"))
        return first, again, other

    first, again, other = asyncio.run(scenario())
    assert first.id.startswith("a:1") and again.id == first.id and other.id != first.id
    assert first.service_url == fake.service_url and first.activity_id is None and again.activity_id.isdigit()
    assert [a["text"] for a in fake.activities_in(first.id)] == ["Hello"]
    assert fake.conversation(first.id).tenant_id == "t-1"
    problem = failure(client_of(fake).conversations.create_conversation(ConversationParameters(members=[])))
    assert isinstance(problem, ErrorResponseException) and problem.error.error.code == "BadArgument"


def test_an_unknown_conversation_or_activity_is_a_404(fake):
    client = client_of(fake)
    problem = failure(client.conversations.send_to_conversation("a:1nobody", message("hi")))
    assert problem.response.status_code == 404 and problem.error.error.code == "ConversationNotFound"
    problem = failure(client.conversations.update_activity(DM, "1234", message("x", id="1234")))
    assert problem.response.status_code == 404 and problem.error.error.code == "ActivityNotFoundInConversation"


@pytest.mark.parametrize(("status", "retry_after", "code"), [
    (403, None, "ConversationBlockedByUser"), (404, None, "ConversationNotFound"), (429, 7, "Throttled"),
    (503, None, None),
])
def test_scripted_failures_arrive_as_error_response_exceptions(fake, status, retry_after, code):
    fake.fail_next("/v3/conversations/*/activities*", status, retry_after=retry_after)
    problem = failure(client_of(fake).conversations.send_to_conversation(DM, message("hi")))
    assert type(problem) is ErrorResponseException and isinstance(problem, HttpOperationError)
    assert problem.response.status_code == status
    assert problem.response.headers.get("Retry-After") == (str(retry_after) if retry_after else None)
    assert (problem.error.error.code if problem.error.error else None) == code
    (call,) = fake.calls
    assert call.rejected and call.status == status and fake.activities_in(DM) == []
    sent = asyncio.run(client_of(fake).conversations.send_to_conversation(DM, message("again")))  # once only
    assert sent.id and len(fake.calls) == 2


def test_msrest_retries_5xx_on_put_but_not_on_post_and_then_gives_up_without_a_status(fake):
    async def scenario():
        client = client_of(fake)
        sent = await client.conversations.send_to_conversation(DM, message("v1"))
        fake.fail_next("*", 503, method="PUT")
        await client.conversations.update_activity(DM, sent.id, message("v2", id=sent.id))
        return client, sent

    client, sent = asyncio.run(scenario())
    assert [c.status for c in fake.calls_to("update_activity")] == [503, 200]  # retried once, transparently
    assert fake.current_activities(DM)[0]["text"] == "v2"
    fast = client_of(fake)
    fast.config.retry_policy.backoff_factor = 0  # the default waits 0 + 1.6 + 3.2 s
    fake.fail_next("*", 503, method="PUT", times=4)
    problem = failure(fast.conversations.update_activity(DM, sent.id, message("v3", id=sent.id)))
    assert type(problem) is ClientRequestError and isinstance(problem.inner_exception, RetryError)
    assert [c.status for c in fake.calls_to("update_activity")][2:] == [503] * 4
    fake.fail_next("*", 502, method="POST")
    assert failure(client.conversations.send_to_conversation(DM, message("x"))).response.status_code == 502


def test_rate_limits_answer_429_with_retry_after_per_conversation_and_app_wide():
    now = [1000.0]
    with FakeBotConnector(clock=lambda: now[0]) as fake:
        conversations = [fake.add_conversation(f"a:1user{i}", [ANN]).id for i in range(5)]
        fake.limit_rate()

        async def burst(conversation_id: str, count: int) -> list[int]:
            client, statuses = client_of(fake), []
            for at in range(count):
                try:
                    await client.conversations.send_to_conversation(conversation_id, message(f"m{at}"))
                    statuses.append(201)
                except ErrorResponseException as problem:
                    statuses.append(problem.response.status_code)
                    assert problem.response.headers["Retry-After"] == "1"
                    assert problem.error.error.code == "Throttled"
            return statuses

        assert asyncio.run(burst(conversations[0], 9)) == [201] * 7 + [429] * 2
        now[0] += 1.0  # the 1 s window is free again, the 2 s window holds 7 of 8
        assert asyncio.run(burst(conversations[0], 2)) == [201, 429]
        now[0] += 60
        statuses = [status for conversation in conversations for status in asyncio.run(burst(conversation, 7))]
        assert statuses.count(201) == 30 and statuses[-5:] == [429] * 5  # the app-wide 30 a second
        assert len(fake.activities_in(conversations[0])) == 8 + 7


def test_a_rendered_card_fits_and_an_oversized_activity_is_refused_with_413(fake):
    huge = Message(header="Digest", text="Zgłoszenie <at>x</at> **b** " * 3000,
                   fields=tuple(Field(f"F{i}", "v" * 60) for i in range(200)), buttons=(Button("Open", "open", "1"),))
    card = Activity(type="message", summary="Digest",
                    attachments=[Attachment(content_type=CONTENT_TYPE, content=message_card(huge))])
    client = client_of(fake)
    sent = asyncio.run(client.conversations.send_to_conversation(DM, card))
    (stored,) = fake.activities_in(DM)
    assert stored["id"] == sent.id and stored["attachments"][0]["content"]["type"] == "AdaptiveCard"
    problem = failure(client.conversations.send_to_conversation(DM, message("x" * 30_000)))
    assert problem.response.status_code == 413 and problem.error.error.code == "MessageSizeTooBig"


def test_with_a_token_set_a_request_without_it_is_denied():
    with FakeBotConnector(token=TOKEN) as fake:
        fake.add_conversation(DM, [ANN])
        problem = failure(client_of(fake, MicrosoftAppCredentials("", "")).conversations.send_to_conversation(
            DM, message("hi")))
        assert type(problem) is ErrorResponseException and problem.response.status_code == 401
        assert fake.calls[0].authorization is None
        assert asyncio.run(client_of(fake).conversations.send_to_conversation(DM, message("hi"))).id


def test_cloud_adapter_sends_proactively_as_replies_and_surfaces_the_errors(fake):
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(Settings(),
                                                                   credentials_factory=FakeCredentialFactory()))
    reference = ConversationReference(channel_id="msteams", service_url=fake.service_url,
                                      conversation=ConversationAccount(id=DM), bot=ChannelAccount(id="28:bot"),
                                      user=ChannelAccount(id="29:1ann"))
    seen = {}

    async def turn(context: TurnContext):
        sent = await context.send_activity(MessageFactory.text("Your pulse is open"))
        edited = MessageFactory.text("Your pulse is closed")
        edited.id = sent.id
        await context.update_activity(edited)
        fake.fail_next("/v3/conversations/*/activities*", 403)
        try:
            await context.send_activity("blocked")
        except ErrorResponseException as problem:
            seen["problem"] = problem

    asyncio.run(adapter.continue_conversation(reference, turn, APP_ID))
    assert [(c.operation, c.status) for c in fake.calls] == [
        ("reply_to_activity", 201), ("update_activity", 200), ("reply_to_activity", 403)]
    assert {call.authorization for call in fake.calls} == {f"Bearer {TOKEN}"}
    assert [a["text"] for a in fake.current_activities(DM)] == ["Your pulse is closed"]
    assert seen["problem"].response.status_code == 403
    assert seen["problem"].error.error.code == "ConversationBlockedByUser"


def test_the_channels_of_a_team_are_listed_by_the_teams_connector_client(fake):
    from botframework.connector.teams import TeamsConnectorClient

    team = "19:general0team@thread.tacv2"
    fake.add_team(team, [(team, None), ("19:gov0team@thread.tacv2", "governance")], [ANN])
    client = TeamsConnectorClient(FakeCredentials(), fake.service_url)
    channels = client.teams.get_teams_channels(team).conversations  # this client is synchronous (requests)
    assert [(c.id, c.name) for c in channels] == [(team, None), ("19:gov0team@thread.tacv2", "governance")]
    (call,) = fake.calls
    assert (call.operation, call.method, call.path, call.conversation_id) == (
        "get_teams_channels", "GET", f"/v3/teams/{team}/conversations", team)
    assert fake.conversation("19:gov0team@thread.tacv2").is_group  # the bot may post there
    with pytest.raises(HttpOperationError) as refused:  # the teams operations raise the plain msrest error
        client.teams.get_teams_channels("19:unknown@thread.tacv2")
    assert refused.value.response.status_code == 404
