"""The Teams activity handler: activities to neutral events, conversation references remembered.

Every activity from a person stores where the bot may write to them later (their personal chat)
and, in a team, to its channels by name; the bot itself (sync: database, port) runs on worker
threads so that the event loop stays free for the port's proactive sends.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Executor
from typing import Callable

from botbuilder.core import CardFactory, TurnContext
from botbuilder.core.teams import TeamsActivityHandler, TeamsInfo, teams_get_team_info
from botbuilder.schema import ChannelAccount, ConversationAccount
from botbuilder.schema.teams import (
    MessagingExtensionAction, MessagingExtensionActionResponse, TaskModuleContinueResponse, TaskModuleTaskInfo,
)

from adapters.teams import inbound
from adapters.teams.cards import message_card
from adapters.teams.port import message_ref_of
from adapters.teams.references import ReferenceStore
from bot.app import XGOV_SUBCOMMANDS, XgovBot
from bot.events import Actor, CommandEvent
from bot.i18n import normalise_locale, translator
from bot.messages import Message

log = logging.getLogger(__name__)
REPORT_ACTION = "reportFriction"  # the message action's command id in the Teams app manifest


class XgovTeamsHandler(TeamsActivityHandler):
    def __init__(self, bot: XgovBot, store: ReferenceStore, executor: Executor | None = None) -> None:
        self.bot = bot
        self.store = store
        self.executor = executor

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
            event = inbound.submit_event(activity.value, actor, message, delivery=delivery)
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
        actor = await self._actor(turn_context)
        if actor is None:
            return MessagingExtensionActionResponse()
        payload = action.message_payload
        quoted = inbound.plain(payload.body.content if payload and payload.body else "")
        await self._sync(self.bot.handle, CommandEvent(actor=actor, command="/friction", quoted=quoted,
                                                       trigger="teams"))
        _ = translator(normalise_locale(actor.locale) or self.bot.settings.default_locale)
        card = message_card(Message(header=_("Report a friction"),
                                    text=_("The report form is waiting in your chat with xgov.")))
        return MessagingExtensionActionResponse(task=TaskModuleContinueResponse(
            value=TaskModuleTaskInfo(title=_("Report a friction"), card=CardFactory.adaptive_card(card))))

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
