"""The fake Slack Web API, driven by slack_sdk's real WebClient (and AsyncWebClient)."""
from __future__ import annotations

import asyncio
import http.client
import json
import threading
import time

import pytest

pytest.importorskip("slack_sdk", reason="slack_sdk is not installed (pip install 'slack_sdk>=3.27')")
from slack_sdk import WebClient  # noqa: E402
from slack_sdk.errors import SlackApiError  # noqa: E402
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler  # noqa: E402
from slack_sdk.web.async_client import AsyncWebClient  # noqa: E402

from fakes.slack_api import UPLOAD, FakeSlackApi  # noqa: E402

TOKEN = "xoxb-test-token"
SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "*Weekly digest*"}}


def modal(title: str = "Report a friction", blocks: list | None = None) -> dict:
    return {"type": "modal", "title": {"type": "plain_text", "text": title},
            "submit": {"type": "plain_text", "text": "Send"}, "blocks": blocks if blocks is not None else [SECTION]}


@pytest.fixture
def fake():
    with FakeSlackApi(token=TOKEN) as server:
        yield server


@pytest.fixture
def client(fake):
    return WebClient(token=TOKEN, base_url=fake.base_url)


def error_of(call) -> SlackApiError:
    with pytest.raises(SlackApiError) as caught:
        call()
    return caught.value


def test_auth_test_answers_who_the_bot_is_and_rejects_a_wrong_token(fake, client):
    answer = client.auth_test()
    assert answer["ok"] and answer["user_id"] == "U0XGOVBOT1" and answer["bot_id"] == "B0XGOVBOT1"
    assert answer["team_id"] == "T0XGOVTEST" and answer["url"].startswith("https://")
    assert fake.calls_to("auth.test")[0].token == TOKEN

    wrong = WebClient(token="xoxb-wrong", base_url=fake.base_url)
    assert error_of(wrong.auth_test).response["error"] == "invalid_auth"
    assert error_of(WebClient(base_url=fake.base_url).auth_test).response["error"] == "not_authed"


def test_unknown_method(client):
    assert error_of(lambda: client.api_call("chat.fly")).response["error"] == "unknown_method"


def test_post_message_arrives_parsed_with_increasing_ts_and_update_changes_it(fake, client):
    first = client.chat_postMessage(channel="C0GENERAL1", text="digest", blocks=[SECTION])
    second = client.chat_postMessage(channel="C0GENERAL1", text="second")
    assert first["channel"] == "C0GENERAL1" and abs(float(first["ts"]) - time.time()) < 60  # like Slack's
    assert float(second["ts"]) > float(first["ts"]) and first["message"]["blocks"] == [SECTION]
    assert fake.calls_to("chat.postMessage")[0].args["blocks"] == [SECTION]  # sent as JSON, a list

    updated = client.chat_update(channel="C0GENERAL1", ts=first["ts"], text="digest (corrected)")
    assert updated["ts"] == first["ts"] and updated["text"] == "digest (corrected)"
    assert [m["text"] for m in fake.messages_in("C0GENERAL1")] == ["digest (corrected)", "second"]
    assert error_of(lambda: client.chat_update(channel="C0GENERAL1", ts="1.2", text="x")).response["error"] \
        == "message_not_found"


def test_form_encoded_arguments_are_decoded_like_json_ones(fake, client):
    client.api_call("chat.postMessage", params={"channel": "C0GENERAL1", "blocks": '[{"type": "divider"}]'})
    assert fake.calls_to("chat.postMessage")[-1].args["blocks"] == [{"type": "divider"}]
    assert fake.calls_to("chat.postMessage")[-1].headers["Content-Type"] == "application/x-www-form-urlencoded"


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_post_message_validation(client):
    assert error_of(lambda: client.chat_postMessage(channel="C0GENERAL1")).response["error"] == "no_text"
    too_many = error_of(lambda: client.chat_postMessage(channel="C0GENERAL1", blocks=[SECTION] * 51)).response
    assert too_many["error"] == "invalid_blocks"
    assert "no more than 50 items" in too_many["response_metadata"]["messages"][0]
    assert client.chat_postMessage(channel="C0GENERAL1", blocks=[SECTION] * 50)["ok"]


