"""TeamsPort against the fake Bot Connector: errors, retries, pacing, images (the contract suite covers the rest)."""
from __future__ import annotations

import asyncio
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

pytest.importorskip("botbuilder.core", reason="botbuilder is not installed (pip install botbuilder-core==4.17.1)")

from adapters.teams.cards import IMAGE_DATA_BYTES  # noqa: E402
from adapters.teams.port import Pacer, TeamsApiError, TeamsPort, message_ref_of  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.messages import Image, Message, MessageRef  # noqa: E402
from bot.ports import MessageGone, Unreachable  # noqa: E402
from bot.app import XgovBot  # noqa: E402
from tests.conftest import START  # noqa: E402
from fakes.bot_connector import fake_member  # noqa: E402
from tests.teams.teams_fixtures import GOVERNANCE, PEOPLE, TeamsWorld, development_adapter, reference_to  # noqa: E402

ANNA, OLEK = "anna@example.pl", "olek@example.pl"
ANNA_CHAT = PEOPLE[ANNA][1]
CHANNEL = GOVERNANCE[1]
SENDS = f"/v3/conversations/{ANNA_CHAT}/activities*"


@pytest.fixture
def world(sqlite_url, monkeypatch):
    world = TeamsWorld.start(sqlite_url, monkeypatch)
    yield world
    world.stop()


def run_job(world: TeamsWorld, job) -> None:
    """What the core does with a job's messages: each through the port, one Unreachable stopping no other."""
    bot = XgovBot(db=world.db, port=world.port, settings=Settings(default_locale="pl"), platform="teams",
                  clock=lambda: START)
    bot.run_job(job)


def statuses(world: TeamsWorld, operation: str = "send_to_conversation", conversation: str = ANNA_CHAT) -> list[int]:
    return [call.status for call in world.fake.calls_to(operation, conversation)]


def timed(action) -> float:
    started = time.monotonic()
    action()
    return time.monotonic() - started


# --- references ----------------------------------------------------------------------------

def test_the_store_keeps_references_as_botbuilder_json_per_person_and_channel(database_url, monkeypatch):
    world = TeamsWorld.start(database_url, monkeypatch)
    try:
        anna = world.store.person("ANNA@example.pl ")
        assert anna.serialize() == reference_to(world.fake.service_url, ANNA_CHAT, "29:1anna").serialize()
        assert world.store.channel("#governance").conversation.id == CHANNEL and world.store.channel("x") is None
        assert world.store.email_of("29:1olek") == OLEK and world.store.email_of("29:1nobody") is None
        assert world.store.mark_unreachable(ANNA) is True and world.store.mark_unreachable(ANNA) is False
        assert world.store.find_person(ANNA)[1] is False
    finally:
        world.stop()


# --- refusals ------------------------------------------------------------------------------

def test_a_blocked_person_is_marked_the_governance_channel_is_told_once_and_the_turn_goes_on(database_url,
                                                                                            monkeypatch, caplog):
    world = TeamsWorld.start(database_url, monkeypatch)
    try:
        world.fake.fail_next(SENDS, 403)  # ConversationBlockedByUser
        with caplog.at_level(logging.WARNING):
            run_job(world, lambda turn: [turn.tell(ANNA, lambda _: Message(text="Your report F-7 was accepted")),
                                         turn.tell(OLEK, lambda _: Message(text="F-7 is yours"))])
        assert world.seen_by(ANNA) == [] and world.seen_by(OLEK) == ["F-7 is yours"]
        assert "not delivered" in caplog.text and ANNA in caplog.text
        assert world.store.find_person(ANNA)[1] is False
        (notice,) = world.seen_by("#governance")
        assert "Nie można dotrzeć do anna@example.pl" in notice and "Microsoft Teams" in notice

        with pytest.raises(Unreachable, match="blocked or removed") as again:  # no request: known unreachable
            world.port.send_to_user(ANNA, Message(text="again"))
        assert not again.value.newly  # not news: nobody is told again
        assert statuses(world) == [403] and len(world.seen_by("#governance")) == 1

        world.store.save_person(ANNA, world.store.person(ANNA), PEOPLE[ANNA][0])  # Anna writes to the bot again
        world.port.send_to_user(ANNA, Message(text="welcome back"))
        assert world.seen_by(ANNA) == ["welcome back"]
    finally:
        world.stop()


