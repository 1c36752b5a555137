"""Block Kit rendering of the neutral message model: message blocks, modal views, submitted values.

Escaping and formatting (the decision):

* Every human-readable string from the model goes through ``blocks_text.escape``: ``&`` ``<`` ``>``
  become ``&amp;`` ``&lt;`` ``&gt;`` (so ``<!channel>``, ``<@U123>`` or ``<https://x|click>`` never ping
  or link, and a typed ``&lt;`` shows as ``&lt;``), control characters and bidirectional overrides
  become visible escapes as in the console. This applies to plain_text and mrkdwn alike: Slack
  documents the three as control characters of text objects, with no exception for plain_text.
  Values, action ids, block ids, initial values and private_metadata are data, sent unchanged.
* Text without structure of ours (header, text, context, buttons, options, form labels) is
  ``plain_text``: nothing in it is ever formatted, linked or turned into a mention.
* ``mrkdwn`` is used only for a field's bold label (``*label*`` then the value on the next line),
  with ``verbatim`` set so that Slack parses no URL, channel or mention in it. A field whose label
  or value contains ``*`` ``_`` ``~`` or a backtick is rendered as plain_text without the bold, so
  that the user's characters show as typed and can never break or extend the formatting we add.

Limits: see blocks_text. Texts are shortened with "…" or split into more sections; a message
over 50 blocks keeps the first 49 and ends with a context of ``more_text`` (a modal: 99 of 100);
data that does not fit (a value, private_metadata) raises ValueError, since cutting corrupts it.
"""
from __future__ import annotations

from itertools import groupby

from bot.messages import Button, Choices, Field, Form, FormField, Image, Message, Option

from adapters.slack.blocks_text import (
    ACTION_ID, ALT_TEXT, BUTTON_TEXT, BUTTON_VALUE, CONTEXT_TEXT, ELEMENTS_PER_ACTIONS, FIELD_TEXT, FIELDS_PER_SECTION,
    HEADER_TEXT, IMAGE_URL, INPUT_LABEL, INPUT_MAX_LENGTH, LABEL_TEXT, MAX_MESSAGE_BLOCKS, MAX_MODAL_BLOCKS,
    NOTIFICATION_TEXT, OPTION_TEXT, OPTION_VALUE, OPTIONS_PER_SELECT, PLACEHOLDER_TEXT, PRIVATE_METADATA, SECTION_TEXT,
    VIEW_TITLE, chunks, has_mrkdwn_formatting, mrkdwn, one_line, plain_text, shortened, slack_length,
)

GRID_VALUE = 60  # a one-line value up to this length sits in the two-column grid
BUTTON_ROW_TEXT = 500  # choices with more label text than this read better as a menu than as buttons
ACTION_SUFFIX = "#"
DEFAULT_MORE_TEXT = "… shortened: the rest does not fit in one Slack message."
DEFAULT_FORM_MORE_TEXT = "… shortened: the remaining questions do not fit in one Slack form."
STYLES = ("primary", "danger")  # "default" is Slack's button without a style


def _context(raw: str) -> dict:
    return {"type": "context", "elements": [plain_text(shortened(raw, CONTEXT_TEXT))]}


def _sections(raw: str) -> list[dict]:
    return [{"type": "section", "text": plain_text(chunk)} for chunk in chunks(raw, SECTION_TEXT)]


# Messages

def message_blocks(message: Message, *, more_text: str = DEFAULT_MORE_TEXT) -> tuple[list[dict], str]:
    """The blocks of `message` and its notification text; `more_text` ends a message cut to 50 blocks."""
    action_ids = _ActionIds()
    blocks: list[dict] = []
    if message.header.strip():
        blocks.append({"type": "header", "text": plain_text(shortened(one_line(message.header), HEADER_TEXT))})
    blocks += _sections(message.text)
    blocks += _field_blocks(message.fields)
    if message.image and _web_image(message.image):
        blocks.append(_image_block(message.image))
    if message.choices:
        blocks += _choice_blocks(message.choices, action_ids)
    blocks += _button_blocks(message.buttons, action_ids)
    if message.context.strip():
        blocks.append(_context(message.context))
    if len(blocks) > MAX_MESSAGE_BLOCKS:
        blocks = blocks[:MAX_MESSAGE_BLOCKS - 1] + [_context(more_text)]
    return blocks, notification_text(message)


def notification_text(message: Message) -> str:
    """A plain one-line summary for notifications and screen readers: the header and the first line."""
    first_line = next((line for line in message.text.splitlines() if line.strip()), "")
    summary = " – ".join(one_line(part) for part in (message.header, first_line) if part.strip())
    if not summary:
        candidates = [message.choices.prompt if message.choices else "", message.context]
        candidates += [f"{field.label}: {field.value}" for field in message.fields[:1]]
        labels = [option.label for option in message.choices.options] if message.choices else []
        candidates.append(" · ".join(labels + [button.label for button in message.buttons]))
        summary = one_line(next((c for c in candidates if c.strip()), ""))
    return shortened(summary, NOTIFICATION_TEXT)


