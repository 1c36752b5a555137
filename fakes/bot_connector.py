"""A fake Bot Framework Connector service (what Teams' serviceUrl points at) on 127.0.0.1 for tests.

    with FakeBotConnector() as fake:
        fake.add_conversation("a:1dm-ann", members=[fake_member("29:ann", "Ann", "ann@example.pl")])
        client = ConnectorClient(MicrosoftAppCredentials("", ""), base_url=fake.service_url)
        await client.conversations.send_to_conversation("a:1dm-ann", Activity(type="message", text="hi"))
        assert fake.activities_in("a:1dm-ann")[0]["text"] == "hi"

An aiohttp.web server runs in a background thread with its own event loop and answers the v3
Connector routes the bot uses (create conversation, send, reply, update, delete, members, and a
team's channels: GET /v3/teams/{teamId}/conversations) with the JSON shapes and error bodies Teams
documents ("Status codes from bot conversational APIs"):
``{"error": {"code": "ConversationBlockedByUser", "message": "..."}}``. Every request is recorded
as a Call. Scriptable: fail_next (any status, Retry-After), rate limits (off by default; Teams'
per-conversation windows and an app-wide one), the 28 KB activity size (413 MessageSizeTooBig) and
an accepted bearer token. All state sits behind one lock.
"""
from __future__ import annotations

import fnmatch
import hashlib
import itertools
import json
import math
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Iterable

from aiohttp import web
from fakes.loop_server import LoopServer

# Teams' documented codes and messages by status; 503 and 504 have none (an empty body)
ERRORS = {
    400: ("BadArgument", "Invalid request payload."),
    401: ("BotNotRegistered", "No registration found for this bot."),
    403: ("ConversationBlockedByUser", "User blocked the conversation with the bot."),
    404: ("ConversationNotFound", "Conversation not found."),
    412: ("PreconditionFailed", "Precondition failed, please try again."),
    413: ("MessageSizeTooBig", "Message size too large."),
    429: ("Throttled", "Too many requests."),
    500: ("ServiceError", "Internal server error."),
    502: ("ServiceError", "Service dependency issue."),
}
ACTIVITY_NOT_FOUND = ("ActivityNotFoundInConversation", "Conversation not found.")
MEMBER_NOT_FOUND = ("MemberNotFoundInConversation", "Member not found.")  # code assumed: not in Teams' table
DENIED = {"message": "Authorization has been denied for this request."}  # the connector's 401 body
# Teams' "per bot per thread" limits for Send to Conversation, and an app-wide guess: (seconds, operations)
THREAD_LIMITS = ((1, 7), (2, 8), (30, 60))
APP_LIMITS = ((1, 30),)
SENDS = frozenset({"send_to_conversation", "reply_to_activity", "update_activity"})
MAX_ACTIVITY_BYTES = 28_000


@dataclass(frozen=True)
class Call:
    """One request as the fake saw it."""

    operation: str  # the botframework ConversationsOperations method name, e.g. "send_to_conversation"
    method: str
    path: str  # decoded: "/v3/conversations/a:1dm/activities"
    body: object  # the JSON body, parsed (None when empty or not JSON)
    headers: dict  # as sent (case-insensitive names kept as given)
    time: float  # time.time() when it arrived
    status: int
    response: object  # the JSON answered (None for an empty body)
    conversation_id: str | None = None
    rejected: bool = False  # a scripted failure, rate limit or size limit: not applied

    @property
    def authorization(self) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == "authorization"), None)


@dataclass
class FakeConversation:
    id: str
    members: list[dict]
    is_group: bool = False
    tenant_id: str = ""
    sent: list[dict] = field(default_factory=list)  # every activity as first posted, in order
    current: dict[str, dict] = field(default_factory=dict)  # activity id -> as it is now (updates applied)


@dataclass
class _Script:
    pattern: str
    method: str | None
    status: int
    retry_after: int | None
    body: object
    times: int


def fake_member(member_id: str, name: str, email: str = "", aad_object_id: str = "", tenant_id: str = "") -> dict:
    """A TeamsChannelAccount as the members routes return it."""
    member = {"id": member_id, "name": name, "aadObjectId": aad_object_id or f"aad-{member_id}",
              "userRole": "user", "tenantId": tenant_id or FakeBotConnector.DEFAULT_TENANT}
    if email:
        given, _, surname = name.partition(" ")
        member.update(email=email, userPrincipalName=email, givenName=given, surname=surname)
    return member


