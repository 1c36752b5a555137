"""Teams activities to the bot's neutral events (pure functions, no Bot Connector calls).

Text written to the bot: ``/friction …`` and ``/xgov …`` work as in Slack; a first word that is an
xgov command (``help``, ``reports``, ``triage F-3``…) runs it; a greeting gets the help; anything
else is a friction report. In a channel the bot only hears messages that @mention it; the mention
is removed first. Card buttons arrive as ``value`` (Action.Submit): see adapters/teams/cards.py.
"""
from __future__ import annotations

import html
import re

from adapters.teams.cards import Click, FormCancel, FormSubmit, parse_submit
from bot.events import Actor, ButtonAnswer, CommandEvent, FormSubmission, InboundEvent, free_text_event
from bot.messages import MessageRef

PERSONAL, CHANNEL, GROUP_CHAT = "personal", "channel", "groupChat"
# Teams' own markup in a message's HTML (formatting, mentions, emoji); anything else between < and >
# is what the person typed and is kept, e.g. "<script>" or "<!channel>".
_TEAMS_TAGS = re.compile(r"</?(?:at|p|div|span|br|b|i|u|s|strike|strong|em|a|img|ul|ol|li|code|pre|blockquote|"
                         r"h[1-6]|table|thead|tbody|tr|td|th|emoji|attachment|customemoji|readonly|hr)"
                         r"(?:\s[^<>]*)?/?>", re.IGNORECASE)
_BREAKS = re.compile(r"<br\s*/?>|</p>|</div>", re.IGNORECASE)


def delivery_id(conversation_id: str, activity_id: str | None) -> str:
    """Bot Framework redelivers an activity with the same id in the same conversation."""
    return f"{conversation_id}|{activity_id}" if activity_id else ""


def plain(text: str) -> str:
    """The words as typed: Teams' own markup (paragraphs, formatting, mentions) removed, entities such as
    &lt; decoded, so that a typed "<" or ">" stays as it was."""
    text = _TEAMS_TAGS.sub("", _BREAKS.sub("\n", text))
    return html.unescape(text).replace("\u00a0", " ").strip()


def conversation_kind(conversation_type: str | None, is_group: bool | None, conversation_id: str) -> str:
    """personal, channel or groupChat: from conversationType, else isGroup, else the id's form
    (a:… is a personal chat; 19:…@thread.tacv2 / @thread.skype a channel; other 19:… a group chat)."""
    if conversation_type in (PERSONAL, CHANNEL, GROUP_CHAT):
        return conversation_type
    thread = conversation_id.split(";", 1)[0]
    in_channel = thread.startswith("19:") and thread.endswith(("@thread.tacv2", "@thread.skype"))
    if is_group is not None:
        return (CHANNEL if in_channel else GROUP_CHAT) if is_group else PERSONAL
    if thread.startswith("19:"):
        return CHANNEL if in_channel else GROUP_CHAT
    return PERSONAL


def channel_of(conversation_id: str) -> str:
    """A channel's id without the ";messageid=…" Teams adds for a thread."""
    return conversation_id.split(";", 1)[0]


def without_mentions_of(text: str, recipient_id: str, mentions: list[tuple[str, str, str]]) -> str:
    """The text without the bot's @mentions, found by entity: each (mentioned id, mentioned name, entity
    text); the entity's text where it appears, else an <at> tag carrying the bot's name."""
    for mentioned_id, name, entity_text in mentions:
        if mentioned_id != recipient_id:
            continue
        if entity_text and entity_text in text:
            text = text.replace(entity_text, " ")
        elif name:
            text = re.sub(r"<at[^>]*>\s*" + re.escape(html.escape(name, quote=False)).replace(r"\ ", r"\s+")
                          + r"\s*</at>", " ", text, flags=re.IGNORECASE)
    return text


def text_event(text: str, actor: Actor, *, subcommands, delivery: str = "", channel: str | None = None,
               channel_name: str = "") -> CommandEvent | None:
    """`channel`: the id of the channel written in (None in a personal or group chat)."""
    text = plain(text)
    if not text:
        return None
    place = {"delivery_id": delivery, "channel": channel, "channel_name": channel_name}
    if text.startswith("/"):
        command, _sep, rest = text.partition(" ")
        return CommandEvent(actor=actor, command=command.lower(), text=rest.strip(), **place)
    first = text.split(maxsplit=1)[0].lower()
    if first in subcommands:
        return CommandEvent(actor=actor, command="/xgov", text=text, **place)
    return free_text_event(actor, text, **place)


def submit_event(value: object, actor: Actor, message: MessageRef | None, *, delivery: str = "",
                 conversation: str = "") -> InboundEvent | None:
    """A card's Action.Submit as a click or a form; None for a cancel or for data that is not ours."""
    submitted = parse_submit(value)
    if isinstance(submitted, Click):
        return ButtonAnswer(actor=actor, action_id=submitted.action_id, value=submitted.value, message=message,
                            trigger="teams", delivery_id=delivery)
    if isinstance(submitted, FormSubmit):
        return FormSubmission(actor=actor, form_id=submitted.form_id, values=submitted.values,
                              metadata=submitted.metadata, delivery_id=delivery,
                              conversation=conversation)
    if isinstance(submitted, FormCancel):
        return None
    return None
