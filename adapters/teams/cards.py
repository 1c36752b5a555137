"""Adaptive Cards 1.5 rendering of the neutral message model: message cards, form cards, submits.

Escaping (the decision; details in cards_text): Teams applies Markdown to TextBlock text and to
Fact titles and values, nowhere else. Those get ``cards_text.markdown``: CommonMark backslash
escapes for every inline construct and for block markers at line starts, one paragraph per line.
Every other shown string (action and choice titles, input labels, placeholders, alt text) gets
``cards_text.plain``. Both make control characters visible and put an invisible WORD JOINER after
``<`` and inside ``{{`` and ``${``, so no ``<at>`` mention, HTML tag, ``{{DATE()}}`` or
``${...}`` template can form. Bold is ``weight: bolder``, never ``**``: nothing we add is Markdown.
Values, ids, initial values and submit data are data, sent unchanged.

Limits (decisions): a card is at most MAX_CARD_BYTES of JSON as ``json.dumps`` writes it by default
(ASCII-escaped, so never smaller than what is sent), leaving room in Teams' ~28 KB per activity.
A card over it keeps its header, choices, buttons and context, keeps text, fields and image in
order while they fit (the first text that does not fit whole is cut at a space, ending with "…")
and ends them with a subtle ``more_text`` TextBlock; a form keeps its inputs the same way. Texts
are split into TextBlocks of TEXT_CHUNK characters; one-line texts are shortened with "…" (action
titles at ACTION_TITLE characters, the full label then becomes the tooltip). At most
ACTIONS_PER_SET actions share an ActionSet (what Teams shows in a row). An image needs an https
URL, or bytes of PNG, JPEG or GIF of at most IMAGE_DATA_BYTES (sent as a data: URI, ~16 KB of
base64); otherwise it is left out and a context line says so (send it another way). Actions carry
no id, so the model's repeated action_ids need no ``#n`` suffix as in Slack. Data that cannot be
cut (a multiselect value with a comma, a duplicate or reserved field name, a card whose fixed parts
alone are too big) raises ValueError.

Submits: every Action.Submit's data is ``{"xgov": {...}}``; Teams merges the card's input values
into it by input id, beside the "xgov" key:

* a button or a choice button: ``{"kind": "click", "action_id", "value"}``;
* a choice menu's submit: ``{"kind": "choice", "action_id"}``, the value under CHOICE_INPUT_ID;
* a form's submit: ``{"kind": "form", "form_id", "metadata", "fields": {name: kind}}``, the values
  under the field names (a multiselect as "a,b"); a form's cancel: ``{"kind": "cancel", ...}``.

``parse_submit`` turns an activity's value back into a Click (a tuple: action_id, value), a
FormSubmit or a FormCancel. The data comes back from the client: treat it as untrusted input.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from itertools import groupby
from typing import NamedTuple

from bot.messages import Button, Choices, Field, Form, FormField, Image, Message, Option

from adapters.teams.cards_text import ELLIPSIS, chunks, cut, markdown, one_line, plain

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"  # an attachment's contentType for these cards

MAX_CARD_BYTES = 25_000
TEXT_CHUNK, CONTEXT_TEXT, HEADER_TEXT, LABEL_TEXT, ALT_TEXT, SUMMARY_TEXT = 1000, 1000, 200, 200, 200, 200
ACTION_TITLE, CHOICE_TITLE, ACTIONS_PER_SET = 40, 150, 6
CHOICE_BUTTONS = 12  # more options than this (or a longer title) make a menu instead of buttons
FACT_VALUE = 80  # a one-line value up to this length sits in a FactSet beside its label
EXPANDED_MULTISELECT = 8  # a multiselect with at most this many options shows checkboxes
IMAGE_DATA_BYTES = 12_000

SUBMIT_KEY, CHOICE_INPUT_ID = "xgov", "xgov_choice"
DEFAULT_MORE_TEXT = "… shortened: the rest does not fit in one Teams card."
DEFAULT_FORM_MORE_TEXT = "… shortened: the remaining questions do not fit in one Teams card."
DEFAULT_IMAGE_LEFT_OUT = "(image left out of this card)"
DEFAULT_REQUIRED_TEXT = "Required."
STYLES = {"primary": "positive", "danger": "destructive"}
IMAGE_TYPES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF8", "image/gif"))


class Click(NamedTuple):
    """A button or a choice: unpacks as ``action_id, value``."""

    action_id: str
    value: str


@dataclass(frozen=True)
class FormSubmit:
    form_id: str
    metadata: str
    values: dict[str, str | tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class FormCancel:
    form_id: str
    metadata: str


# Elements

def _text_blocks(raw: str, **style) -> list[dict]:
    return [{"type": "TextBlock", "text": markdown(chunk), "wrap": True, **style} for chunk in chunks(raw, TEXT_CHUNK)]


def _context(raw: str) -> dict:
    return {"type": "TextBlock", "text": markdown(cut(raw.strip(), CONTEXT_TEXT)), "wrap": True, "size": "small",
            "isSubtle": True}


def _heading(raw: str) -> dict:
    return {"type": "TextBlock", "text": markdown(cut(one_line(raw), HEADER_TEXT)), "wrap": True,
            "weight": "bolder", "size": "medium"}


def _submit(title: str, data: dict, style: str = "default", associated_inputs: str = "none") -> dict:
    label = one_line(title) or "…"
    action = {"type": "Action.Submit", "title": plain(cut(label, ACTION_TITLE)), "data": {SUBMIT_KEY: data},
              "associatedInputs": associated_inputs}
    if len(label) > ACTION_TITLE:
        action["tooltip"] = plain(label)
    if style in STYLES:
        action["style"] = STYLES[style]
    return action


def _action_sets(actions: list[dict]) -> list[dict]:
    return [{"type": "ActionSet", "actions": actions[at:at + ACTIONS_PER_SET]}
            for at in range(0, len(actions), ACTIONS_PER_SET)]


def _choice(option: Option) -> dict:
    return {"type": "Input.Choice", "title": plain(cut(one_line(option.label) or "…", CHOICE_TITLE)),
            "value": option.value}


# Messages

def message_card(message: Message, *, more_text: str = DEFAULT_MORE_TEXT, choose_label: str = "OK",
                 image_left_out_text: str = DEFAULT_IMAGE_LEFT_OUT) -> dict:
    """The card of `message`. `choose_label` titles the submit of a choice menu; `more_text` ends a
    card cut to MAX_CARD_BYTES; `image_left_out_text` follows the alt text of an image left out."""
    head = [_heading(message.header)] if message.header.strip() else []
    body = _text_blocks(message.text) + _field_blocks(message.fields)
    notes = []
    if message.image:
        image = _image_element(message.image)
        if image:
            body.append(image)
        else:
            alt = one_line(message.image.alt_text) or message.image.filename
            notes.append(_context(f"{alt} {image_left_out_text}".strip()))
    tail = _choice_elements(message.choices, choose_label) if message.choices else []
    tail += _action_sets([_button(button) for button in message.buttons])
    tail += notes + ([_context(message.context)] if message.context.strip() else [])
    return _card(_fit(head, body, tail, more_text))


def summary_text(message: Message) -> str:
    """A one-line summary for the activity's ``summary`` (notifications): header and first line,
    plain text as typed (not Markdown, so not escaped)."""
    first_line = next((line for line in message.text.splitlines() if line.strip()), "")
    parts = [one_line(part) for part in (message.header, first_line) if part.strip()]
    if not parts:
        candidates = [message.choices.prompt if message.choices else "", message.context]
        candidates += [f"{f.label}: {f.value}" for f in message.fields[:1]]
        parts = [one_line(next((c for c in candidates if c.strip()), ""))]
    return cut(" – ".join(parts), SUMMARY_TEXT)


def _field_blocks(fields: tuple[Field, ...]) -> list[dict]:
    """Runs of short one-line fields in a FactSet; any other field as a bold label and its text."""
    blocks: list[dict] = []
    shown = [f for f in fields if f.label.strip() or f.value.strip()]
    for is_fact, run in groupby(shown, key=lambda f: "\n" not in f.value.strip() and len(f.value) <= FACT_VALUE):
        if is_fact:
            facts = [{"title": markdown(cut(one_line(f.label), LABEL_TEXT)), "value": markdown(one_line(f.value))}
                     for f in run]
            blocks.append({"type": "FactSet", "facts": facts})
            continue
        for f in run:
            if f.label.strip():
                blocks.append({"type": "TextBlock", "text": markdown(cut(one_line(f.label), LABEL_TEXT)),
                               "wrap": True, "weight": "bolder"})
            blocks += _text_blocks(f.value, spacing="none")
    return blocks


def _image_element(image: Image) -> dict | None:
    """An Image from an https URL, else from the bytes as a data: URI when small enough, else None."""
    if image.url.startswith("https://"):
        url = image.url
    else:
        mime = next((kind for magic, kind in IMAGE_TYPES if image.data.startswith(magic)), None)
        if not mime or len(image.data) > IMAGE_DATA_BYTES:
            return None
        url = f"data:{mime};base64,{base64.b64encode(image.data).decode('ascii')}"
    alt = cut(one_line(image.alt_text) or image.filename or "image", ALT_TEXT)
    return {"type": "Image", "url": url, "altText": plain(alt)}


def _choice_elements(choices: Choices, choose_label: str) -> list[dict]:
    elements = _text_blocks(choices.prompt)
    options = choices.options
    if len(options) <= CHOICE_BUTTONS and all(len(one_line(o.label)) <= ACTION_TITLE for o in options):
        return elements + _action_sets([_button(Button(o.label, choices.action_id, o.value)) for o in options])
    placeholder = choices.prompt or (f"{options[0].label} … {options[-1].label}" if options else "")
    menu = {"type": "Input.ChoiceSet", "id": CHOICE_INPUT_ID, "style": "compact", "isRequired": True,
            "choices": [_choice(o) for o in options]}
    if placeholder.strip():
        menu["placeholder"] = plain(cut(one_line(placeholder), CHOICE_TITLE))
    submit = _submit(choose_label, {"kind": "choice", "action_id": choices.action_id}, "primary", "auto")
    return elements + [menu] + _action_sets([submit])


def _button(button: Button) -> dict:
    return _submit(button.label, {"kind": "click", "action_id": button.action_id, "value": button.value},
                   button.style)


# Forms

def form_card(form: Form, *, more_text: str = DEFAULT_FORM_MORE_TEXT, required_text: str = DEFAULT_REQUIRED_TEXT,
              cancel_label: str = "Cancel") -> dict:
    """A card with the inputs of `form`, a submit and a cancel (form.cancel_label, else `cancel_label`).
    `required_text` is the error shown under a required input left empty."""
    names = [f.name for f in form.fields]
    if len(set(names)) != len(names) or any(not name or name in (SUBMIT_KEY, CHOICE_INPUT_ID) for name in names):
        raise ValueError(f"form {form.form_id!r}: field names must be unique, non-empty and not "
                         f"{SUBMIT_KEY!r} or {CHOICE_INPUT_ID!r}")
    head = [_heading(form.title or form.form_id)]
    body = _text_blocks(form.intro) + [_input(f, required_text) for f in form.fields]
    kept = _fit(head, body, [], more_text, _form_actions(form, form.fields, cancel_label))
    shown = {element.get("id") for element in kept}
    card = _card(kept, _form_actions(form, tuple(f for f in form.fields if f.name in shown), cancel_label))
    _check_size(card, f"form {form.form_id!r}")
    return card


def _form_actions(form: Form, fields: tuple[FormField, ...], cancel_label: str) -> list[dict]:
    """Submit (carrying the kinds of the fields shown) and cancel."""
    kinds = {f.name: f.kind for f in fields}
    submit = _submit(form.submit_label, {"kind": "form", "form_id": form.form_id, "metadata": form.metadata,
                                         "fields": kinds}, "primary", "auto")
    cancel = _submit(form.cancel_label or cancel_label,
                     {"kind": "cancel", "form_id": form.form_id, "metadata": form.metadata})
    return [submit, cancel]


def _input(form_field: FormField, required_text: str) -> dict:
    element: dict = {"id": form_field.name, "label": plain(cut(one_line(form_field.label) or form_field.name,
                                                                 LABEL_TEXT))}
    if form_field.kind in ("select", "multiselect") and form_field.options:
        element.update(_choice_set(form_field))
    else:
        element.update({"type": "Input.Text", "isMultiline": form_field.kind == "multiline"})
        if form_field.max_length:
            element["maxLength"] = form_field.max_length
        if isinstance(form_field.initial, str) and form_field.initial:
            element["value"] = form_field.initial
    if form_field.hint.strip():
        element["placeholder"] = plain(cut(one_line(form_field.hint), LABEL_TEXT))
    if form_field.required:
        element.update(isRequired=True, errorMessage=plain(required_text))
    return element


def _choice_set(form_field: FormField) -> dict:
    multi = form_field.kind == "multiselect"
    if multi and any("," in option.value for option in form_field.options):
        raise ValueError(f"field {form_field.name!r}: a multiselect value cannot contain a comma")
    element = {"type": "Input.ChoiceSet", "choices": [_choice(o) for o in form_field.options],
               "style": "expanded" if multi and len(form_field.options) <= EXPANDED_MULTISELECT else "compact"}
    if multi:
        element["isMultiSelect"] = True
    initial = (form_field.initial,) if isinstance(form_field.initial, str) else form_field.initial
    chosen = [o.value for o in form_field.options if o.value in initial]
    if chosen:
        element["value"] = ",".join(chosen) if multi else chosen[0]
    return element


# Submits

def parse_submit(data: object) -> Click | FormSubmit | FormCancel | None:
    """What an Action.Submit of these cards sent (an activity's value); None for anything else."""
    ours = data.get(SUBMIT_KEY) if isinstance(data, dict) else None
    if not isinstance(ours, dict):
        return None
    kind = ours.get("kind")
    if kind == "click":
        return Click(str(ours.get("action_id", "")), str(ours.get("value", "")))
    if kind == "choice":
        return Click(str(ours.get("action_id", "")), str(data.get(CHOICE_INPUT_ID) or ""))
    if kind == "form":
        return FormSubmit(str(ours.get("form_id", "")), str(ours.get("metadata", "")), form_values(data))
    if kind == "cancel":
        return FormCancel(str(ours.get("form_id", "")), str(ours.get("metadata", "")))
    return None


def form_values(submitted: dict, form: Form | None = None) -> dict[str, str | tuple[str, ...]]:
    """The values of a form's submit as the neutral FormSubmission values.

    Every field of `form` (else of the kinds the submit carries, else every input) is present,
    "" or () when left empty; a multiselect's "a,b" becomes ("a", "b").
    """
    if form is not None:
        kinds = {f.name: f.kind for f in form.fields}
    else:
        ours = submitted.get(SUBMIT_KEY)
        carried = ours.get("fields") if isinstance(ours, dict) else None
        kinds = carried if isinstance(carried, dict) else {
            name: "text" for name in submitted if name not in (SUBMIT_KEY, CHOICE_INPUT_ID)}
    values: dict[str, str | tuple[str, ...]] = {}
    for name, kind in kinds.items():
        raw = submitted.get(name)
        text = raw if isinstance(raw, str) else ""
        values[name] = tuple(v for v in text.split(",") if v) if kind == "multiselect" else text
    return values


# Size

def _card(body: list[dict], actions: list[dict] | None = None) -> dict:
    card = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": body}
    if actions:
        card["actions"] = actions
    return card


def card_bytes(card: dict) -> int:
    """The size a card is measured by: json.dumps defaults (ASCII-escaped), as sent or larger."""
    return len(json.dumps(card))


def _check_size(card: dict, what: str) -> None:
    if card_bytes(card) > MAX_CARD_BYTES:
        raise ValueError(f"{what} does not fit in one Teams card ({card_bytes(card)} > {MAX_CARD_BYTES} bytes)")


def _fit(head: list[dict], body: list[dict], tail: list[dict], more_text: str,
         actions: list[dict] | None = None) -> list[dict]:
    """head + body + tail when the card fits; else as much of body as fits, in order, then `more_text`.

    The first TextBlock that does not fit whole is cut at a space or line break and ends with "…".
    """
    whole = head + body + tail
    if card_bytes(_card(whole, actions)) <= MAX_CARD_BYTES:
        return whole
    marker = _context(more_text)
    used = card_bytes(_card(head + [marker] + tail, actions))
    if used > MAX_CARD_BYTES:
        raise ValueError(f"the fixed parts of this card do not fit in one Teams card ({used} bytes)")
    kept = []
    for element in body:
        cost = len(json.dumps(element)) + 2  # with the ", " before it in the body list
        if used + cost > MAX_CARD_BYTES:
            partial = _cut_text_block(element, MAX_CARD_BYTES - used - 2)
            kept += [partial] if partial else []
            break
        kept.append(element)
        used += cost
    return head + kept + [marker] + tail


def _cut_text_block(element: dict, room: int) -> dict | None:
    """The longest start of a TextBlock, cut before a space or line break, that fits in `room` bytes.

    Escaped text is cut only there: no escape sequence or WORD JOINER pair contains whitespace.
    """
    if element.get("type") != "TextBlock":
        return None
    text = element["text"]
    fits = [at for at in range(len(text)) if text[at] in " \n" and text[:at].strip()]
    low, high, best = 0, len(fits) - 1, None
    while low <= high:
        middle = (low + high) // 2
        candidate = {**element, "text": text[:fits[middle]].rstrip() + ELLIPSIS}
        if len(json.dumps(candidate)) <= room:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best
