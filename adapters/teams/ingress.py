"""What a request to /api/messages must be before the bot sees it.

With credentials (production), the Authorization header is checked first, before the body is read:
a bearer token that is not a JWT signed with RS256 (``Bearer not-a-jwt``, ``alg=none``, HS256) gets
401 at once. The body is then parsed; Bot Framework authentication (botbuilder, which needs the
activity's serviceUrl and channel) runs before anything else is done with it, and any failure of it
is a 401, never a traceback. A body that cannot be read as an activity is a 401 too while the
request is not yet authenticated (nothing tells it came from Microsoft), and a 400 with a short
reason in development mode or once authenticated.
"""
from __future__ import annotations

import json
import logging

import jwt
from aiohttp import web
from botbuilder.schema import Activity

MAX_BODY = 1024 * 1024
ALLOWED_ALGORITHMS = ("RS256",)  # what the Bot Framework signs with
log = logging.getLogger(__name__)


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def check_bearer(header: str) -> None:
    """Refused(401) unless `header` is ``Bearer <a JWT whose header names RS256>`` (signature checked later)."""
    scheme, _sep, token = header.partition(" ")
    if scheme != "Bearer" or token.count(".") != 2:
        raise Refused(401, "unauthorized")
    try:
        algorithm = jwt.get_unverified_header(token).get("alg")
    except jwt.PyJWTError as problem:
        raise Refused(401, "unauthorized") from problem
    if algorithm not in ALLOWED_ALGORITHMS:
        raise Refused(401, "unauthorized")


async def read_activity(request: web.Request, *, authenticated: bool) -> Activity:
    """The request's activity; Refused(401 before authentication, else 400) when it is not one."""
    status = 400 if authenticated else 401
    if "application/json" not in request.headers.get("Content-Type", ""):
        raise Refused(status, "the body must be JSON")
    body = await request.content.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise Refused(413, "too large")
    try:
        data = json.loads(body)
    except ValueError as problem:
        raise Refused(status, "the body is not JSON") from problem
    if not isinstance(data, dict):
        raise Refused(status, "the body is not an activity")
    try:
        activity = Activity().deserialize(data)
    except Exception as problem:  # noqa: BLE001 - msrest raises several kinds for a wrong type
        raise Refused(status, "the body is not an activity") from problem
    reason = _missing(activity)
    if reason:
        raise Refused(status, reason)
    return activity


def _missing(activity: Activity) -> str:
    """What an activity lacks that every handler reads (a type, a conversation, a sender, a service URL)."""
    if not isinstance(activity.type, str) or not activity.type:
        return "an activity needs a type"
    if not isinstance(activity.service_url, str) or not activity.service_url:
        return "an activity needs a serviceUrl"
    if activity.conversation is None or not isinstance(activity.conversation.id, str):
        return "an activity needs a conversation id"
    if activity.type in ("message", "invoke") and (activity.from_property is None
                                                   or not isinstance(activity.from_property.id, str)):
        return "an activity needs a sender (from.id)"
    return ""