def test_a_403_on_an_update_also_marks_the_person_and_the_port_itself_posts_nothing(world):
    ref = world.port.send_to_user(ANNA, Message(text="v1"))
    world.fake.fail_next("*", 403, method="PUT", code="BotNotInConversationRoster")
    with pytest.raises(Unreachable) as raised:
        world.port.update_message(ref, Message(text="v2"))
    assert raised.value.newly and raised.value.person == ANNA and not raised.value.never_opened
    assert world.store.find_person(ANNA)[1] is False
    assert world.seen_by("#governance") == []  # telling governance is the core's decision, through the outbox


def test_a_stale_conversation_is_unreachable_without_marking_anyone(world):
    world.fake.fail_next(SENDS, 404)  # ConversationNotFound
    with pytest.raises(Unreachable, match="no longer exists"):
        world.port.send_to_user(ANNA, Message(text="hi"))
    assert world.store.find_person(ANNA)[1] is True and world.seen_by("#governance") == []


def test_without_a_reference_a_channel_is_unreachable_with_a_clear_message(world):
    with pytest.raises(Unreachable, match="binds a channel by writing @xgov channel here"):
        world.port.post_to_channel("#random", Message(text="hi"))
    assert world.fake.calls == []


def test_a_person_who_never_opened_xgov_is_unreachable_and_the_governance_channel_is_told_once(database_url,
                                                                                              monkeypatch, caplog):
    world = TeamsWorld.start(database_url, monkeypatch)
    try:
        nobody = "Nobody@example.pl"
        with caplog.at_level(logging.WARNING):
            run_job(world, lambda turn: [turn.tell(nobody, lambda _: Message(text="F-7 is yours")),
                                         turn.tell(OLEK, lambda _: Message(text="F-8 is yours"))])
        assert world.seen_by(OLEK) == ["F-8 is yours"]  # the rest of the turn went on
        assert "has not installed xgov in Teams or written to it yet" in caplog.text
        (notice,) = world.seen_by("#governance")
        assert notice.startswith("Nie można dotrzeć do Nobody@example.pl\nNobody@example.pl nie otworzył(a) jeszcze "
                                 "xgov w Microsoft Teams") and "zasady konfiguracji aplikacji" in notice  # the bot's language
        assert world.store.find_person(nobody) == (None, False) and world.store.person(nobody) is None

        restarted = TeamsPort(development_adapter(), "", world.store, world.loop.loop)  # once per person, not once per process
        for port in (world.port, restarted):
            with pytest.raises(Unreachable, match="Nobody@example.pl has not installed xgov") as again:
                port.send_to_user(nobody, Message(text="again"))
            assert again.value.never_opened and not again.value.newly
            with pytest.raises(Unreachable):
                port.open_form(nobody, _form())
        assert len(world.seen_by("#governance")) == 1
        assert [call.conversation_id for call in world.fake.calls] == [CHANNEL, PEOPLE[OLEK][1]]

        conversation = world.fake.add_conversation("a:1nobody", [fake_member("29:1nobody", "Nobody", nobody)]).id
        world.store.save_person(nobody, reference_to(world.fake.service_url, conversation, "29:1nobody"), "29:1nobody")
        world.port.send_to_user(nobody, Message(text="welcome"))  # they opened xgov: their chat replaces the record
        assert world.seen_by(nobody) == ["welcome"] and world.store.find_person(nobody)[1] is True
    finally:
        world.stop()


def test_a_channel_that_refuses_is_unreachable(world):
    world.fake.fail_next(f"/v3/conversations/{CHANNEL}/activities*", 403, code="BotNotInConversationRoster")
    with pytest.raises(Unreachable, match="add the app to the team again"):
        world.port.post_to_channel("governance", Message(text="digest"))


# --- retries -------------------------------------------------------------------------------

def test_a_429_waits_retry_after_and_delivers_once(world):
    world.fake.fail_next(SENDS, 429, retry_after=1)
    assert timed(lambda: world.port.send_to_user(ANNA, Message(text="hi"))) >= 1.0
    assert statuses(world) == [429, 201] and world.seen_by(ANNA) == ["hi"]


def test_server_errors_back_off_and_deliver_once(world):
    world.fake.fail_next(SENDS, 503, times=2)
    assert timed(lambda: world.port.send_to_user(ANNA, Message(text="hi"))) >= 0.5 + 1.0
    assert statuses(world) == [503, 503, 201] and world.seen_by(ANNA) == ["hi"]


