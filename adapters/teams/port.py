"""TeamsPort: the ChatPort on Microsoft Teams, through botbuilder's CloudAdapter, proactively.

Threads: the core calls the port from worker threads and waits for the answer; the adapter lives on
the aiohttp application's event loop. Each Connector request is a coroutine run on that loop with
``asyncio.run_coroutine_threadsafe(...).result(timeout)``: ``adapter.continue_conversation`` with a
stored ConversationReference, whose callback sends or updates one activity. All waiting (pacing,
Retry-After, back-off) happens in the calling worker thread, never on the loop. Calling the port on
the loop's own thread would deadlock, so it raises RuntimeError.

Adapter: botbuilder's CloudAdapter (botbuilder.integration.aiohttp) with
ConfigurationBotFrameworkAuthentication. BotFrameworkAdapter is deprecated since 4.15 and does not
know single-tenant or managed-identity registrations; CloudAdapter takes them from the same
configuration (APP_ID, APP_PASSWORD, APP_TYPE, APP_TENANTID). With all of them empty (development)
it sends no token and asks no login service. The port needs only ``continue_conversation(reference,
callback, bot_app_id)``, which both adapters have.

Addressing: a person by e-mail -> the reference of their personal chat with the bot; a channel by
name -> the channel's reference (adapters/teams/references.py). Both are saved by the activity
handler when Teams tells the bot about them; without one the port raises Unreachable (for a person,
recorded; the first time it says so (newly), and the core tells the governance channel; see Errors). Messages go out as
Send to Conversation (a new message, a new post in a channel, never a reply), as one Adaptive Card
(adapters/teams/cards.py) with a notification summary. A form is a form card in the person's
personal chat, except one opened with a trigger the handler expects (adapters/teams/dialogs.py):
that one becomes the handler's dialog (the message action's task module).

Images: inside the card when cards.py can (an https URL, or PNG/JPEG/GIF bytes of at most
IMAGE_DATA_BYTES as a data: URI). Larger bytes: at an https URL if the port was given ``image_url``
(adapters/teams/images.py's ImagePublisher: stored in the database, served by the bot's web
server); else, when they fit in the activity (ACTIVITY_BYTES, below Teams' ~28 KB per message),
beside the card as Teams' inline image attachment (contentType image/png, contentUrl data:…); else
the card says the image was left out (cards.py) and it is logged. The digest's charts (20–110 KB
PNGs) need ``image_url`` and an https XGOV_PUBLIC_URL: Teams has no other place for them.

Errors (HTTP status of the Connector's answer):

* 403 (ConversationBlockedByUser, BotNotInConversationRoster, …) to a person: the reference is
  marked unreachable; Unreachable is raised, `newly` the first time (the core then tells the governance
  channel, bot/app.py tell_governance_unreachable). Later sends to that person raise Unreachable without a
  request, until the handler saves a new reference (the person opens or writes to the bot again).
* No reference for a person (they never opened xgov and are in no team that has it): recorded as
  unreachable without a reference; Unreachable (never_opened, `newly` the first time) is raised, without
  a request.
* 404 to a person: the reference is stale: Unreachable. In an update: MessageGone.
* 403 or 404 to a channel: Unreachable, with what the operator should do.
* 429: wait Retry-After (RETRY_AFTER_DEFAULT when absent, at most RETRY_AFTER_CAP) and retry, up to
  RATE_LIMIT_RETRIES times.
* 412, 500, 502, 503, 504 (and, for an update, a failure without an answer): back off
  BACKOFF_FIRST·2ⁿ s (+ up to 10 % jitter) and retry, up to SERVER_ERROR_RETRIES times.
* Anything else, or retries used up: TeamsApiError. Nothing is dropped silently.

Pacing: a Pacer (adapters/teams/pacing.py) shared by all threads keeps every request within Teams'
limits per conversation and for the app, so that 429s are the exception.
"""
from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import json
import logging
import random
import threading
import time
from dataclasses import replace
from typing import Awaitable, Callable

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.schema import (
    Activity, Attachment, ChannelAccount, ConversationAccount, ConversationReference, ErrorResponseException,
)
from msrest.exceptions import ClientRequestError
from msrest.universal_http.requests import ClientRetryPolicy

from adapters.teams.cards import IMAGE_DATA_BYTES, IMAGE_TYPES, form_card, message_card, summary_text
from adapters.teams.dialogs import Dialogs
from adapters.teams.pacing import Pacer
from adapters.teams.references import ReferenceStore
from bot.messages import Form, Image, Message, MessageRef
from bot.ports import MessageGone, Unreachable

