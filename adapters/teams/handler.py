"""The Teams activity handler: activities to neutral events, conversation references remembered.

Every activity from a person stores where the bot may write to them later (their personal chat),
and a message in a channel stores that channel's reference under its id (never under a name: a
governance channel is bound by id, bot/services/channels.py); the bot itself (sync: database, port) runs on worker
threads so that the event loop stays free for the port's proactive sends.

The "Report as friction" message action: ``composeExtension/fetchTask`` runs /friction with the
chosen message and answers with the report form the core opens (caught through
adapters/teams/dialogs.py) as the dialog; the dialog's Send arrives as
``composeExtension/submitAction`` and is handled as that form's submission.
"""
from __future__ import annotations

import asyncio
import contextvars
import logging
from concurrent.futures import Executor
from typing import Callable

from botbuilder.core import CardFactory, InvokeResponse, MessageFactory, TurnContext
from botbuilder.core.teams import TeamsActivityHandler, TeamsInfo
from botbuilder.schema import ChannelAccount, ConversationAccount
from botbuilder.schema.teams import (
    MessagingExtensionAction, MessagingExtensionActionResponse, TaskModuleContinueResponse, TaskModuleTaskInfo,
)

from adapters.teams import inbound
from adapters.teams.cards import form_card
from adapters.teams.dialogs import Dialogs
from adapters.teams.port import message_ref_of
from adapters.teams.references import ReferenceStore
from bot.app import XGOV_SUBCOMMANDS, XgovBot
from bot.events import Actor, CommandEvent
from bot.general_messages import not_identified
from bot.i18n import normalise_locale, translator

log = logging.getLogger(__name__)
REPORT_ACTION = "reportFriction"  # the message action's command id in the Teams app manifest
HANDLED_INVOKES = ("composeExtension/fetchTask", "composeExtension/submitAction")  # the message action


