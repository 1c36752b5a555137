"""SlackPort finds people through the workspace's directory (users.list) read once, not a
users.lookupByEmail per person (Slack allows about 100 a minute: hours for a pulse to 10,000),
and writes to them by user id, without conversations.open."""
from __future__ import annotations

import pytest

from adapters.slack import port as slack_port
from adapters.slack.port import SlackPort, slack_client
from bot.messages import Message
from bot.ports import NotDelivered
from fakes.slack_api import FakeSlackApi


@pytest.fixture
def fake(request):
    fake = FakeSlackApi().start()
    request.addfinalizer(fake.stop)
    return fake


def test_a_fan_out_reads_the_directory_once_page_by_page_and_opens_no_conversations(fake, monkeypatch):
    monkeypatch.setattr(slack_port, "DIRECTORY_PAGE", 2)
    for n in range(5):
        fake.add_user(f"U0P{n}", f"Person{n}@Example.pl")
    port = SlackPort(slack_client("xoxb-fake-token", fake.base_url))
    for n in range(5):
        ref = port.send_to_user(f"person{n}@example.pl", Message(text=f"Dzień dobry {n}"), key=f"k{n}")
        assert ref.conversation == fake.dm_channel(f"U0P{n}")
    for n in range(5):
        assert [m["text"] for m in fake.messages_in(f"U0P{n}")] == [f"Dzień dobry {n}"]
    assert len(fake.calls_to("users.list")) == 3  # 5 people, 2 a page
    assert fake.calls_to("users.lookupByEmail") == [] and fake.calls_to("conversations.open") == []


def test_someone_the_directory_lacks_is_looked_up_alone_and_a_stranger_is_not_found(fake):
    fake.add_user("U0ANNA", "anna@example.pl")
    fake.add_user("U0GONE", "gone@example.pl", deleted=True)
    port = SlackPort(slack_client("xoxb-fake-token", fake.base_url))
    port.send_to_user("anna@example.pl", Message(text="one"))
    fake.add_user("U0NOWY", "nowy@example.pl")  # joined after the directory was read
    port.send_to_user("nowy@example.pl", Message(text="two"))
    assert [m["text"] for m in fake.messages_in("U0NOWY")] == ["two"]
    assert [c.args["email"] for c in fake.calls_to("users.lookupByEmail")] == ["nowy@example.pl"]
    with pytest.raises(NotDelivered, match="no Slack user"):
        port.send_to_user("obcy@example.pl", Message(text="three"))
    assert len(fake.calls_to("users.list")) == 1  # read again only once it is old
    # a deactivated account is not in the directory; Slack's lookup then decides
    assert port.user_id("gone@example.pl") == "U0GONE"
    assert [c.args["email"] for c in fake.calls_to("users.lookupByEmail")][-1] == "gone@example.pl"


def test_a_429_on_a_post_is_retried_once_at_the_pace_and_arrives_once(fake):
    fake.add_user("U0ANNA", "anna@example.pl")
    port = SlackPort(slack_client("xoxb-fake-token", fake.base_url), send_rate=50)
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    port.send_to_user("anna@example.pl", Message(text="raz"))
    assert [m["text"] for m in fake.messages_in("U0ANNA")] == ["raz"]
    assert fake.rejected("chat.postMessage") == 1 and fake.accepted("chat.postMessage") == 1


def test_a_directory_that_cannot_be_read_leaves_the_one_by_one_lookup(fake, caplog):
    fake.add_user("U0ANNA", "anna@example.pl")
    fake.fail_next("users.list", status=200, error="missing_scope")  # an app installed without users:read
    port = SlackPort(slack_client("xoxb-fake-token", fake.base_url))
    port.send_to_user("anna@example.pl", Message(text="raz"))
    assert [m["text"] for m in fake.messages_in("U0ANNA")] == ["raz"]
    assert "the Slack directory could not be read (missing_scope)" in caplog.text