def test_same_user_gets_the_same_dm_and_posting_to_a_user_id_lands_there(fake, client):
    dm = client.conversations_open(users="U0ALICE001")["channel"]["id"]
    again = client.conversations_open(users="U0ALICE001")
    assert dm.startswith("D") and again["channel"]["id"] == dm and again["already_open"]
    assert client.conversations_open(users="U0BOB00001")["channel"]["id"] != dm
    assert client.chat_postMessage(channel="U0ALICE001", text="hello")["channel"] == dm
    assert [m["text"] for m in fake.messages_in(dm)] == ["hello"] == [m["text"] for m in fake.messages_in("U0ALICE001")]
    assert client.chat_postEphemeral(channel=dm, user="U0ALICE001", text="only you")["message_ts"]


def test_user_directory_and_locale(fake, client):
    fake.add_user("U0ALICE001", "alice@example.org", locale="fr-FR")
    found = client.users_lookupByEmail(email="Alice@example.org")["user"]
    assert found["id"] == "U0ALICE001" and found["profile"]["email"] == "alice@example.org" and "locale" not in found
    assert client.users_info(user="U0ALICE001", include_locale=True)["user"]["locale"] == "fr-FR"
    assert "locale" not in client.users_info(user="U0ALICE001")["user"]
    assert error_of(lambda: client.users_lookupByEmail(email="nobody@example.org")).response["error"] \
        == "users_not_found"


def test_channels_list_and_join(fake, client):
    random_id = fake.add_channel("random")
    names = {c["name"]: c["is_member"] for c in client.conversations_list()["channels"]}
    assert names == {"general": True, "random": False}
    assert error_of(lambda: client.conversations_join(channel=random_id)).response["error"] == "missing_scope"
    fake.scopes |= {"channels:join"}  # not in xgov's manifest: the bot never joins by itself
    assert client.conversations_join(channel=random_id)["channel"]["is_member"]
    assert error_of(lambda: client.conversations_join(channel="C404")).response["error"] == "channel_not_found"


def test_views_need_a_fresh_trigger_and_valid_views():
    now = [100.0]
    with FakeSlackApi(token=TOKEN, clock=lambda: now[0], trigger_ttl_seconds=3) as fake:
        client = WebClient(token=TOKEN, base_url=fake.base_url)
        opened = client.views_open(trigger_id=fake.issue_trigger_id(), view=modal())["view"]
        assert opened["id"].startswith("V") and opened["blocks"] == [SECTION]
        assert fake.calls_to("views.open")[0].args["view"]["type"] == "modal"

        def open_with(trigger, view=None):
            return error_of(lambda: client.views_open(trigger_id=trigger, view=view or modal())).response["error"]

        assert open_with("123.456.abc") == "expired_trigger_id"  # never issued
        assert open_with(fake.calls_to("views.open")[0].args["trigger_id"]) == "exchanged_trigger_id"
        assert open_with(fake.issue_trigger_id(), modal(title="x" * 25)) == "invalid_arguments"
        assert open_with(fake.issue_trigger_id(), modal(blocks=[SECTION] * 101)) == "invalid_arguments"
        stale = fake.issue_trigger_id()
        now[0] += 3.5
        assert open_with(stale) == "expired_trigger_id"

        updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal(title="Thanks"))
        assert updated["view"]["id"] == opened["id"] and updated["view"]["title"]["text"] == "Thanks"
        assert error_of(lambda: client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal())) \
            .response["error"] == "hash_conflict"
        assert client.views_push(trigger_id=fake.issue_trigger_id(), view=modal())["view"]["id"] != opened["id"]

        home = {"type": "home", "blocks": [SECTION]}
        first = client.views_publish(user_id="U0ALICE001", view=home)["view"]
        assert client.views_publish(user_id="U0ALICE001", view=home)["view"]["id"] == first["id"]
        assert fake.home_view("U0ALICE001")["type"] == "home"


