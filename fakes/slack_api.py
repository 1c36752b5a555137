"""A fake Slack Web API on 127.0.0.1 for tests: nothing in the suite talks to slack.com.

    with FakeSlackApi(token="xoxb-test") as fake:
        client = WebClient(token="xoxb-test", base_url=fake.base_url)
        client.chat_postMessage(channel="C1", text="hi")
        assert fake.messages_in("C1")[0]["text"] == "hi"

A small asyncio HTTP/1.1 server runs in a background thread with its own event loop. Every
request is parsed (JSON, form-encoded or multipart body, plus the query string, where
AsyncWebClient puts `params`), checked against scripted failures, the token and the rate limits,
answered by the SlackWorkspace in slack_methods.py, and recorded as a Call. All state sits behind
one lock. Why not aiohttp.web: slack_sdk's WebClient opens a new connection per call, and on a
2-core test VM aiohttp spends ~420 us of CPU per such request against ~180 us here; the client
(urllib) already costs ~700 us, and a benchmark runs both in one process.
"""
from __future__ import annotations

import asyncio
import json
import math
import re
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable
from urllib.parse import parse_qsl, unquote

from fakes.loop_server import LoopServer
from fakes.slack_methods import FakeFile, FakeUser, SlackError, SlackWorkspace
from fakes.slack_scopes import manifest_scopes, needed_scope

UPLOAD = "(upload)"  # the method name recorded for a POST to an upload_url
JSON_ARGS = frozenset({"blocks", "attachments", "view", "files", "metadata"})
ERROR_FOR_STATUS = {429: "ratelimited", 500: "internal_error", 503: "service_unavailable"}
APP_LEVEL_METHODS = frozenset({"apps.connections.open"})  # take an app-level token (xapp-...), nothing else


@dataclass(frozen=True)
class Call:
    """One request as the fake saw it."""

    method: str  # "chat.postMessage", ... or UPLOAD for a POST to an upload_url
    args: dict  # query + body, parsed; JSON-string arguments (blocks, view, files, ...) decoded
    headers: dict  # names in canonical case: "Authorization", "Content-Type"
    token: str | None  # from "Authorization: Bearer ..." or a token argument (removed from args)
    time: float  # time.time() when it arrived
    status: int  # HTTP status answered
    response: dict  # the JSON body answered
    rejected: bool = False  # rate limited or a scripted failure: not applied

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def error(self) -> str | None:
        return self.response.get("error")


class TokenBucket:
    """`rate` tokens a second, holding at most `burst`; a call takes one or is told how long to wait."""

    __slots__ = ("rate", "burst", "tokens", "stamp")

    def __init__(self, rate: float, burst: float, now: float):
        self.rate, self.burst, self.tokens, self.stamp = rate, burst, burst, now

    def take(self, now: float) -> int:
        """0 when the call may pass, else the Retry-After seconds (an integer >= 1)."""
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0
        return max(1, math.ceil((1 - self.tokens) / self.rate))


@dataclass
class _Limit:
    rate: float
    burst: float
    per_channel: bool
    buckets: dict


