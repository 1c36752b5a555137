"""What a request to /slack/events must be before bolt sees it: signed by Slack, then well formed.

Authentication comes first and touches nothing but the raw bytes and two headers (slack_sdk's
SignatureVerifier: HMAC-SHA256 over ``v0:timestamp:body``, five minutes either way): a request
that fails it is refused with 401 before any parsing, so that nothing an outsider sends reaches
a parser, a listener or a traceback. A signed request is then parsed and its shape checked
(pydantic models of the fields the listeners read); a signed but malformed one gets 400 with a
short reason. `delivery_id` names a signed request by its signature, so that the bot takes an
identical request (a replay inside the five minutes) once: bot.services.deliveries records it.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Literal, Optional
from urllib.parse import parse_qs

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from slack_sdk.signature import SignatureVerifier

DELIVERY_KEY = "xgov_delivery"  # added to a signed body: its signature's name (see delivery_id)


class Refused(Exception):
    """The request is answered with `status` and `reason`, and goes no further."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def authenticate(verifier: SignatureVerifier | None, body: bytes, headers) -> str:
    """The body as text when Slack signed it within five minutes; Refused(401) otherwise."""
    timestamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    if (verifier is None or not timestamp.isascii() or not timestamp.isdigit() or not signature
            or not signature.isascii()):  # hmac.compare_digest refuses other text with a TypeError
        raise Refused(401, "invalid request")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as problem:
        raise Refused(401, "invalid request") from problem
    if not verifier.is_valid(body=text, timestamp=timestamp, signature=signature):
        raise Refused(401, "invalid request")
    return text


def delivery_id(signature: str) -> str:
    """A signed request's name: the same bytes at the same second carry the same signature."""
    return "sig:" + hashlib.sha256(signature.encode("ascii", "replace")).hexdigest()[:40]


# -- the shapes the listeners read ------------------------------------------------------------------

class _Loose(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class _User(_Loose):
    id: str = Field(min_length=1)


class _Action(_Loose):
    action_id: str
    type: str = ""
    value: Optional[str] = None
    selected_option: Optional[dict] = None


class _Container(_Loose):
    type: str
    channel_id: Optional[str] = None
    message_ts: Optional[str] = None

    @model_validator(mode="after")
    def _a_message_names_where(self) -> "_Container":
        if self.type == "message" and not (self.channel_id and self.message_ts):
            raise ValueError("a message container needs channel_id and message_ts")
        return self


class _BlockActions(_Loose):
    type: Literal["block_actions"]
    user: _User
    actions: list[_Action] = Field(min_length=1)
    container: Optional[_Container] = None
    view: Optional[dict] = None
    trigger_id: Optional[str] = None


class _State(_Loose):
    values: dict[str, dict[str, dict]] = {}  # a modal without inputs sends "state": {}


class _View(_Loose):
    type: str
    callback_id: str
    state: _State
    private_metadata: str = ""
    blocks: list[dict] = []


class _ViewSubmission(_Loose):
    type: Literal["view_submission"]
    user: _User
    view: _View


class _Shortcut(_Loose):
    type: Literal["shortcut", "message_action"]
    user: _User
    callback_id: str
    message: Optional[dict] = None
    channel: Optional[dict] = None


class _Command(_Loose):
    command: str = Field(min_length=1)
    user_id: str = Field(min_length=1)
    text: str = ""


class _Event(_Loose):
    type: str


class _EventCallback(_Loose):
    type: Literal["event_callback"]
    event: _Event
    event_id: str = ""


_MODELS: dict[str, type[BaseModel]] = {
    "block_actions": _BlockActions, "view_submission": _ViewSubmission, "shortcut": _Shortcut,
    "message_action": _Shortcut, "event_callback": _EventCallback,
}  # the kinds the listeners read; any other kind is acknowledged and ignored by bolt


@dataclass(frozen=True)
class Checked:
    """A signed, well-formed request: the body bolt gets, and its content type."""

    body: str
    content_type: str


def check_shape(text: str, content_type: str) -> Checked:
    """Refused(400, reason) unless the signed body has the shape its kind needs."""
    if content_type == "application/json":
        _check(_json_object(text, "the body"))
        return Checked(text, content_type)
    fields = parse_qs(text, keep_blank_values=True)
    if "payload" in fields:
        _check(_json_object(fields["payload"][0], "payload"))
    elif "command" in fields:
        _check_model(_Command, {name: values[0] for name, values in fields.items()})
    elif "ssl_check" not in fields:
        raise Refused(400, "neither a command, an interaction nor an event")
    return Checked(text, "application/x-www-form-urlencoded")


def _json_object(text: str, what: str) -> dict:
    try:
        data = json.loads(text)
    except ValueError as problem:
        raise Refused(400, f"{what} is not JSON") from problem
    if not isinstance(data, dict):
        raise Refused(400, f"{what} is not a JSON object")
    return data


def _check(data: dict) -> None:
    if not isinstance(data.get("type"), str):
        raise Refused(400, "no type")
    if data["type"] in _MODELS:
        _check_model(_MODELS[data["type"]], data)


def _check_model(model: type[BaseModel], data: dict) -> None:
    try:
        model.model_validate(data)
    except ValidationError as problem:
        raise Refused(400, _reason(problem)) from problem


def _reason(problem: ValidationError) -> str:
    first = problem.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in first["loc"] if not str(part).startswith("_"))
    return f"malformed {where or 'request'}: {first['msg']}"[:200]