def test_retries_end_in_an_error_not_in_silence(sqlite_url, monkeypatch):
    waits: list[float] = []
    unpaced = Pacer(per_conversation=(), app_wide=())
    world = TeamsWorld.start(sqlite_url, monkeypatch, sleep=waits.append, pacer=unpaced)
    try:
        world.fake.fail_next(SENDS, 502, times=10)
        with pytest.raises(TeamsApiError, match="502") as failure:
            world.port.send_to_user(ANNA, Message(text="hi"))
        assert failure.value.status == 502 and statuses(world) == [502] * 4
        assert len(waits) == 3 and all(base <= w <= base * 1.1 for base, w in zip((0.5, 1.0, 2.0), waits))  # jitter
        waits.clear()
        world.fake.reset()
        world.fake.fail_next(SENDS, 429, times=10)  # Retry-After 1
        with pytest.raises(TeamsApiError, match="429"):
            world.port.send_to_user(ANNA, Message(text="hi"))
        assert waits == [1.0] * 5 and statuses(world) == [429] * 6
        world.fake.reset()
        world.fake.fail_next(SENDS, 400)
        with pytest.raises(TeamsApiError, match="BadArgument"):
            world.port.send_to_user(ANNA, Message(text="hi"))
        assert statuses(world) == [400] and world.seen_by(ANNA) == []
    finally:
        world.stop()


# --- updates -------------------------------------------------------------------------------

def test_updating_an_unknown_activity_says_the_message_is_gone(world):
    ref = world.port.send_to_user(ANNA, Message(text="v1"))
    with pytest.raises(MessageGone):
        world.port.update_message(MessageRef(ref.conversation, "1234", ref.extra), Message(text="v2"))
    assert statuses(world, "update_activity") == [404] and world.seen_by(ANNA) == ["v1"]
    with pytest.raises(MessageGone):  # a conversation the port has no address for: nothing is asked
        world.port.update_message(MessageRef("a:1unknown", "1"), Message(text="v2"))


def test_a_submit_gives_the_ref_that_updates_the_card(world):
    from botbuilder.schema import Activity, ChannelAccount, ConversationAccount

    ref = world.port.send_to_user(ANNA, Message(text="Accept F-7?"))
    submit = Activity(type="message", reply_to_id=ref.message_id, service_url=world.fake.service_url,
                      channel_id="msteams", conversation=ConversationAccount(id=ANNA_CHAT),
                      recipient=ChannelAccount(id="28:xgov-development"), from_property=ChannelAccount(id="29:1anna"))
    restarted = TeamsPort(development_adapter(), "", world.store, world.loop.loop)  # knows nothing of the send: the ref alone must do
    restarted.update_message(message_ref_of(submit, to=ANNA), Message(text="Accepted"))
    assert world.seen_by(ANNA) == ["Accepted"]


# --- pacing --------------------------------------------------------------------------------