class FakeSlackApi(LoopServer):
    """The fake server and what it saw. Configure: add_user, add_channel, limit, unlimit, fail_next,
    issue_trigger_id, socket_mode_url (what apps.connections.open answers). Inspect: calls, calls_to,
    accepted, rejected, stats, messages_in, all_messages, ephemeral_messages, dm_channel, view,
    home_view, file, files_in, server_errors; reset() between phases; `workspace`
    (slack_methods.SlackWorkspace) holds the raw state."""

    def __init__(self, *, token: str | None = "xoxb-fake-token", users: Iterable[FakeUser] = (),
                 channels: dict[str, str] | None = None, trigger_ttl_seconds: float = 3.0,
                 single_use_triggers: bool = True, team_id: str = "T0XGOVTEST", team_name: str = "xgov test",
                 bot_user_id: str = "U0XGOVBOT1", bot_id: str = "B0XGOVBOT1", app_id: str = "A0XGOVAPP1",
                 clock: Callable[[], float] = time.monotonic, app_token: str | None = None,
                 scopes: Iterable[str] | None = None):
        """token: the only accepted bearer token (None accepts any non-empty one).
        channels: name -> id of public channels the bot is a member of (default: general).
        app_token: the only app-level token apps.connections.open accepts (None: any xapp-... one).
        As in Slack, an app-level token is refused by the other methods and any other token by
        apps.connections.open (not_allowed_token_type), and that method reads the token from the
        Authorization header only (a token form field alone: invalid_auth).
        scopes: what the bot token was granted (default: adapters/slack/manifest.yml's bot scopes); a
        method that needs another answers missing_scope, as Slack does (slack_scopes.py)."""
        super().__init__()
        self.token = token
        self.scopes = frozenset(scopes) if scopes is not None else manifest_scopes()
        self.app_token = app_token
        self.clock = clock
        self.workspace = SlackWorkspace(team_id=team_id, team_name=team_name, bot_user_id=bot_user_id,
                                        bot_id=bot_id, app_id=app_id, clock=clock,
                                        trigger_ttl_seconds=trigger_ttl_seconds,
                                        single_use_triggers=single_use_triggers)
        for user in users:
            self.workspace.add_user(user)
        for name, channel_id in (channels if channels is not None else {"general": "C0GENERAL1"}).items():
            self.workspace.add_channel(name, channel_id, is_member=True)
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._limits: dict[str, _Limit] = {}
        self._scripted: dict[str, list[tuple[int, int, str]]] = {}
        self._stats: dict[str, list[int]] = {}  # method -> [accepted, rejected, failed]
        self.server_errors: list[Exception] = []  # bugs in the fake itself, answered with HTTP 500

    # -- lifecycle ------------------------------------------------------------------------
    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def base_url(self) -> str:
        """What WebClient(base_url=...) takes; slack_sdk urljoins the method name onto it."""
        return f"{self.root_url}api/"

    title, thread_name = "the fake Slack API", "fake-slack"

    def _bound(self) -> None:
        self.workspace.upload_url_prefix = f"{self.root_url}upload/v1/"

    def _serve_forever(self, sock: socket.socket, ready: threading.Event) -> None:
        loop = self._loop
        connections: set[_HttpConnection] = set()
        server = loop.run_until_complete(
            loop.create_server(lambda: _HttpConnection(self._serve, connections), sock=sock, backlog=1024))
        ready.set()
        try:
            loop.run_forever()
        finally:
            server.close()
            for connection in list(connections):
                connection.transport.abort()
            loop.run_until_complete(asyncio.sleep(0))
            loop.close()

    # -- configuration --------------------------------------------------------------------
    @property
    def socket_mode_url(self) -> str | Callable[[], str] | None:
        """What apps.connections.open answers: a ws:// URL, or a function giving a fresh one per
        call (fakes.slack_socket_mode.FakeSocketMode.issue_url). None: the method fails."""
        return self.workspace.socket_mode_url

    @socket_mode_url.setter
    def socket_mode_url(self, value: str | Callable[[], str] | None) -> None:
        with self._lock:
            self.workspace.socket_mode_url = value

    def add_user(self, user_id: str, email: str, locale: str = "en-US", **profile: Any) -> FakeUser:
        """The directory behind users.lookupByEmail and users.info (locale shows with include_locale)."""
        with self._lock:
            return self.workspace.add_user(FakeUser(id=user_id, email=email, locale=locale, **profile))

    def add_channel(self, name: str, channel_id: str | None = None, is_member: bool = False) -> str:
        with self._lock:
            return self.workspace.add_channel(name, channel_id, is_member)

    def limit(self, method: str, per_minute: float | None = None, per_second: float | None = None,
              burst: float | None = None, per_channel: bool = False) -> None:
        """A token bucket for `method`: refills per_second (or per_minute/60) a second and holds
        `burst` calls (default: one second's worth, at least 1). per_channel gives each `channel`
        argument its own bucket (Slack's chat.postMessage: about 1 a second per channel)."""
        rate = per_second if per_second is not None else (per_minute / 60 if per_minute else None)
        if not rate or rate <= 0:
            raise ValueError("give per_second or per_minute > 0")
        with self._lock:
            self._limits[method] = _Limit(rate, burst if burst is not None else max(1.0, rate), per_channel, {})

    def unlimit(self, method: str | None = None) -> None:
        with self._lock:
            if method is None:
                self._limits.clear()
            else:
                self._limits.pop(method, None)

    def fail_next(self, method: str, status: int = 429, retry_after: int = 1, times: int = 1,
                  error: str | None = None) -> None:
        """The next `times` calls of `method` fail with `status` (429 carries Retry-After) and are
        not applied. status=200 with error="..." scripts a plain Slack error such as account_inactive."""
        error = error or ERROR_FOR_STATUS.get(status, "internal_error")
        with self._lock:
            self._scripted.setdefault(method, []).extend([(status, max(1, int(retry_after)), error)] * times)

    def issue_trigger_id(self) -> str:
        """A trigger id as Slack sends with an interaction; valid for trigger_ttl_seconds, once."""
        with self._lock:
            return self.workspace.issue_trigger_id()

    def reset(self) -> None:
        """Forget calls, counters, messages, DMs, views, files, triggers, scripted failures and
        rate-limit buckets; keep the token, users, channels and configured limits."""
        with self._lock:
            self.calls = []
            self._stats.clear()
            self._scripted.clear()
            for rule in self._limits.values():
                rule.buckets.clear()
            self.workspace.clear()

    # -- what happened --------------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        return [c for c in list(self.calls) if c.method == method]

    def accepted(self, method: str) -> int:
        """Calls of `method` that were applied and answered ok."""
        return self._stats.get(method, [0, 0, 0])[0]

    def rejected(self, method: str) -> int:
        """Calls of `method` refused before being applied (rate limit or scripted failure)."""
        return self._stats.get(method, [0, 0, 0])[1]

    def stats(self) -> dict[str, dict[str, int]]:
        """method -> {accepted, rejected, failed}; failed = applied but answered ok: false."""
        with self._lock:
            return {m: dict(zip(("accepted", "rejected", "failed"), s)) for m, s in self._stats.items()}

    def dm_channel(self, user_id: str) -> str:
        """The DM id conversations.open gives for this user (created the same way if new)."""
        with self._lock:
            return self.workspace.dm_channel(user_id)

    def messages_in(self, channel: str) -> list[dict]:
        """Accepted messages in `channel` (a user id means the bot's DM with them), in order, as
        currently stored (chat.update applied). Ephemeral messages are not included."""
        with self._lock:
            if channel[:1] in ("U", "W"):
                channel = self.workspace.dms.get(channel, "")
            return [dict(m) for m in self.workspace.messages.get(channel, [])]

    def all_messages(self) -> list[dict]:
        """Every accepted message in posting order, each with its "channel" added."""
        with self._lock:
            messages = self.workspace.messages
            return [{**messages[ch][i], "channel": ch} for ch, i in self.workspace.message_order]

    def ephemeral_messages(self) -> list[dict]:
        with self._lock:
            return [dict(m) for m in self.workspace.ephemeral]

    def view(self, view_id: str) -> dict | None:
        with self._lock:
            return self.workspace.views.get(view_id)

    def home_view(self, user_id: str) -> dict | None:
        with self._lock:
            view_id = self.workspace.home_views.get(user_id)
            return self.workspace.views.get(view_id) if view_id else None

    def file(self, file_id: str) -> FakeFile | None:
        with self._lock:
            return self.workspace.files.get(file_id)

    def files_in(self, channel: str) -> list[FakeFile]:
        """Completed uploads shared into `channel`."""
        with self._lock:
            return [f for f in self.workspace.files.values() if f.completed and channel in f.channels]

    # -- serving ------------------------------------------------------------------------
    def _serve(self, verb: str, target: str, headers: dict, body: bytes) -> tuple[int, str, bytes, dict]:
        """One HTTP request -> (status, content type, body, extra headers)."""
        path, _, query = target.partition("?")
        try:
            if path.startswith("/api/"):
                args, bad_body = dict(parse_qsl(query, keep_blank_values=True)), None
                try:
                    args.update(_body_args(headers.get("Content-Type", ""), body))
                except SlackError as problem:
                    bad_body = problem.body()
                _decode_json_args(args)
                status, answer, extra = self._answer(unquote(path[5:]), args, headers, bad_body)
                return status, JSON, json.dumps(answer).encode(), extra
            if path.startswith("/upload/v1/") and verb == "POST":
                return self._upload(path[len("/upload/v1/"):], headers, body)
            return 404, TEXT, b"not found", {}
        except Exception as problem:  # noqa: BLE001 - a bug in the fake: answer 500, keep it for the test
            self.server_errors.append(problem)
            return 500, JSON, json.dumps({"ok": False, "error": f"fake_server_bug: {problem!r}"}).encode(), {}

    def _answer(self, method: str, args: dict, headers: dict, bad_body: dict | None) -> tuple[int, dict, dict]:
        bearer = _bearer(headers.get("Authorization"))
        token = bearer or args.get("token")
        args.pop("token", None)
        status, extra, rejected = 200, {}, False
        with self._lock:
            script = self._scripted.get(method)
            if script:
                status, retry_after, error = script.pop(0)
                body, rejected = {"ok": False, "error": error}, status != 200
                if status == 429:
                    extra["Retry-After"] = str(retry_after)
            elif method not in self.workspace.methods:
                body = {"ok": False, "error": "unknown_method", "req_method": method}
            elif refusal := self._token_refusal(method, token, from_header=bearer is not None):
                body = {"ok": False, "error": refusal}
            elif needed := needed_scope(method, args, self.scopes):
                body = {"ok": False, "error": "missing_scope", "needed": needed,
                        "provided": ",".join(sorted(self.scopes))}
            elif bad_body is not None:
                body = bad_body
            elif wait := self._rate_limited(method, args):
                status, rejected, extra["Retry-After"] = 429, True, str(wait)
                body = {"ok": False, "error": "ratelimited"}
            else:
                body = self.workspace.handle(method, args)
            self.calls.append(Call(method, args, headers, token, time.time(), status, body, rejected))
            counts = self._stats.setdefault(method, [0, 0, 0])
            counts[1 if rejected else 0 if body.get("ok") else 2] += 1
        return status, body, extra

    def _token_refusal(self, method: str, token: str | None, *, from_header: bool) -> str | None:
        """Slack's error for a missing or wrong token, None when the token may call `method`."""
        if not token:
            return "not_authed"
        if method in APP_LEVEL_METHODS:
            if not token.startswith("xapp-"):
                return "not_allowed_token_type"
            if not from_header or (self.app_token is not None and token != self.app_token):
                return "invalid_auth"
            return None
        if token.startswith("xapp-"):
            return "not_allowed_token_type"
        if self.token is not None and token != self.token:
            return "invalid_auth"
        return None

    def _rate_limited(self, method: str, args: dict) -> int:
        rule = self._limits.get(method)
        if rule is None:
            return 0
        key = args.get("channel") if rule.per_channel else None
        now = self.clock()
        bucket = rule.buckets.get(key)
        if bucket is None:
            bucket = rule.buckets[key] = TokenBucket(rule.rate, rule.burst, now)
        return bucket.take(now)

    def _upload(self, file_id: str, headers: dict, body: bytes) -> tuple[int, str, bytes, dict]:
        """The upload_url: raw bytes (what files_upload_v2 sends) or a multipart form with a file."""
        content_type = headers.get("Content-Type", "")
        if content_type.startswith("multipart/"):
            parts = _multipart(content_type, body)
            files = [v for v in parts.values() if isinstance(v, bytes)]
            body = files[0] if files else b""
        with self._lock:
            stored = self.workspace.receive_upload(file_id, body)
            status, text = (200, f"OK - {len(body)}") if stored else (404, "file_not_found")
            self.calls.append(Call(UPLOAD, {"file_id": file_id, "length": len(body)}, headers, None,
                                   time.time(), status, {"ok": stored}))
        return status, TEXT, text.encode(), {}


