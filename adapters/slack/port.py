"""SlackPort: the ChatPort on Slack's Web API (slack_sdk's WebClient).

People are found by e-mail: the whole workspace's directory is read once (users.list, a
thousand people a page), and anyone it does not have is looked up alone (users.lookupByEmail,
which Slack allows only about 100 times a minute: 100 minutes for a pulse to 10,000 people).
A message to a person is posted to their user id (Slack delivers it in the app's direct
messages); channels are found by name (conversations.list). All of it is cached. Messages go
out as Block Kit (adapters/slack/blocks.py), rendered once per distinct message, with a plain
notification text; an image with bytes is uploaded with files.getUploadURLExternal /
files.completeUploadExternal (slack_sdk's files_upload_v2). HTTP 429 waits Retry-After and
5xx backs off (slack_sdk's retry handlers), so nothing is dropped.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from datetime import datetime
from functools import lru_cache

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler

from adapters.slack.blocks import form_view, message_blocks, needs_upload
from bot.messages import Form, Image, Message, MessageRef
from bot.outbox.pacing import RateLimiter
from bot.ports import MessageGone, NotDelivered

log = logging.getLogger(__name__)
RATE_LIMIT_RETRIES = 10
METADATA_EVENT = "xgov_message"  # message metadata carrying the outbox key (find_sent)
SERVER_ERROR_RETRIES = 3
PACED_METHODS = ("chat.postMessage", "chat.update")  # what send_rate paces
DIRECTORY_PAGE = 1000  # users.list's largest page
DIRECTORY_FRESH_SECONDS = 600.0  # a miss reads the directory again if it is older than this


@lru_cache(maxsize=256)
def _rendered(message: Message) -> tuple[list[dict], str]:
    """A fan-out sends one message to thousands: render it once (the blocks are not changed after)."""
    return message_blocks(message)


def slack_client(token: str, base_url: str | None = None) -> WebClient:
    """A WebClient that waits out 429s (Retry-After) and retries 5xx, pointed at `base_url` if given."""
    client = WebClient(token=token, base_url=base_url) if base_url else WebClient(token=token)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    client.retry_handlers.append(ServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES))
    return client


class _HoldingRateLimitHandler(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler (wait Retry-After, try again), except that a 429 for a paced method
    holds every sending thread for its Retry-After and the retry then queues at the limiter with
    the rest, instead of sleeping on its own and coming back unpaced (more 429s). Slack limits each
    method on its own: a 429 for another method waits as slack_sdk does."""

    def __init__(self, limiter: RateLimiter, max_retry_count: int) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.limiter = limiter

    def prepare_for_next_attempt(self, *, state, request, response=None, error=None) -> None:
        if response is None or request.url.split("?")[0].rsplit("/", 1)[-1] not in PACED_METHODS:
            super().prepare_for_next_attempt(state=state, request=request, response=response, error=error)
            return
        state.next_attempt_requested = True
        wait = next((values[0] for name, values in response.headers.items() if name.lower() == "retry-after"), "1")
        self.limiter.hold(float(wait))
        self.limiter.wait()
        state.increment_current_attempt()


CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,}")