class XgovTeamsHandler(TeamsActivityHandler):
    def __init__(self, bot: XgovBot, store: ReferenceStore, executor: Executor | None = None,
                 dialogs: Dialogs | None = None) -> None:
        """`dialogs`: shared with the port (by default the bot's port's), so that a form the core opens
        for the message action comes back here as the dialog."""
        self.bot = bot
        self.store = store
        self.executor = executor
        self.dialogs = dialogs or getattr(bot.port, "dialogs", None) or Dialogs()

    @staticmethod
    def _create_invoke_response(body: object = None) -> InvokeResponse:
        """An invoke's answer with its body still a model: botbuilder 4.17's CloudAdapter.process serializes
        the body itself, and fails on the dict ActivityHandler would put there ('dict' object has no
        attribute 'is_xml_model'; microsoft/botbuilder-python#1759, microsoft/teams-sdk#2510)."""
        return InvokeResponse(status=200, body=body)

    async def _sync(self, fn: Callable, *args):
        context = contextvars.copy_context()  # the request's id (bot/logs.py) goes with the work
        return await asyncio.get_running_loop().run_in_executor(self.executor, context.run, fn, *args)

    async def on_turn(self, turn_context: TurnContext) -> None:
        """Activities without channelData (botbuilder's TeamsInfo needs a dict there) are read as empty."""
        if turn_context.activity.channel_data is None:
            turn_context.activity.channel_data = {}
        await super().on_turn(turn_context)

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        """An invoke xgov does not handle (adaptiveCard/action, task/fetch, task/submit, …) gets an empty 200."""
        response = None
        if turn_context.activity.name in HANDLED_INVOKES:
            response = await super().on_invoke_activity(turn_context)
        if response is None or response.status == 501:
            log.info("Teams invoke %r answered empty (xgov does not use it)", turn_context.activity.name)
            return self._create_invoke_response()
        return response

    # -- messages and card submits ------------------------------------------------------------
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        actor = await self._actor(turn_context)
        if actor is None:
            return
        delivery = inbound.delivery_id(activity.conversation.id, activity.id)
        kind = _kind(activity)
        if activity.value:
            message = message_ref_of(activity, to=actor.email if kind == inbound.PERSONAL else "")
            event = inbound.submit_event(activity.value, actor, message, delivery=delivery,
                                         conversation=activity.conversation.id if activity.conversation else "")
        else:
            text = activity.text or ""
            if kind != inbound.PERSONAL:
                text = inbound.without_mentions_of(text, activity.recipient.id if activity.recipient else "",
                                                   _mentions(activity))
            channel = await self._channel_here(turn_context) if kind == inbound.CHANNEL else None
            event = inbound.text_event(text, actor, subcommands=XGOV_SUBCOMMANDS, delivery=delivery,
                                       channel=channel, channel_name=_channel_name(activity) if channel else "")
        if event is not None:
            await self._sync(self.bot.handle, event)

    async def _channel_here(self, turn_context: TurnContext) -> str:
        """The channel written in, its reference kept under its id (where the bot may post if it is bound)."""
        activity = turn_context.activity
        channel_id = inbound.channel_of(activity.conversation.id)
        reference = TurnContext.get_conversation_reference(activity)
        reference.conversation = ConversationAccount(id=channel_id, conversation_type="channel", is_group=True,
                                                     tenant_id=activity.conversation.tenant_id)
        reference.activity_id = None
        await self._sync(self.store.save_channel, channel_id, reference)
        return channel_id

    # -- installation: a welcome in the personal chat; nothing is learnt from a team ----------------
    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        actor = await self._actor(turn_context)
        if actor is not None and _kind(turn_context.activity) == inbound.PERSONAL:
            await self._sync(self.bot.handle, CommandEvent(actor=actor, command="/xgov", text="help"))

    # -- the "Report as friction" message action -------------------------------------------------
    async def on_teams_messaging_extension_fetch_task(self, turn_context: TurnContext,
                                                      action: MessagingExtensionAction):
        """The dialog: the report form the core opens, filled in with the chosen message. Without a form
        (a stranger: the core answered in the chat instead) the empty answer opens no dialog."""
        actor = await self._actor(turn_context)
        if actor is None or action.command_id != REPORT_ACTION:
            return MessagingExtensionActionResponse()
        payload = action.message_payload
        quoted = inbound.plain(payload.body.content if payload and payload.body else "")
        trigger = self.dialogs.expect()
        try:
            await self._sync(self.bot.handle, CommandEvent(actor=actor, command="/friction", quoted=quoted,
                                                           trigger=trigger))
        finally:
            form = self.dialogs.take(trigger)
        if form is None:
            return MessagingExtensionActionResponse()
        card = CardFactory.adaptive_card(form_card(form))
        return MessagingExtensionActionResponse(task=TaskModuleContinueResponse(
            value=TaskModuleTaskInfo(title=form.title or form.form_id, card=card)))

    async def on_teams_messaging_extension_submit_action(self, turn_context: TurnContext,
                                                         action: MessagingExtensionAction):
        """The dialog's Send (or Cancel): its data as a card submit; the answer closes the dialog, and
        the core's reply arrives in the personal chat."""
        actor = await self._actor(turn_context)
        if actor is not None and action.command_id == REPORT_ACTION:
            activity = turn_context.activity
            delivery = inbound.delivery_id(activity.conversation.id, activity.id)
            event = inbound.submit_event(action.data, actor, None, delivery=delivery)
            if event is not None:
                await self._sync(self.bot.handle, event)
        return MessagingExtensionActionResponse()

    # -- who is writing -----------------------------------------------------------------------------
    async def _actor(self, turn_context: TurnContext) -> Actor | None:
        """The person behind the activity (e-mail from the store, else from Teams' roster), with their
        personal chat remembered; None for a bot or someone whose e-mail Teams does not give."""
        activity = turn_context.activity
        sender: ChannelAccount = activity.from_property
        if sender is None or (sender.role or "").lower() == "bot":
            return None
        email = await self._sync(self.store.email_of, sender.id)
        if email is None:
            try:
                member = await TeamsInfo.get_member(turn_context, sender.id)
            except Exception as problem:  # noqa: BLE001 - the roster call fails for non-Teams channels
                log.warning("Teams did not say who %s is: %s", sender.id, problem)
                return None
            email = (member.email or member.user_principal_name or "").strip().lower()
            if not email:
                await self._tell_not_identified(turn_context)
                return None
        if _kind(activity) == inbound.PERSONAL:
            reference = TurnContext.get_conversation_reference(activity)
            await self._sync(self.store.save_person, email, reference, sender.id)
        return Actor(email=email, locale=activity.locale, display_name=sender.name or "")


    async def _tell_not_identified(self, turn_context: TurnContext) -> None:
        """Someone Teams does not give an e-mail for hears why nothing happened, in their Teams language
        (only for a message: an invoke's answer is the dialog)."""
        if turn_context.activity.type != "message":
            return
        locale = normalise_locale(turn_context.activity.locale) or self.bot.settings.default_locale
        notice = not_identified(translator(locale))
        try:
            await turn_context.send_activity(MessageFactory.text(f"{notice.header}\n\n{notice.text}"))
        except Exception as problem:  # noqa: BLE001 - a failed notice is only logged
            log.warning("could not tell a Teams user why nothing happened: %s", problem)


def _kind(activity) -> str:
    conversation = activity.conversation
    return inbound.conversation_kind(conversation.conversation_type, conversation.is_group, conversation.id or "")


def _mentions(activity) -> list[tuple[str, str, str]]:
    """(mentioned id, name, entity text) of each mention entity."""
    found = []
    for entity in activity.entities or []:
        data = ({**(getattr(entity, "additional_properties", None) or {}), "type": entity.type}
                if hasattr(entity, "type") else dict(entity))  # a model keeps the mention's fields aside
        if data.get("type") == "mention":
            mentioned = data.get("mentioned") or {}
            found.append((mentioned.get("id") or "", mentioned.get("name") or "", data.get("text") or ""))
    return found


def _channel_name(activity) -> str:
    channel = (activity.channel_data or {}).get("channel") if isinstance(activity.channel_data, dict) else None
    return (channel or {}).get("name") or "" if isinstance(channel, dict) else ""