log = logging.getLogger(__name__)
# CloudAdapter builds two connector clients per proactive send, and msrest's retry policy then scans a
# 500-item list 999 times each: 40-55% of the bot's CPU per message in bench/fanout.py. A set is the
# same codes, found in O(1).
ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)
RATE_LIMIT_RETRIES = 5
RETRY_AFTER_DEFAULT, RETRY_AFTER_CAP = 1.0, 60.0
SERVER_ERROR_RETRIES = 3
BACKOFF_FIRST = 0.5  # 0.5, 1, 2 s
TRANSIENT = frozenset({412, 500, 502, 503, 504})  # the same page: retry 412, 502 and 504 too
CALL_TIMEOUT = 90.0  # one attempt, msrest's own retries of an update included
ACTIVITY_BYTES = 26_000  # card + inline image, JSON; Teams refuses ~28 KB (413), addressing needs the rest


class TeamsApiError(RuntimeError):
    """The Connector refused a request for a reason retrying does not fix (or retries ran out)."""

    def __init__(self, what: str, status: int | None, code: str | None) -> None:
        super().__init__(f"{what}: Teams answered {status or 'nothing'}{f' ({code})' if code else ''}")
        self.status, self.code = status, code


# --- the port ----------------------------------------------------------------------------

class TeamsPort:
    def __init__(self, adapter, app_id: str, store: ReferenceStore, loop: asyncio.AbstractEventLoop, *,
                 image_url: Callable[[Image], str | None] | None = None, pacer: Pacer | None = None,
                 dialogs: Dialogs | None = None, sleep: Callable[[float], None] = time.sleep,
                 timeout: float = CALL_TIMEOUT) -> None:
        """`image_url`: publishes an image too big for a card and answers its https URL (or None).
        `dialogs`: forms whose trigger the handler expects open in its dialog, not in the chat."""
        self.adapter, self.app_id, self.store, self.loop = adapter, app_id, store, loop
        self.image_url, self.pacer, self.sleep, self.timeout = image_url, pacer or Pacer(), sleep, timeout
        self.dialogs = dialogs or Dialogs()
        self._sent_in: dict[str, ConversationReference] = {}  # conversation id -> reference, for updates
        self._lock = threading.Lock()

    # --- the ChatPort ----------------------------------------------------------------------
    def send_to_user(self, email: str, message: Message, *, key: str = "") -> MessageRef:
        return self._send_to_person(email, self._activity(message))

    def post_to_channel(self, channel: str, message: Message, *, key: str = "") -> MessageRef:
        return self._post(channel, self._activity(message))

    def open_form(self, email: str, form: Form, trigger: str | None = None) -> None:
        if self.dialogs.catch(trigger, form):
            return
        activity = MessageFactory.attachment(CardFactory.adaptive_card(form_card(form)))
        activity.summary = form.title or form.form_id
        self._send_to_person(email, activity)

    def upload_image(self, channel: str, image: Image, comment: str = "") -> MessageRef:
        return self._post(channel, self._activity(Message(text=comment, image=image, context=image.filename)))

    def update_message(self, ref: MessageRef, message: Message) -> MessageRef:
        reference = self._reference_of(ref)
        activity = self._activity(message)
        activity.id = ref.message_id

        async def update(context: TurnContext) -> None:
            await context.update_activity(activity)

        try:
            self._request(reference, update, f"updating message {ref.message_id}", idempotent=True)
        except TeamsApiError as problem:
            if problem.status == 404:
                raise MessageGone(f"no Teams message {ref.message_id} in {ref.conversation}") from problem
            if problem.status == 403:
                to = ref.extra.get("to", "")
                person = to if to and not to.startswith("#") else None
                raise Unreachable(f"Teams refuses updates in {to or ref.conversation}", person=person,
                                  newly=person is not None and self.store.mark_unreachable(person)) from problem
            raise
        return ref

    # --- addressing ------------------------------------------------------------------------
    def _send_to_person(self, email: str, activity: Activity) -> MessageRef:
        found = self.store.find_person(email)
        if found is None or found[0] is None:
            raise Unreachable(f"{email} has not installed xgov in Teams or written to it yet: there is no "
                              "conversation the bot may write to", person=email, never_opened=True,
                              newly=found is None and self.store.mark_never_reached(email))
        reference, reachable = found
        if not reachable:
            raise Unreachable(f"{email} blocked or removed xgov in Teams: nothing is sent until they open it again")
        try:
            return self._send(reference, activity, email)
        except TeamsApiError as problem:
            if problem.status == 403:
                raise Unreachable(f"Teams refuses messages to {email} ({problem.code or 403})", person=email,
                                  newly=self.store.mark_unreachable(email)) from problem
            if problem.status == 404:
                raise Unreachable(f"the Teams conversation with {email} no longer exists ({problem.code or 404}): "
                                  "they need to open xgov in Teams again") from problem
            raise

    def _post(self, channel: str, activity: Activity) -> MessageRef:
        name = channel.lstrip("#")
        reference = self.store.channel(name)
        if reference is None:
            raise Unreachable(f"xgov knows no Teams channel {name!r}: a governance admin binds a channel by writing "
                              "@xgov channel here in it (channels are never looked up by name)")
        try:
            return self._send(reference, activity, f"#{name}")
        except TeamsApiError as problem:
            if problem.status in (403, 404):
                raise Unreachable(f"Teams refuses posts to the channel {name!r} ({problem.code or problem.status}): "
                                  "xgov was removed from its team or the channel was deleted; add the app to "
                                  "the team again") from problem
            raise

    def _reference_of(self, ref: MessageRef) -> ConversationReference:
        """Where to update: the MessageRef's extra (from a send or message_ref_of), else a conversation
        this port has written to."""
        if ref.extra.get("service_url"):
            bot_id = ref.extra.get("bot_id")
            return ConversationReference(
                channel_id=ref.extra.get("channel_id") or "msteams", service_url=ref.extra["service_url"],
                conversation=ConversationAccount(id=ref.conversation, tenant_id=ref.extra.get("tenant_id") or None),
                bot=ChannelAccount(id=bot_id) if bot_id else None)
        with self._lock:
            known = self._sent_in.get(ref.conversation)
        if known is None:
            raise MessageGone(f"no Teams conversation {ref.conversation!r} known to update message {ref.message_id}")
        return known

    # --- sending ---------------------------------------------------------------------------
    def _send(self, reference: ConversationReference, activity: Activity, to: str) -> MessageRef:
        async def send(context: TurnContext):
            return await context.send_activity(activity)

        response = self._request(reference, send, f"sending to {to}", idempotent=False)
        if response is None or not response.id:
            raise TeamsApiError(f"sending to {to}: no activity id in the answer", None, None)
        conversation = reference.conversation.id
        with self._lock:
            self._sent_in[conversation] = reference
        extra = {"service_url": reference.service_url, "channel_id": reference.channel_id or "msteams", "to": to}
        if reference.bot and reference.bot.id:
            extra["bot_id"] = reference.bot.id
        if reference.conversation.tenant_id:
            extra["tenant_id"] = reference.conversation.tenant_id
        return MessageRef(conversation=conversation, message_id=response.id, extra=extra)

    def _request(self, reference: ConversationReference, action: Callable[[TurnContext], Awaitable],
                 what: str, *, idempotent: bool):
        """One Connector request, paced, retried on 429 and transient failures."""
        rate_limited = failed = 0
        while True:
            slots = self.pacer.acquire(reference.conversation.id)
            try:
                return self._run(self._continue(reference, action))
            except (ErrorResponseException, ClientRequestError) as caught:
                problem = caught
            finally:
                self.pacer.release(slots)
            status, code = _status(problem), _code(problem)
            if status == 429 and rate_limited < RATE_LIMIT_RETRIES:
                rate_limited += 1
                wait = min(_retry_after(problem), RETRY_AFTER_CAP)
                log.info("%s: throttled, retrying in %.1f s", what, wait)
                self.sleep(wait)
                continue
            transient = status in TRANSIENT or (status is None and idempotent)
            if transient and failed < SERVER_ERROR_RETRIES:
                wait = BACKOFF_FIRST * 2 ** failed * (1 + random.random() / 10)
                failed += 1
                log.info("%s: %s, retrying in %.1f s", what, status or type(problem).__name__, wait)
                self.sleep(wait)
                continue
            raise TeamsApiError(what, status, code) from problem

    async def _continue(self, reference: ConversationReference, action: Callable[[TurnContext], Awaitable]):
        """Run `action` in a proactive turn; its exception comes back here, not to the adapter's on_turn_error."""
        outcome: dict = {}

        async def logic(context: TurnContext) -> None:
            context.on_send_activities(_not_a_reply)
            context.on_update_activity(_not_a_reply)
            try:
                outcome["result"] = await action(context)
            except Exception as problem:  # noqa: BLE001 - re-raised below, outside the adapter's pipeline
                outcome["problem"] = problem

        await self.adapter.continue_conversation(reference, logic, self.app_id)
        if "problem" in outcome:
            raise outcome["problem"]
        return outcome.get("result")

    def _run(self, coroutine):
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            coroutine.close()
            raise RuntimeError("TeamsPort blocks until Teams answers: call it from a worker thread "
                               "(loop.run_in_executor), not on the adapter's event loop")
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result(self.timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"Teams did not answer within {self.timeout:.0f} s") from None

    # --- rendering -------------------------------------------------------------------------
    def _activity(self, message: Message) -> Activity:
        """One card; an image too big for it at `image_url`, else beside it, else left out (noted)."""
        image = message.image
        if image and not _fits_in_card(image):
            url = self.image_url(image) if self.image_url else None
            if url and url.startswith("https://"):
                return _card_activity(replace(message, image=replace(image, url=url, data=b"")))
            beside = _inline_image(image)
            if beside is not None:
                activity = _card_activity(replace(message, image=None), beside)
                if _activity_bytes(activity) <= ACTIVITY_BYTES:
                    return activity
            if self.image_url:  # the publisher said once why it could not
                log.info("image %s (%d bytes) left out of a Teams message: not published", image.filename,
                         len(image.data))
            else:
                log.warning("image %s (%d bytes) left out of a Teams message: too big for one activity; "
                            "give TeamsPort an image_url that publishes it", image.filename, len(image.data))
        return _card_activity(message)