class SlackPort:
    def __init__(self, client: WebClient, *, send_rate: float | None = None) -> None:
        """`send_rate`: messages a second this process posts or updates at most (its share of the
        workspace's allowance); a 429 holds every sending thread for its Retry-After."""
        self.client = client
        self.limiter = RateLimiter(send_rate) if send_rate else None
        if self.limiter:
            client.retry_handlers = [_HoldingRateLimitHandler(self.limiter, RATE_LIMIT_RETRIES)
                                     if isinstance(handler, RateLimitErrorRetryHandler) else handler
                                     for handler in client.retry_handlers]
        self._users: dict[str, str] = {}  # e-mail -> user id
        self._dms: dict[str, str] = {}  # user id -> DM channel id
        self._channels: dict[str, str] = {}  # name -> channel id
        self._lock = threading.Lock()
        self._directory_lock = threading.Lock()  # one thread reads the directory, the others wait for it
        self._directory_read_at: float | None = None

    def _pace(self) -> None:
        if self.limiter:
            self.limiter.wait()

    # --- addressing ---------------------------------------------------------------------
    def remember_user(self, email: str, user_id: str) -> None:
        """An id learnt from an inbound event: answering that person needs no lookup."""
        with self._lock:
            self._users[email.strip().lower()] = user_id

    def user_id(self, email: str) -> str:
        key = email.strip().lower()
        with self._lock:
            if key in self._users:
                return self._users[key]
        with self._directory_lock:
            with self._lock:
                if key in self._users:  # another thread read the directory meanwhile
                    return self._users[key]
            read_at = self._directory_read_at
            if read_at is None or time.monotonic() - read_at > DIRECTORY_FRESH_SECONDS:
                try:
                    self._read_directory()
                except SlackApiError as problem:  # e.g. an app installed without users:read: one by one
                    log.warning("the Slack directory could not be read (%s); looking people up one by one",
                                problem.response.get("error"))
                    self._directory_read_at = time.monotonic()
                with self._lock:
                    if key in self._users:
                        return self._users[key]
        try:
            user_id = self.client.users_lookupByEmail(email=key)["user"]["id"]
        except SlackApiError as problem:
            raise NotDelivered(f"no Slack user with the e-mail {email}") from problem
        with self._lock:
            self._users[key] = user_id
        return user_id

    def _read_directory(self) -> None:
        """Every active person's id by e-mail (users.list, page by page; users:read.email gives e-mails)."""
        found: dict[str, str] = {}
        cursor = None
        while True:
            page = self.client.users_list(limit=DIRECTORY_PAGE, cursor=cursor)
            for member in page["members"]:
                email = (member.get("profile") or {}).get("email")
                if email and not member.get("deleted") and not member.get("is_bot"):
                    found[email.strip().lower()] = member["id"]
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        with self._lock:
            self._users.update(found)
        self._directory_read_at = time.monotonic()

    def _dm(self, email: str) -> str:
        user_id = self.user_id(email)
        with self._lock:
            if user_id in self._dms:
                return self._dms[user_id]
        channel = self.client.conversations_open(users=user_id)["channel"]["id"]
        with self._lock:
            self._dms[user_id] = channel
        return channel

    def channel_id(self, name: str) -> str:
        """A bound channel's id as it is; a name (the older governance channels) looked up in this workspace.
        Slack channel names are lower case, ids upper case (C…, G…): the two never mix."""
        name = name.lstrip("#")
        if CHANNEL_ID.fullmatch(name):
            return name
        with self._lock:
            if name in self._channels:
                return self._channels[name]
        cursor = None
        while True:
            page = self.client.conversations_list(types="public_channel,private_channel", limit=200, cursor=cursor)
            with self._lock:
                for channel in page["channels"]:
                    self._channels[channel["name"]] = channel["id"]
                if name in self._channels:
                    return self._channels[name]
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                raise NotDelivered(f"the Slack app cannot see a channel named #{name}: invite it there")

    # --- the ChatPort -------------------------------------------------------------------
    def send_to_user(self, email: str, message: Message, *, key: str = "") -> MessageRef:
        user_id = self.user_id(email)
        ref = self._post(user_id, message, key)  # Slack posts to the app's DM with them
        with self._lock:
            self._dms[user_id] = ref.conversation
        return ref

    def send_to_user_id(self, user_id: str, message: Message) -> MessageRef:
        """A message to a Slack user the directory does not know (their DM with the app)."""
        return self._post(user_id, message)

    def post_to_channel(self, channel: str, message: Message, *, key: str = "") -> MessageRef:
        return self._post(self.channel_id(channel), message, key)

    def _post(self, channel: str, message: Message, key: str = "") -> MessageRef:
        blocks, text = _rendered(message)
        metadata = {"event_type": METADATA_EVENT, "event_payload": {"key": key}} if key else None
        self._pace()
        response = self.client.chat_postMessage(channel=channel, blocks=blocks, text=text, unfurl_links=False,
                                                unfurl_media=False, metadata=metadata)
        ref = MessageRef(conversation=response["channel"], message_id=response["ts"])
        if needs_upload(message):
            self._upload(response["channel"], message.image, "")
        return ref

    def find_sent(self, key: str, operation: str, target: str, *, since: datetime) -> MessageRef | None:
        """The message carrying this outbox key in its metadata, if Slack has it (after a crash)."""
        channel = self._dm(target) if operation == "user" else self.channel_id(target)
        cursor = None
        while True:
            page = self.client.conversations_history(channel=channel, oldest=f"{since.timestamp() - 60:.6f}",
                                                     include_all_metadata=True, limit=200, cursor=cursor)
            for found in page["messages"]:
                if ((found.get("metadata") or {}).get("event_payload") or {}).get("key") == key:
                    return MessageRef(conversation=channel, message_id=found["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                return None

    def update_message(self, ref: MessageRef, message: Message) -> MessageRef:
        blocks, text = _rendered(message)
        self._pace()
        try:
            self.client.chat_update(channel=ref.conversation, ts=ref.message_id, blocks=blocks, text=text)
        except SlackApiError as problem:
            if problem.response.get("error") in ("message_not_found", "channel_not_found", "cant_update_message"):
                raise MessageGone(f"no Slack message {ref.message_id} in {ref.conversation}") from problem
            raise
        return ref

    def open_form(self, email: str, form: Form, trigger: str | None = None) -> None:
        if not trigger:
            raise ValueError("Slack opens a modal only in answer to a click or command (a trigger_id)")
        self.client.views_open(trigger_id=trigger, view=form_view(form, close_label=form.cancel_label or "×"))

    def upload_image(self, channel: str, image: Image, comment: str = "") -> MessageRef:
        return self._upload(self.channel_id(channel), image, comment)

    def _upload(self, channel_id: str, image: Image, comment: str) -> MessageRef:
        response = self.client.files_upload_v2(channel=channel_id, content=image.data, filename=image.filename,
                                               title=image.alt_text[:250] or image.filename,
                                               initial_comment=comment or None)
        return MessageRef(conversation=channel_id, message_id=response["file"]["id"])