def needs_upload(message: Message) -> bool:
    """True when the message's image has bytes to upload (files.getUploadURLExternal) instead of a URL."""
    return message.image is not None and bool(message.image.data) and not _web_image(message.image)


def parse_action_id(slack_action_id: str) -> str:
    """The neutral action_id of a Slack action_id made unique by this module."""
    base, separator, index = slack_action_id.rpartition(ACTION_SUFFIX)
    return base if separator and index.isdigit() else slack_action_id


class _ActionIds:
    """Slack rejects a message whose action_ids repeat; the model repeats them (one per option)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, action_id: str) -> str:
        unique = f"{action_id}{ACTION_SUFFIX}{self.count}"
        self.count += 1
        if len(unique) > ACTION_ID:
            raise ValueError(f"action_id {action_id!r} is too long for Slack ({ACTION_ID} characters with its suffix)")
        return unique


def _field_blocks(fields: tuple[Field, ...]) -> list[dict]:
    """Runs of short one-line fields side by side in a two-column grid; any other field full width."""
    blocks: list[dict] = []
    shown = [field for field in fields if field.label.strip() or field.value.strip()]
    for is_short, run in groupby(shown, key=lambda f: "\n" not in f.value and slack_length(f.value) <= GRID_VALUE):
        run = list(run)
        if is_short and len(run) > 1:
            for at in range(0, len(run), FIELDS_PER_SECTION):
                texts = [_field_text(field, FIELD_TEXT)[0] for field in run[at:at + FIELDS_PER_SECTION]]
                blocks.append({"type": "section", "fields": texts})
        else:
            blocks += [{"type": "section", "text": text} for field in run for text in _field_text(field, SECTION_TEXT)]
    return blocks


def _field_text(field: Field, limit: int) -> list[dict]:
    """`*label*` and the value below it, in as many text objects of `limit` as the value needs."""
    bold = not has_mrkdwn_formatting(field.label, field.value)
    label = shortened(one_line(field.label), LABEL_TEXT)
    if bold and label:
        label = f"*{label}*"
    value_parts = chunks(field.value, limit - slack_length(label) - 1) or [""]
    texts = ["\n".join(part for part in (label, value_parts[0]) if part)] + value_parts[1:]
    return [mrkdwn(text) if bold else plain_text(text) for text in texts]


def _web_image(image: Image) -> bool:
    return image.url.startswith(("https://", "http://")) and len(image.url) <= IMAGE_URL


def _image_block(image: Image) -> dict:
    alt_text = shortened(image.alt_text.strip() or image.filename or "image", ALT_TEXT)
    return {"type": "image", "image_url": image.url, "alt_text": alt_text}


def _choice_blocks(choices: Choices, action_ids: _ActionIds) -> list[dict]:
    blocks = _sections(choices.prompt)
    options = choices.options
    selectable = all(slack_length(option.value) <= OPTION_VALUE for option in options)
    short = len(options) <= ELEMENTS_PER_ACTIONS and sum(len(option.label) for option in options) <= BUTTON_ROW_TEXT
    if short or not selectable:
        buttons = tuple(Button(option.label, choices.action_id, option.value) for option in options)
        return blocks + _button_blocks(buttons, action_ids)
    selects = [_select(choices, options[at:at + OPTIONS_PER_SELECT], action_ids)
               for at in range(0, len(options), OPTIONS_PER_SELECT)]
    return blocks + _actions_blocks(selects)


def _select(choices: Choices, options: tuple[Option, ...], action_ids: _ActionIds) -> dict:
    placeholder = choices.prompt or f"{options[0].label} … {options[-1].label}"
    return {"type": "static_select", "action_id": action_ids(choices.action_id),
            "placeholder": plain_text(shortened(one_line(placeholder), PLACEHOLDER_TEXT)),
            "options": [_option(option) for option in options]}


def _button_blocks(buttons: tuple[Button, ...], action_ids: _ActionIds) -> list[dict]:
    return _actions_blocks([_button(button, action_ids) for button in buttons])


def _button(button: Button, action_ids: _ActionIds) -> dict:
    if len(button.value) > BUTTON_VALUE:
        raise ValueError(f"the value of button {button.action_id!r} is too long for Slack ({BUTTON_VALUE})")
    element = {"type": "button", "action_id": action_ids(button.action_id),
               "text": plain_text(shortened(one_line(button.label) or "…", BUTTON_TEXT))}
    if button.value:
        element["value"] = button.value
    if button.style in STYLES:
        element["style"] = button.style
    return element


def _actions_blocks(elements: list[dict]) -> list[dict]:
    return [{"type": "actions", "elements": elements[at:at + ELEMENTS_PER_ACTIONS]}
            for at in range(0, len(elements), ELEMENTS_PER_ACTIONS)]


def _option(option: Option) -> dict:
    if slack_length(option.value) > OPTION_VALUE:
        raise ValueError(f"option value {option.value[:40]!r}… is too long for a Slack select ({OPTION_VALUE})")
    return {"text": plain_text(shortened(one_line(option.label) or "…", OPTION_TEXT)), "value": option.value}


# Forms (modals)

def form_view(form: Form, *, close_label: str, private_metadata: str | None = None, callback_id: str | None = None,
              more_text: str = DEFAULT_FORM_MORE_TEXT) -> dict:
    """The modal of `form` (views.open); private_metadata defaults to form.metadata, callback_id to form.form_id."""
    metadata = form.metadata if private_metadata is None else private_metadata
    callback = callback_id or form.form_id
    if slack_length(metadata) > PRIVATE_METADATA or len(callback) > ACTION_ID:
        raise ValueError(f"form {form.form_id!r}: private_metadata or callback_id is too long for Slack")
    names = [field.name for field in form.fields]
    if len(set(names)) != len(names) or any(not name or len(name) > ACTION_ID for name in names):
        raise ValueError(f"form {form.form_id!r}: field names must be unique, non-empty and at most {ACTION_ID} long")
    blocks = _sections(form.intro) + [_input_block(field) for field in form.fields]
    if len(blocks) > MAX_MODAL_BLOCKS:
        blocks = blocks[:MAX_MODAL_BLOCKS - 1] + [_context(more_text)]
    return {
        "type": "modal",
        "callback_id": callback,
        "title": plain_text(shortened(one_line(form.title) or form.form_id, VIEW_TITLE)),
        "submit": plain_text(shortened(one_line(form.submit_label), VIEW_TITLE)),
        "close": plain_text(shortened(one_line(close_label), VIEW_TITLE)),
        "private_metadata": metadata,
        "blocks": blocks,
    }


def _input_block(field: FormField) -> dict:
    block = {"type": "input", "block_id": field.name, "optional": not field.required,
             "label": plain_text(shortened(field.label.strip() or field.name, INPUT_LABEL)),
             "element": _input_element(field)}
    if field.hint.strip():
        block["hint"] = plain_text(shortened(field.hint, INPUT_LABEL))
    return block


def _input_element(field: FormField) -> dict:
    if field.kind in ("select", "multiselect") and field.options:
        return _select_element(field)
    element = {"type": "plain_text_input", "action_id": field.name, "multiline": field.kind == "multiline"}
    if field.max_length:
        element["max_length"] = min(field.max_length, INPUT_MAX_LENGTH)
    if isinstance(field.initial, str) and field.initial:
        element["initial_value"] = field.initial
    return element


def _select_element(field: FormField) -> dict:
    options = [_option(option) for option in field.options]
    element: dict = {"type": "static_select" if field.kind == "select" else "multi_static_select",
                     "action_id": field.name}
    if len(options) <= OPTIONS_PER_SELECT:
        element["options"] = options
    else:
        element["option_groups"] = [_option_group(field.options[at:at + OPTIONS_PER_SELECT])
                                    for at in range(0, len(field.options), OPTIONS_PER_SELECT)]
    initial = (field.initial,) if isinstance(field.initial, str) else field.initial
    chosen = [option for value in initial for option in options if option["value"] == value]
    if chosen and field.kind == "select":
        element["initial_option"] = chosen[0]
    elif chosen:
        element["initial_options"] = chosen
    return element


def _option_group(options: tuple[Option, ...]) -> dict:
    first, last = one_line(options[0].label), one_line(options[-1].label)
    label = first if len(options) == 1 else f"{first} – {last}"
    return {"label": plain_text(shortened(label, OPTION_TEXT)), "options": [_option(option) for option in options]}


def form_values(view_state_values: dict, form: Form | None = None) -> dict[str, str | tuple[str, ...]]:
    """A view_submission's ``view.state.values`` as the neutral FormSubmission values.

    With `form`, every field of it is present ("" or () when left empty); without it, every input
    in the state is read by its element type.
    """
    if form is None:
        return {name: _state_value(state) for inputs in view_state_values.values() for name, state in inputs.items()}
    return {field.name: _state_value(view_state_values.get(field.name, {}).get(field.name, {}), field.kind)
            for field in form.fields}


def _state_value(state: dict, kind: str = "text") -> str | tuple[str, ...]:
    element_type = state.get("type", "")
    if element_type == "multi_static_select" or (not element_type and kind == "multiselect"):
        return tuple(option["value"] for option in state.get("selected_options") or ())
    if element_type == "static_select" or (not element_type and kind == "select"):
        return (state.get("selected_option") or {}).get("value", "")
    return state.get("value") or ""