def _card_activity(message: Message, beside: Attachment | None = None) -> Activity:
    card = CardFactory.adaptive_card(message_card(message))
    activity = MessageFactory.list([card, beside]) if beside else MessageFactory.attachment(card)
    activity.summary = summary_text(message)
    return activity


def message_ref_of(activity: Activity, to: str = "") -> MessageRef | None:
    """The MessageRef of the card an incoming submit came from (its replyToId), for update_message.
    `to`: the person's e-mail or "#channel", so that a 403 on the update is recorded for them."""
    if not activity.reply_to_id or not activity.conversation:
        return None
    extra = {"service_url": activity.service_url or "", "channel_id": activity.channel_id or "msteams"}
    if activity.recipient and activity.recipient.id:
        extra["bot_id"] = activity.recipient.id
    if activity.conversation.tenant_id:
        extra["tenant_id"] = activity.conversation.tenant_id
    if to:
        extra["to"] = to
    return MessageRef(conversation=activity.conversation.id, message_id=activity.reply_to_id, extra=extra)


async def _not_a_reply(_context: TurnContext, activities, next_handler) -> None:
    """A proactive turn would send a reply to its made-up continuation activity: send a new message."""
    for activity in activities if isinstance(activities, list) else [activities]:
        activity.reply_to_id = None
    await next_handler()


def _status(problem: Exception) -> int | None:
    return getattr(getattr(problem, "response", None), "status_code", None)


def _code(problem: Exception) -> str | None:
    return getattr(getattr(getattr(problem, "error", None), "error", None), "code", None)


def _retry_after(problem: Exception) -> float:
    headers = getattr(getattr(problem, "response", None), "headers", None) or {}
    try:
        return max(0.0, float(headers.get("Retry-After")))
    except (TypeError, ValueError):
        return RETRY_AFTER_DEFAULT


def _mime(data: bytes) -> str | None:
    return next((kind for magic, kind in IMAGE_TYPES if data.startswith(magic)), None)


def _fits_in_card(image: Image) -> bool:
    return image.url.startswith("https://") or (bool(_mime(image.data)) and len(image.data) <= IMAGE_DATA_BYTES)


def _inline_image(image: Image) -> Attachment | None:
    mime = _mime(image.data)
    if not mime or len(image.data) * 4 // 3 > ACTIVITY_BYTES:
        return None
    return Attachment(content_type=mime, name=image.filename,
                      content_url=f"data:{mime};base64,{base64.b64encode(image.data).decode('ascii')}")


def _activity_bytes(activity: Activity) -> int:
    return len(json.dumps(activity.serialize()))