# -- request bodies ---------------------------------------------------------------------------
def _bearer(value: str | None) -> str | None:
    return value[7:] if value and value.startswith("Bearer ") else None


def _body_args(content_type: str, body: bytes) -> dict:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        try:
            parsed = json.loads(body)
        except ValueError:
            raise SlackError("invalid_json") from None
        if not isinstance(parsed, dict):
            raise SlackError("invalid_json")
        return parsed
    if content_type.startswith("multipart/form-data"):
        return _multipart(content_type, body)
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))


def _decode_json_args(args: dict) -> None:
    """Values Slack documents as JSON-encoded strings (form bodies) become lists and dicts."""
    for key in JSON_ARGS.intersection(args):
        value = args[key]
        if isinstance(value, str) and value[:1] in ("[", "{"):
            try:
                args[key] = json.loads(value)
            except ValueError:
                pass  # left as a string: the method's validation rejects it


def _multipart(content_type: str, body: bytes) -> dict:
    """multipart/form-data -> {name: str, or bytes for a part with a filename}."""
    found = re.search(r'boundary="?([^";]+)"?', content_type)
    if not found:
        raise SlackError("invalid_form_data")
    fields: dict[str, Any] = {}
    for part in body.split(b"--" + found.group(1).encode())[1:]:
        if part.startswith(b"--"):
            break
        head, _, value = part.partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]*)"', head)
        if name:
            value = value[:-2] if value.endswith(b"\r\n") else value
            is_file = re.search(rb'filename="', head) is not None
            fields[name.group(1).decode()] = value if is_file else value.decode("utf-8")
    return fields