def test_the_pacer_keeps_every_window_by_the_clock():
    now = [0.0]
    pacer = Pacer(clock=lambda: now[0], sleep=lambda seconds: now.__setitem__(0, now[0] + seconds))
    times = []
    for _ in range(40):
        pacer.release(pacer.acquire("a:1one"))
        times.append(now[0])
    assert times == [2.0 * (n // 8) + (n % 8 == 7) for n in range(40)]  # 7 at once, the 8th a second later
    now[0] = 100.0
    for n in range(100):
        pacer.release(pacer.acquire(f"a:1many{n % 20}"))
    assert now[0] == 103.0  # 30 a second app-wide


def test_forty_messages_to_one_conversation_keep_teams_limits(world):
    world.fake.limit_rate()  # 7 in 1 s, 8 in 2 s, 60 in 30 s per conversation; 30 in 1 s app-wide
    texts = [f"message {n}" for n in range(40)]
    with ThreadPoolExecutor(4) as pool:
        elapsed = timed(lambda: list(pool.map(lambda text: world.port.send_to_user(ANNA, Message(text=text)), texts)))
    assert 429 not in statuses(world)
    assert sorted(a["attachments"][0]["content"]["body"][0]["text"] for a in world.fake.activities_in(ANNA_CHAT)) \
        == sorted(texts)
    print(f"\n40 messages to one conversation: {elapsed:.2f} s (floor 9 s)")
    assert 9.0 <= elapsed < 15.0  # 8 every 2 s: the 40th may go at 9 s (a busy machine adds its slowness)


def test_a_hundred_messages_to_many_conversations_keep_the_app_limit(world):
    people = [f"person{n}@example.pl" for n in range(20)]
    for n, email in enumerate(people):
        conversation = world.fake.add_conversation(f"a:1person{n}", [fake_member(f"29:1p{n}", f"P {n}", email)]).id
        world.store.save_person(email, reference_to(world.fake.service_url, conversation, f"29:1p{n}"), f"29:1p{n}")
    world.fake.limit_rate()
    jobs = [(email, f"{email} {k}") for k in range(5) for email in people]
    with ThreadPoolExecutor(6) as pool:
        elapsed = timed(lambda: list(pool.map(lambda job: world.port.send_to_user(job[0], Message(text=job[1])),
                                              jobs)))
    assert [c.status for c in world.fake.calls if c.status != 201] == []
    for email, n in zip(people, range(20)):
        assert len(world.fake.activities_in(f"a:1person{n}")) == 5
    print(f"\n100 messages to 20 conversations: {elapsed:.2f} s (floor 3 s)")
    assert 3.0 <= elapsed < 10.0  # 30 a second: the 100th may go at 3 s (a busy machine: ~20 sends a second)


# --- images, development mode, threads -----------------------------------------------------

def _png(size: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + os.urandom(size - 8)


def _form():
    from bot.messages import Form, FormField
    return Form("friction.report", "Report a friction", (FormField("text", "What got in your way?"),), "Send")


def test_an_image_too_big_for_the_card_goes_beside_it_or_is_left_out_with_a_note(world, caplog):
    medium, large = _png(IMAGE_DATA_BYTES + 3000), _png(40_000)
    world.port.upload_image("governance", Image("friction.png", "Friction chart", medium), comment="Frictions")
    with caplog.at_level(logging.WARNING, logger="adapters.teams.port"):
        world.port.upload_image("governance", Image("maturity.png", "Maturity chart", large), comment="Maturity")
    first, second = world.fake.activities_in(CHANNEL)
    assert [a["contentType"] for a in first["attachments"]] == ["application/vnd.microsoft.card.adaptive", "image/png"]
    assert first["attachments"][1]["contentUrl"].startswith("data:image/png;base64,")
    assert world.seen_by("#governance")[0] == "Frictions\nfriction.png\n[image: friction.png]"
    assert len(second["attachments"]) == 1 and "Maturity chart (image left out of this card)" in world.seen_by(
        "#governance")[1]
    assert "maturity.png" in caplog.text and "image_url" in caplog.text


def test_an_image_url_publisher_puts_a_big_image_in_the_card(sqlite_url, monkeypatch):
    published = []

    def publish(image: Image) -> str:
        published.append(image.filename)
        return f"https://x.test/{image.filename}"

    world = TeamsWorld.start(sqlite_url, monkeypatch, image_url=publish)
    try:
        chart = Image("trends.png", "Trends", _png(70_000))
        world.port.post_to_channel("governance", Message(text="Digest", image=chart))
        (activity,) = world.fake.activities_in(CHANNEL)
        image = activity["attachments"][0]["content"]["body"][1]
        assert published == ["trends.png"] and image == {"type": "Image", "url": "https://x.test/trends.png",
                                                         "altText": "Trends"}
    finally:
        world.stop()


def test_development_mode_sends_no_token_and_posts_new_messages_not_replies(world):
    world.port.send_to_user(ANNA, Message(text="hi"))
    world.port.open_form(ANNA, _form())
    world.port.post_to_channel("governance", Message(text="digest"))
    assert {call.authorization for call in world.fake.calls} == {None}
    assert {call.operation for call in world.fake.calls} == {"send_to_conversation"}
    assert world.forms_opened_for(ANNA) == ["friction.report"]
    assert world.fake.activities_in(ANNA_CHAT)[1]["summary"] == "Report a friction"


def test_calling_the_port_on_the_adapters_loop_is_refused_not_a_deadlock(world):
    async def on_the_loop():
        world.port.send_to_user(ANNA, Message(text="hi"))

    with pytest.raises(RuntimeError, match="worker thread"):
        asyncio.run_coroutine_threadsafe(on_the_loop(), world.loop.loop).result(5)


def test_the_guard_would_catch_a_login_so_development_mode_really_asks_nobody_outside(world):
    from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

    class Registered:  # what production has: the adapter fetches a token from Entra ID first
        APP_ID, APP_PASSWORD = "00000000-0000-4000-8000-0000000xgov1", "secret"
        APP_TYPE, APP_TENANTID = "MultiTenant", ""

    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(Registered()))
    port = TeamsPort(adapter, Registered.APP_ID, world.store, world.loop.loop)
    with pytest.raises(AssertionError, match="login.microsoftonline.com"):
        port.send_to_user(ANNA, Message(text="hi"))
    assert world.fake.calls == []