def test_files_upload_v2_end_to_end(fake, client):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10
    done = client.files_upload_v2(channel="C0GENERAL1", content=png, filename="x.png", title="Friction trend",
                                  initial_comment="This week")
    file_id = done["file"]["id"]
    assert done["files"] == [{"id": file_id, "title": "Friction trend"}]
    stored = fake.file(file_id)
    assert stored.content == png and stored.length == len(png) and stored.filename == "x.png"
    assert fake.files_in("C0GENERAL1") == [stored] and stored.initial_comment == "This week"
    assert [c.method for c in fake.calls] == ["files.getUploadURLExternal", UPLOAD, "files.completeUploadExternal"]
    complete = fake.calls_to("files.completeUploadExternal")[0]
    assert complete.args["channel_id"] == "C0GENERAL1" and complete.args["files"][0]["id"] == file_id


def test_completing_an_upload_that_never_arrived_fails(client):
    ticket = client.files_getUploadURLExternal(filename="a.txt", length=3)
    assert ticket["upload_url"].startswith("http://127.0.0.1:")
    error = error_of(lambda: client.files_completeUploadExternal(files=[{"id": ticket["file_id"]}]))
    assert error.response["error"] == "file_not_found"


def test_files_upload_is_retired(fake, client):
    with pytest.warns(UserWarning):
        error = error_of(lambda: client.files_upload(channels="C0GENERAL1", content="hello", filename="a.txt"))
    assert error.response["error"] == "method_deprecated"
    assert fake.workspace.files == {} and fake.calls_to("files.upload")[0].args["filename"] == "a.txt"


def test_rate_limit_answers_429_with_retry_after():
    with FakeSlackApi(token=TOKEN, clock=lambda: 0.0) as fake:  # time stands still: no refill
        fake.limit("chat.postMessage", per_second=5)
        client = WebClient(token=TOKEN, base_url=fake.base_url)
        for i in range(5):
            client.chat_postMessage(channel="C0GENERAL1", text=str(i))
        error = error_of(lambda: client.chat_postMessage(channel="C0GENERAL1", text="one too many"))
        assert error.response.status_code == 429 and error.response["error"] == "ratelimited"
        assert int(error.response.headers["Retry-After"]) >= 1
        assert fake.accepted("chat.postMessage") == 5 and fake.rejected("chat.postMessage") == 1
        assert fake.calls_to("chat.postMessage")[-1].rejected and len(fake.messages_in("C0GENERAL1")) == 5


def test_per_channel_limit_follows_the_injected_clock():
    now = [0.0]
    with FakeSlackApi(token=TOKEN, clock=lambda: now[0]) as fake:
        fake.limit("chat.postMessage", per_minute=60, burst=1, per_channel=True)
        client = WebClient(token=TOKEN, base_url=fake.base_url)
        client.chat_postMessage(channel="C1", text="a")
        error = error_of(lambda: client.chat_postMessage(channel="C1", text="b"))
        assert error.response.headers["Retry-After"] == "1"
        client.chat_postMessage(channel="C2", text="other channel, own bucket")
        now[0] += 1.0
        client.chat_postMessage(channel="C1", text="b")
        assert fake.stats()["chat.postMessage"] == {"accepted": 3, "rejected": 1, "failed": 0}


def test_keep_alive_chunked_bodies_and_a_token_argument(fake):
    connection = http.client.HTTPConnection("127.0.0.1", fake.port)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    connection.request("POST", "/api/auth.test", body=f"token={TOKEN}", headers=form)
    assert json.loads(connection.getresponse().read())["ok"]
    connection.request("POST", "/api/chat.postMessage", body=iter([b"channel=C0GENERAL1&", b"text=chunked"]),
                       headers={**form, "Authorization": f"Bearer {TOKEN}"}, encode_chunked=True)
    assert json.loads(connection.getresponse().read())["ok"]  # same connection, chunked body
    connection.close()
    assert [c.token for c in fake.calls] == [TOKEN, TOKEN] and "token" not in fake.calls[0].args
    assert fake.messages_in("C0GENERAL1")[0]["text"] == "chunked" and fake.server_errors == []