class FakeBotConnector(LoopServer):
    """The fake service and what it saw. Configure: add_conversation, fail_next, limit_rate, reset.
    Inspect: calls, calls_to, activities_in, current_activities, conversation, server_errors."""

    DEFAULT_TENANT = "7e57e57e-0000-4000-8000-000000000001"

    def __init__(self, *, token: str | None = None, max_activity_bytes: int | None = MAX_ACTIVITY_BYTES,
                 clock: Callable[[], float] = time.monotonic):
        """token: the only accepted "Bearer <token>" (None accepts any request, also without one)."""
        super().__init__()
        self.token = token
        self.max_activity_bytes = max_activity_bytes
        self.clock = clock
        self.calls: list[Call] = []
        self.conversations: dict[str, FakeConversation] = {}
        self.teams: dict[str, list[dict]] = {}  # team id -> its channels as Teams lists them
        self.server_errors: list[Exception] = []  # bugs in the fake itself, answered with HTTP 500
        self._lock = threading.Lock()
        self._scripts: list[_Script] = []
        self._ids = itertools.count(1)
        self._thread_limits: tuple[tuple[float, int], ...] = ()
        self._app_limits: tuple[tuple[float, int], ...] = ()
        self._stamps: dict[str | None, deque] = {}

    # -- lifecycle ------------------------------------------------------------------------
    @property
    def service_url(self) -> str:
        """What an activity's serviceUrl (and ConnectorClient's base_url) is set to."""
        return f"http://127.0.0.1:{self.port}/"

    title, thread_name = "the fake Bot Connector", "fake-bot-connector"

    def _serve_forever(self, sock: socket.socket, ready: threading.Event) -> None:
        loop = self._loop
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.SockSite(runner, sock).start())
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(runner.cleanup())
            loop.close()

    # -- configuration --------------------------------------------------------------------
    def add_conversation(self, conversation_id: str, members: Iterable[dict] = (), *, is_group: bool = False,
                         tenant_id: str = DEFAULT_TENANT) -> FakeConversation:
        """A conversation the bot may post to (one Teams told it about in an incoming activity)."""
        with self._lock:
            conversation = FakeConversation(conversation_id, list(members), is_group, tenant_id)
            self.conversations[conversation_id] = conversation
            return conversation

    def add_team(self, team_id: str, channels: Iterable[tuple[str, str | None]], members: Iterable[dict] = (), *,
                 tenant_id: str = DEFAULT_TENANT) -> list[FakeConversation]:
        """A team whose channels (id, name; the General channel has no name in Teams) the bot may list
        and post to. The team's id is its General channel's id, as in Teams."""
        channels = list(channels)
        with self._lock:
            self.teams[team_id] = [{"id": channel_id, "name": name} for channel_id, name in channels]
        return [self.add_conversation(channel_id, members, is_group=True, tenant_id=tenant_id)
                for channel_id, _name in channels]

    def fail_next(self, path_pattern: str, status: int, retry_after: int | None = None, times: int = 1, *,
                  method: str | None = None, code: str | None = None, message: str | None = None) -> None:
        """The next `times` requests whose decoded path matches the glob `path_pattern` (``*`` also
        matches ``/``), and `method` if given, fail with `status` and are not applied. The body is
        Teams' documented error for the status (code/message override it; 503 and 504: empty);
        a 429 always carries Retry-After (default 1), any other status when retry_after is given."""
        if status == 429 and retry_after is None:
            retry_after = 1
        known_code, known_message = ERRORS.get(status, (None, None))
        body = _error(code or known_code, message or known_message or "") if code or known_code else None
        if status == 401 and not code:
            body = DENIED
        with self._lock:
            self._scripts.append(_Script(path_pattern, method and method.upper(), status, retry_after, body, times))

    def limit_rate(self, per_conversation: Iterable[tuple[float, int]] | None = THREAD_LIMITS,
                   app_wide: Iterable[tuple[float, int]] | None = APP_LIMITS) -> None:
        """Answer 429 Throttled + Retry-After beyond these (seconds, operations) sliding windows:
        per conversation for sends, replies and updates; app-wide for every request. None turns one off."""
        with self._lock:
            self._thread_limits = tuple(per_conversation or ())
            self._app_limits = tuple(app_wide or ())
            self._stamps.clear()

    def reset(self) -> None:
        """Forget calls, activities, scripted failures and rate-limit history; keep conversations
        (emptied), members, limits, token."""
        with self._lock:
            self.calls = []
            self._scripts.clear()
            self._stamps.clear()
            for conversation in self.conversations.values():
                conversation.sent.clear()
                conversation.current.clear()

    # -- what happened --------------------------------------------------------------------
    def calls_to(self, operation: str, conversation_id: str | None = None) -> list[Call]:
        """Calls of one operation (a ConversationsOperations method name), optionally in one conversation."""
        return [c for c in list(self.calls)
                if c.operation == operation and (conversation_id is None or c.conversation_id == conversation_id)]

    def activities_in(self, conversation_id: str) -> list[dict]:
        """Every activity posted to the conversation (sends and replies), as first posted, in order."""
        with self._lock:
            conversation = self.conversations.get(conversation_id)
            return [json.loads(json.dumps(a)) for a in conversation.sent] if conversation else []

    def current_activities(self, conversation_id: str) -> list[dict]:
        """The conversation's activities as they are now: updates applied, deletions gone, in order."""
        with self._lock:
            conversation = self.conversations.get(conversation_id)
            if not conversation:
                return []
            return [json.loads(json.dumps(conversation.current[a["id"]]))
                    for a in conversation.sent if a["id"] in conversation.current]

    def conversation(self, conversation_id: str) -> FakeConversation | None:
        with self._lock:
            return self.conversations.get(conversation_id)

    # -- serving ------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        headers = dict(request.headers)
        operation, conversation_id, item_id = _route(request.method, request.path)
        try:
            with self._lock:
                status, answer, extra, rejected = self._answer(request.method, request.path, operation,
                                                               conversation_id, item_id, body, len(raw), headers)
                self.calls.append(Call(operation, request.method, request.path, body, headers, time.time(), status,
                                       answer, conversation_id, rejected))
        except Exception as problem:  # noqa: BLE001 - a bug in the fake: answer 500, keep it for the test
            self.server_errors.append(problem)
            status, answer, extra = 500, {"error": {"code": "FakeServerBug", "message": repr(problem)}}, {}
        if answer is None:
            return web.Response(status=status, headers=extra)
        return web.json_response(answer, status=status, headers=extra)

    def _answer(self, method: str, path: str, operation: str, conversation_id: str | None, item_id: str | None,
                body: object, size: int, headers: dict) -> tuple[int, object, dict, bool]:
        """(status, JSON answer or None, extra headers, rejected) for one request."""
        script = next((s for s in self._scripts if s.times > 0 and fnmatch.fnmatchcase(path, s.pattern)
                       and s.method in (None, method)), None)
        if script:
            script.times -= 1
            extra = {"Retry-After": str(script.retry_after)} if script.retry_after is not None else {}
            return script.status, script.body, extra, True
        authorization = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        if self.token is not None and authorization != f"Bearer {self.token}":
            return 401, DENIED, {}, True
        if operation == "unknown":
            return 404, {"message": f"No HTTP resource was found that matches the request URI '{path}'."}, {}, True
        if self.max_activity_bytes and operation in SENDS and size > self.max_activity_bytes:
            return 413, _error(*ERRORS[413]), {}, True
        if wait := self._throttled(operation, conversation_id):
            return 429, _error(*ERRORS[429]), {"Retry-After": str(wait)}, True
        status, answer = self._apply(operation, conversation_id, item_id, body)
        return status, answer, {}, False

    def _throttled(self, operation: str, conversation_id: str | None) -> int:
        """0 when the call may pass (and is counted), else the Retry-After seconds."""
        now = self.clock()
        keys = [(None, self._app_limits)]
        if operation in SENDS:
            keys.append((conversation_id, self._thread_limits))
        wait = 0
        for key, limits in keys:
            stamps = self._stamps.setdefault(key, deque())
            longest = max((seconds for seconds, _ in limits), default=0)
            while stamps and stamps[0] <= now - longest:
                stamps.popleft()
            for seconds, most in limits:
                inside = [stamp for stamp in stamps if stamp > now - seconds]
                if len(inside) >= most:
                    wait = max(wait, math.ceil(inside[-most] + seconds - now), 1)
        if not wait:
            for key, limits in keys:
                if limits:
                    self._stamps[key].append(now)
        return wait

    def _apply(self, operation: str, conversation_id: str | None, item_id: str | None, body: object):
        if operation == "create_conversation":
            return self._create(body if isinstance(body, dict) else {})
        if operation == "get_teams_channels":
            if conversation_id not in self.teams:
                return 404, _error("NotFound", "Team not found.")
            return 200, {"conversations": [dict(channel) for channel in self.teams[conversation_id]]}
        conversation = self.conversations.get(conversation_id or "")
        if conversation is None:
            return 404, _error(*ERRORS[404])
        if operation in ("send_to_conversation", "reply_to_activity"):
            if not isinstance(body, dict) or not body.get("type"):
                return 400, _error(ERRORS[400][0], "Activity type is required.")
            return 201, {"id": self._post(conversation, body, reply_to=item_id)}
        if operation == "update_activity":
            if item_id not in conversation.current:
                return 404, _error(*ACTIVITY_NOT_FOUND)
            if not isinstance(body, dict):
                return 400, _error(*ERRORS[400])
            conversation.current[item_id] = {**body, "id": item_id}
            return 200, {"id": item_id}
        if operation == "delete_activity":
            if conversation.current.pop(item_id, None) is None:
                return 404, _error(*ACTIVITY_NOT_FOUND)
            return 200, None
        if operation == "get_conversation_members":
            return 200, conversation.members
        if operation == "get_conversation_paged_members":
            return 200, {"members": conversation.members, "continuationToken": None}
        member = next((m for m in conversation.members if item_id in (m["id"], m.get("aadObjectId"))), None)
        return (200, member) if member else (404, _error(*MEMBER_NOT_FOUND))

    def _create(self, parameters: dict):
        """A 1:1 conversation is the same for the same member (Teams answers the existing id).
        botframework sends "tenantID"; the service reads JSON names case-insensitively."""
        members = parameters.get("members") or []
        if not members or not all(isinstance(m, dict) and m.get("id") for m in members):
            return 400, _error(ERRORS[400][0], "Conversation parameters must include members.")
        is_group = bool(parameters.get("isGroup")) or len(members) > 1
        channel_tenant = ((parameters.get("channelData") or {}).get("tenant") or {}).get("id")
        tenant = parameters.get("tenantId") or parameters.get("tenantID") or channel_tenant or self.DEFAULT_TENANT
        if is_group:
            conversation_id = f"19:{next(self._ids):08d}xgov@thread.v2"
        else:
            conversation_id = "a:1" + hashlib.sha256(members[0]["id"].encode()).hexdigest()[:40]
        conversation = self.conversations.get(conversation_id)
        if conversation is None:
            conversation = FakeConversation(conversation_id, [dict(m) for m in members], is_group, tenant)
            self.conversations[conversation_id] = conversation
        answer = {"id": conversation_id, "serviceUrl": self.service_url}
        if isinstance(parameters.get("activity"), dict):
            answer["activityId"] = self._post(conversation, parameters["activity"])
        return 201, answer

    def _post(self, conversation: FakeConversation, activity: dict, reply_to: str | None = None) -> str:
        activity_id = str(1_700_000_000_000 + next(self._ids))  # Teams' ids: milliseconds since the epoch
        stored = {**activity, "id": activity_id, "conversation": {**(activity.get("conversation") or {}),
                                                                   "id": conversation.id}}
        if reply_to:
            stored["replyToId"] = reply_to
        conversation.sent.append(stored)
        conversation.current[activity_id] = json.loads(json.dumps(stored))
        return activity_id


def _error(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def _route(method: str, path: str) -> tuple[str, str | None, str | None]:
    """(operation, conversation id (a team id for team routes), activity or member id) of a v3 request."""
    parts = path.rstrip("/").split("/")[1:]
    if parts[:2] == ["v3", "teams"] and len(parts) == 4 and parts[3] == "conversations" and method == "GET":
        return "get_teams_channels", parts[2], None
    if parts[:2] != ["v3", "conversations"]:
        return "unknown", None, None
    rest = parts[2:]
    if not rest:
        return ("create_conversation" if method == "POST" else "unknown"), None, None
    conversation_id, rest = rest[0], rest[1:]
    routes = {
        ("POST", "activities", 1): "send_to_conversation", ("POST", "activities", 2): "reply_to_activity",
        ("PUT", "activities", 2): "update_activity", ("DELETE", "activities", 2): "delete_activity",
        ("GET", "members", 1): "get_conversation_members", ("GET", "members", 2): "get_conversation_member",
        ("GET", "pagedmembers", 1): "get_conversation_paged_members",
    }
    operation = routes.get((method, rest[0] if rest else "", len(rest)), "unknown")
    return operation, conversation_id, (rest[1] if len(rest) == 2 else None)