# -- HTTP/1.1, just enough for urllib (slack_sdk's WebClient) and aiohttp (AsyncWebClient) --------
JSON, TEXT = "application/json; charset=utf-8", "text/plain; charset=utf-8"
REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 429: "Too Many Requests",
           500: "Internal Server Error", 503: "Service Unavailable"}
MAX_HEAD = 64 * 1024


def _canonical(name: str) -> str:
    return "-".join(word.capitalize() for word in name.strip().split("-"))


class _HttpConnection(asyncio.Protocol):
    """Parses requests off one connection (Content-Length or chunked bodies, keep-alive unless
    the client sends Connection: close, as urllib does) and writes the answers of `serve`."""

    def __init__(self, serve: Callable[[str, str, dict, bytes], tuple[int, str, bytes, dict]],
                 connections: set):
        self.serve, self.connections = serve, connections
        self.buffer = bytearray()
        self.head: tuple[str, str, str, dict] | None = None  # parsed head awaiting its body

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.connections.discard(self)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while not self.transport.is_closing():
            request = self._next_request()
            if request is None:
                return
            verb, target, version, headers, body = request
            status, content_type, answer, extra = self.serve(verb, target, headers, body)
            connection = headers.get("Connection", "").lower()
            close = connection == "close" or (version == "HTTP/1.0" and connection != "keep-alive")
            lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}", f"Content-Type: {content_type}",
                     f"Content-Length: {len(answer)}", *(f"{k}: {v}" for k, v in extra.items())]
            if close:
                lines.append("Connection: close")
            self.transport.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + answer)
            if close:
                self.transport.close()

    def _next_request(self) -> tuple[str, str, str, dict, bytes] | None:
        if self.head is None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEAD:
                    self.transport.close()
                return None
            lines = self.buffer[:end].decode("latin-1").split("\r\n")
            try:
                verb, target, version = lines[0].split(" ", 2)
            except ValueError:
                self.transport.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                self.transport.close()
                return None
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[_canonical(name)] = value.strip()
            del self.buffer[:end + 4]
            self.head = (verb, target, version, headers)
            if headers.get("Expect", "").lower() == "100-continue":
                self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        verb, target, version, headers = self.head
        if headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = self._dechunk()
            if body is None:
                return None
        else:
            length = int(headers.get("Content-Length") or 0)
            if len(self.buffer) < length:
                return None
            body = bytes(self.buffer[:length])
            del self.buffer[:length]
        self.head = None
        return verb, target, version, headers, body

    def _dechunk(self) -> bytes | None:
        """The whole chunked body once it is all here (consumed from the buffer), else None."""
        body, pos, buffer = bytearray(), 0, self.buffer
        while True:
            line_end = buffer.find(b"\r\n", pos)
            if line_end < 0:
                return None
            size = int(bytes(buffer[pos:line_end]).split(b";")[0], 16)
            pos = line_end + 2
            if size == 0:
                end = pos + 2 if buffer[pos:pos + 2] == b"\r\n" else buffer.find(b"\r\n\r\n", pos) + 4
                if end < pos + 2 or len(buffer) < end:
                    return None
                del buffer[:end]
                return bytes(body)
            if len(buffer) < pos + size + 2:
                return None
            body += buffer[pos:pos + size]
            pos += size + 2
