"""The Teams activity handler: activities to neutral events, conversation references remembered.

Every activity from a person stores where the bot may write to them later (their personal chat)
and, in a team, to its channels by name; the bot itself (sync: database, port) runs on worker
threads so that the event loop stays free for the port's proactive sends.

The "Report as friction" message action: ``composeExtension/fetchTask`` runs /friction with the
chosen message and answers with the report form the core opens (caught through
adapters/teams/dialogs.py) as the dialog; the dialog's Send arrives as
``composeExtension/submitAction`` and is handled as that form's submission.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Executor
from typing import Callable

from botbuilder.core import CardFactory, InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler, TeamsInfo, teams_get_team_info
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

log = logging.getLogger(__name__)
REPORT_ACTION = "reportFriction"  # the message action's command id in the Teams app manifest


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
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    # -- messages and card submits ------------------------------------------------------------
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        actor = await self._actor(turn_context)
        if actor is None:
            return
        delivery = inbound.delivery_id(activity.conversation.id, activity.id)
        if activity.value:
            personal = (activity.conversation.conversation_type or "personal") == "personal"
            message = message_ref_of(activity, to=actor.email if personal else "")
            event = inbound.submit_event(activity.value, actor, message, delivery=delivery,
                                         conversation=activity.conversation.id if activity.conversation else "")
        else:
            personal = (activity.conversation.conversation_type or "personal") == "personal"
            text = activity.text or "" if personal else TurnContext.remove_recipient_mention(activity) or ""
            event = inbound.text_event(text, actor, subcommands=XGOV_SUBCOMMANDS, delivery=delivery)
        if event is not None:
            await self._sync(self.bot.handle, event)

    # -- installation: remember where to write --------------------------------------------------
    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        await self._remember_channels(turn_context)
        actor = await self._actor(turn_context)
        if actor is not None and (turn_context.activity.conversation.conversation_type or "personal") == "personal":
            await self._sync(self.bot.handle, CommandEvent(actor=actor, command="/xgov", text="help"))

    async def on_teams_members_added(self, teams_members_added, team_info, turn_context: TurnContext) -> None:
        bot_id = turn_context.activity.recipient.id
        if any(member.id == bot_id for member in teams_members_added):
            await self._remember_channels(turn_context)

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
                return None
        if (activity.conversation.conversation_type or "personal") == "personal":
            reference = TurnContext.get_conversation_reference(activity)
            await self._sync(self.store.save_person, email, reference, sender.id)
        return Actor(email=email, locale=activity.locale, display_name=sender.name or "")

    async def _remember_channels(self, turn_context: TurnContext) -> None:
        """In a team: every channel's reference under its name (General has no name in Teams)."""
        team = teams_get_team_info(turn_context.activity)
        if team is None or not team.id:
            return
        try:
            channels = await TeamsInfo.get_team_channels(turn_context, team.id)
        except Exception as problem:  # noqa: BLE001
            log.warning("could not list the team's channels: %s", problem)
            return
        here = turn_context.activity.conversation
        for channel in channels:
            reference = TurnContext.get_conversation_reference(turn_context.activity)
            reference.conversation = ConversationAccount(id=channel.id, conversation_type="channel", is_group=True,
                                                         tenant_id=here.tenant_id)
            reference.activity_id = None
            await self._sync(self.store.save_channel, channel.name or "General", reference)
