"""Neutral messages and message references to JSON and back (the outbox's payload, the console mailbox).

Image bytes travel as base64, so that a chart queued before a restart is still there after it."""
from __future__ import annotations

import base64
import json
from dataclasses import asdict

from bot.messages import Button, Choices, Field, Form, FormField, Image, Message, MessageRef, Option


def message_to_dict(message: Message, *, with_image_data: bool = True) -> dict:
    data = asdict(message)
    if message.image is not None:
        data["image"]["data"] = base64.b64encode(message.image.data).decode("ascii") if with_image_data else ""
    return data


def message_from_dict(data: dict) -> Message:
    choices = data.get("choices")
    return Message(
        text=data["text"],
        header=data["header"],
        fields=tuple(Field(**field) for field in data["fields"]),
        choices=Choices(choices["action_id"], tuple(Option(**o) for o in choices["options"]), choices["prompt"],
                        choices.get("first_number", 1))
        if choices else None,
        buttons=tuple(Button(**button) for button in data["buttons"]),
        image=image_from_dict(data["image"]) if data.get("image") else None,
        context=data["context"],
    )


def image_to_dict(image: Image) -> dict:
    return {**asdict(image), "data": base64.b64encode(image.data).decode("ascii")}


def image_from_dict(data: dict) -> Image:
    return Image(data["filename"], data["alt_text"], base64.b64decode(data.get("data") or ""), data.get("url", ""))


def form_from_dict(data: dict) -> Form:
    fields = tuple(
        FormField(**{**field, "options": tuple(Option(**o) for o in field["options"]),
                     "initial": tuple(field["initial"]) if isinstance(field["initial"], list) else field["initial"]})
        for field in data["fields"]
    )
    return Form(**{**data, "fields": fields})


def ref_to_json(ref: MessageRef) -> str:
    return json.dumps({"conversation": ref.conversation, "message_id": ref.message_id, "extra": ref.extra},
                      ensure_ascii=False)


def ref_from_json(text: str) -> MessageRef:
    data = json.loads(text)
    return MessageRef(conversation=data["conversation"], message_id=data["message_id"], extra=data.get("extra") or {})