def test_retry_handler_delivers_every_message_exactly_once_under_the_limit(fake):
    fake.limit("chat.postMessage", per_second=5)
    client = WebClient(token=TOKEN, base_url=fake.base_url)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=5))
    texts = [f"message {i}" for i in range(20)]
    for text in texts:
        assert client.chat_postMessage(channel="C0GENERAL1", text=text)["ok"]
    assert [m["text"] for m in fake.messages_in("C0GENERAL1")] == texts  # no loss, no duplicate, in order
    assert fake.accepted("chat.postMessage") == 20 and fake.rejected("chat.postMessage") >= 1


def test_scripted_503_is_recovered_by_the_server_error_retry_handler(fake):
    fake.fail_next("chat.postMessage", status=503, times=1)
    plain = WebClient(token=TOKEN, base_url=fake.base_url)
    assert error_of(lambda: plain.chat_postMessage(channel="C0GENERAL1", text="x")).response.status_code == 503

    fake.fail_next("chat.postMessage", status=503, times=2)
    client = WebClient(token=TOKEN, base_url=fake.base_url)
    client.retry_handlers.append(ServerErrorRetryHandler(max_retry_count=2))
    assert client.chat_postMessage(channel="C0GENERAL1", text="after the outage")["ok"]
    assert [m["text"] for m in fake.messages_in("C0GENERAL1")] == ["after the outage"]
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [503, 503, 503, 200]


def test_reset_forgets_what_happened(fake, client):
    client.chat_postMessage(channel="C0GENERAL1", text="x")
    fake.reset()
    assert fake.calls == [] and fake.messages_in("C0GENERAL1") == [] and fake.stats() == {}
    client.chat_postMessage(channel="C0GENERAL1", text="y")
    assert [m["text"] for m in fake.messages_in("C0GENERAL1")] == ["y"]


def test_async_client_sends_params_in_the_query_string_and_works_too(fake):
    async def scenario():
        client = AsyncWebClient(token=TOKEN, base_url=fake.base_url)
        posted = await client.chat_postMessage(channel="C0GENERAL1", text="async", blocks=[SECTION])
        done = await client.files_upload_v2(channel="C0GENERAL1", content=b"abc", filename="a.txt", title="A")
        return posted, done

    posted, done = asyncio.run(scenario())
    assert posted["ok"] and fake.messages_in("C0GENERAL1")[0]["blocks"] == [SECTION]
    assert fake.file(done["file"]["id"]).content == b"abc"


def test_throughput_smoke(fake):
    per_thread, threads = 125, 4

    def send(worker: int) -> None:
        client = WebClient(token=TOKEN, base_url=fake.base_url)
        for i in range(per_thread):
            client.chat_postMessage(channel=f"D{worker:010d}", text=f"{worker}-{i}")

    workers = [threading.Thread(target=send, args=(w,)) for w in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    print(f"\nfake Slack API: {per_thread * threads} chat.postMessage in {elapsed:.2f}s "
          f"= {per_thread * threads / elapsed:.0f} requests/s")
    assert fake.accepted("chat.postMessage") == per_thread * threads
    assert all(len(fake.messages_in(f"D{w:010d}")) == per_thread for w in range(threads))


def test_each_method_needs_its_scope_as_the_manifest_grants_it():
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    with FakeSlackApi(token="xoxb-t", scopes={"chat:write", "im:history"}) as fake:
        channel = fake.add_channel("governance", "C0GOV", is_member=True)
        client = WebClient(token="xoxb-t", base_url=fake.base_url)
        client.chat_postMessage(channel=channel, text="hi")
        with pytest.raises(SlackApiError) as refused:
            client.conversations_history(channel=channel)
        assert refused.value.response["error"] == "missing_scope" and refused.value.response["needed"] == "channels:history"
        dm = client.chat_postMessage(channel="U1", text="hi")["channel"]  # the app's DM with U1
        fake.add_user("U1", "u1@example.pl")
        assert client.conversations_history(channel=dm)["ok"]  # a DM: im:history is granted
        with pytest.raises(SlackApiError):
            client.users_info(user="U1")
        assert not fake.calls_to("users.info")[0].ok
