"""Slack request payloads to the bot's neutral events (pure functions, no Web API calls).

Text that Slack sends (a command's text, a message) has ``&``, ``<`` and ``>`` as entities;
they are turned back into the characters the person typed, so the report stores plain text
and the renderers escape it again on the way out.
"""
from __future__ import annotations

from adapters.slack.blocks import form_values, parse_action_id
from adapters.slack.ingress import DELIVERY_KEY
from bot.events import Actor, ButtonAnswer, CommandEvent, FormSubmission, free_text_event
from bot.messages import MessageRef

REPORT_SHORTCUTS = ("report_friction", "report_friction_new")  # on a message; anywhere (manifest.yml)


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def command_event(body: dict, actor: Actor) -> CommandEvent:
    """`channel` is the id of the channel the command was given in; None in a direct message (D…)."""
    channel = body.get("channel_id") or ""
    in_channel = channel[:1] in ("C", "G")
    return CommandEvent(actor=actor, command=body.get("command", ""), text=unescape(body.get("text") or ""),
                        channel=channel if in_channel else None, trigger=body.get("trigger_id"),
                        delivery_id=body.get(DELIVERY_KEY, ""),
                        channel_name=(body.get("channel_name") or "") if in_channel else "")


def shortcut_event(body: dict, actor: Actor) -> CommandEvent:
    """A message shortcut quotes the message; the global shortcut opens an empty report."""
    message = body.get("message") or {}
    return CommandEvent(actor=actor, command="/friction", trigger=body.get("trigger_id"),
                        channel=(body.get("channel") or {}).get("id"), quoted=unescape(message.get("text") or ""),
                        delivery_id=body.get(DELIVERY_KEY, ""))


def button_event(body: dict, actor: Actor) -> ButtonAnswer:
    action = body["actions"][0]
    if action.get("type") == "static_select":
        value = (action.get("selected_option") or {}).get("value", "")
    else:
        value = action.get("value", "")
    container = body.get("container") or {}
    message = None
    if container.get("type") == "message":
        message = MessageRef(conversation=container["channel_id"], message_id=container["message_ts"])
    return ButtonAnswer(actor=actor, action_id=parse_action_id(action["action_id"]), value=value, message=message,
                        trigger=body.get("trigger_id"), delivery_id=body.get(DELIVERY_KEY, ""))


def from_home_tab(body: dict) -> bool:
    return (body.get("container") or {}).get("type") == "view" and (body.get("view") or {}).get("type") == "home"


def form_submission(body: dict, actor: Actor) -> FormSubmission:
    view = body["view"]
    return FormSubmission(actor=actor, form_id=view.get("callback_id", ""),
                          values=form_values(view.get("state", {}).get("values", {})),
                          metadata=view.get("private_metadata", ""), delivery_id=body.get(DELIVERY_KEY, ""))


def refusal_block(view: dict, values: dict, refusal: str) -> str | None:
    """Which input of a modal shows a refusal (Slack attaches errors to input blocks only): the one
    whose answer the refusal quotes ("nobody with the e-mail x…"), else the first."""
    inputs = [block["block_id"] for block in view.get("blocks", []) if block.get("type") == "input"]
    quoted = [name for name in inputs if isinstance(values.get(name), str) and values[name].strip()
              and values[name].strip() in refusal]
    return (quoted or inputs or [None])[0]


PERSON_SUBTYPES = frozenset({"file_share", "thread_broadcast"})  # a person's new text (with a file; also sent to the chat)


def written_to_the_bot(event: dict) -> bool:
    """A person's new message in the bot's Messages tab (not an edit, a deletion, a bot or a channel):
    no subtype, or one that still carries what they wrote (PERSON_SUBTYPES)."""
    return (event.get("channel_type") == "im" and event.get("subtype") in (None, *PERSON_SUBTYPES)
            and not event.get("bot_id") and isinstance(event.get("user"), str) and bool(event.get("user")))


def direct_message_event(body: dict, actor: Actor) -> CommandEvent | None:
    """Something written to the bot in its Messages tab: a greeting gets help, anything else is a report.

    None for what is not a person's new message (edits, bot messages, other channels)."""
    event = body.get("event") or {}
    if not written_to_the_bot(event):
        return None
    text = unescape(event.get("text") if isinstance(event.get("text"), str) else "").strip()
    if not text:
        return None
    return free_text_event(actor, text, delivery_id=body.get("event_id", ""))
