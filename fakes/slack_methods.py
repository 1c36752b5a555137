"""The workspace behind FakeSlackApi: its state and the Web API methods a bot uses.

Each method takes the parsed arguments and returns the JSON body Slack answers, or raises
SlackError, which becomes {"ok": false, "error": ...} (HTTP 200, as Slack does). Shapes and
error names follow docs.slack.dev/reference/methods/<method>. Nothing here is thread-safe:
FakeSlackApi calls handle() under its lock. Stored messages and views are never mutated, only
replaced, so answers (and the recorded Calls) can share them without copying.
"""
from __future__ import annotations

import base64

import itertools
import time
from dataclasses import dataclass, field
from typing import Any, Callable

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_VIEW_TITLE = 24  # also submit and close
MAX_TEXT = 40_000
MAX_SECTION_TEXT = 3_000
MAX_HEADER_TEXT = 150
FIRST_TS_MICROS = 1_700_000_000_000_000


class SlackError(Exception):
    """A Slack error answer; messages go to response_metadata.messages like Slack's validation errors."""

    def __init__(self, error: str, *messages: str):
        super().__init__(error)
        self.error = error
        self.messages = list(messages)

    def body(self) -> dict:
        body: dict[str, Any] = {"ok": False, "error": self.error}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return body


@dataclass
class FakeUser:
    id: str
    email: str
    locale: str = "en-US"
    name: str = ""
    real_name: str = ""
    tz: str = "UTC"
    is_bot: bool = False
    deleted: bool = False

    def as_slack(self, team_id: str, include_locale: bool) -> dict:
        name = self.name or self.email.split("@")[0]
        user = {
            "id": self.id, "team_id": team_id, "name": name, "deleted": self.deleted,
            "real_name": self.real_name or name, "tz": self.tz, "tz_label": self.tz, "tz_offset": 0,
            "is_bot": self.is_bot, "is_admin": False, "is_app_user": False, "updated": 1_700_000_000,
            "profile": {"email": self.email, "real_name": self.real_name or name,
                        "display_name": name, "team": team_id},
        }
        if include_locale:
            user["locale"] = self.locale
        return user


@dataclass
class FakeFile:
    id: str
    filename: str
    length: int
    alt_txt: str | None = None
    title: str | None = None
    content: bytes | None = None  # None until the upload POST arrived
    completed: bool = False
    channels: list[str] = field(default_factory=list)
    initial_comment: str | None = None
    thread_ts: str | None = None


def flag(value: Any) -> bool:
    """Slack booleans arrive as true/"true"/"1" (slack_sdk turns True into "1" in form bodies)."""
    return value is True or value == 1 or str(value).lower() in ("1", "true")


def _text_of(obj: Any) -> str:
    return obj.get("text", "") if isinstance(obj, dict) else ""


def block_problems(blocks: Any, pointer: str, limit: int) -> list[str]:
    """Slack's block-kit limits that a bot realistically hits, as Slack words them."""
    if not isinstance(blocks, list):
        return [f"[ERROR] must be an array [json-pointer:{pointer}]"]
    if len(blocks) > limit:
        return [f"[ERROR] no more than {limit} items allowed [json-pointer:{pointer}]"]
    problems, block_ids = [], set()
    for i, block in enumerate(blocks):
        at = f"{pointer}/{i}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            problems.append(f"[ERROR] missing required field: type [json-pointer:{at}]")
            continue
        kind, block_id = block["type"], block.get("block_id")
        if block_id is not None:
            if block_id in block_ids:
                problems.append(f"[ERROR] duplicate block_id [json-pointer:{at}/block_id]")
            block_ids.add(block_id)
        if kind == "section":
            if len(_text_of(block.get("text"))) > MAX_SECTION_TEXT:
                problems.append(f"[ERROR] must be less than 3001 characters [json-pointer:{at}/text/text]")
            if len(block.get("fields") or []) > 10:
                problems.append(f"[ERROR] no more than 10 items allowed [json-pointer:{at}/fields]")
        elif kind == "header" and len(_text_of(block.get("text"))) > MAX_HEADER_TEXT:
            problems.append(f"[ERROR] must be less than 151 characters [json-pointer:{at}/text/text]")
        elif kind == "actions" and len(block.get("elements") or []) > 25:
            problems.append(f"[ERROR] no more than 25 items allowed [json-pointer:{at}/elements]")
        elif kind == "context" and len(block.get("elements") or []) > 10:
            problems.append(f"[ERROR] no more than 10 items allowed [json-pointer:{at}/elements]")
    return problems


class SlackWorkspace:
    """One team with one bot: users, channels, DMs, messages, views, files and trigger ids."""

    def __init__(self, *, team_id: str, team_name: str, bot_user_id: str, bot_id: str, app_id: str,
                 clock: Callable[[], float], trigger_ttl_seconds: float, single_use_triggers: bool):
        self.team_id, self.team_name = team_id, team_name
        self.bot_user_id, self.bot_id, self.app_id = bot_user_id, bot_id, app_id
        self.clock = clock
        self.trigger_ttl_seconds = trigger_ttl_seconds
        self.single_use_triggers = single_use_triggers
        self.upload_url_prefix = ""  # set by FakeSlackApi once it knows its port
        # What apps.connections.open answers: a URL, or a function giving a fresh one per call
        # (FakeSocketMode.issue_url: a new single-use ticket each time). Configuration: clear() keeps it.
        self.socket_mode_url: str | Callable[[], str] | None = None
        self.users: dict[str, FakeUser] = {}
        self.channels: dict[str, dict] = {}
        self.methods: dict[str, Callable[[dict], dict]] = {
            "auth.test": self.auth_test,
            "apps.connections.open": self.apps_connections_open,
            "chat.postMessage": self.chat_post_message,
            "chat.update": self.chat_update,
            "chat.postEphemeral": self.chat_post_ephemeral,
            "conversations.open": self.conversations_open,
            "conversations.list": self.conversations_list,
            "conversations.history": self.conversations_history,
            "conversations.join": self.conversations_join,
            "users.lookupByEmail": self.users_lookup_by_email,
            "users.info": self.users_info,
            "users.list": self.users_list,
            "views.open": self.views_open,
            "views.push": self.views_push,
            "views.update": self.views_update,
            "views.publish": self.views_publish,
            "files.getUploadURLExternal": self.files_get_upload_url_external,
            "files.completeUploadExternal": self.files_complete_upload_external,
            "files.upload": self.files_upload,
        }
        self.clear()

    def clear(self) -> None:
        """Forget everything that happened; keep users and channels (membership resets)."""
        self._ids = itertools.count(1)
        self._ts = itertools.count(1)
        self._last_ts = 0
        self.dms: dict[str, str] = {}
        self.messages: dict[str, list[dict]] = {}
        self.message_order: list[tuple[str, int]] = []  # (channel, index in messages[channel])
        self.ephemeral: list[dict] = []
        self.views: dict[str, dict] = {}
        self.home_views: dict[str, str] = {}
        self.triggers: dict[str, float] = {}
        self.used_triggers: set[str] = set()
        self.files: dict[str, FakeFile] = {}
        for channel in self.channels.values():
            channel["is_member"] = channel["_initially_member"]

    def add_user(self, user: FakeUser) -> FakeUser:
        self.users[user.id] = user
        return user

    def add_channel(self, name: str, channel_id: str | None, is_member: bool) -> str:
        channel_id = channel_id or f"C{len(self.channels) + 1:010d}"
        self.channels[channel_id] = {
            "id": channel_id, "name": name, "is_channel": True, "is_private": False, "is_archived": False,
            "is_member": is_member, "created": 1_700_000_000, "_initially_member": is_member}
        return channel_id

    # -- ids and lookups ------------------------------------------------------------------
    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):010d}"

    def next_ts(self) -> str:
        """Unique and increasing, near the wall-clock time like Slack's (conversations.history's
        `oldest` compares with it)."""
        micros = max(FIRST_TS_MICROS + 100 * next(self._ts), int(time.time() * 1_000_000), self._last_ts + 1)
        self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def issue_trigger_id(self) -> str:
        n = next(self._ids)
        trigger = f"{100000 + n}.{98765}.{(n * 2654435761) % 16**12:012x}"
        self.triggers[trigger] = self.clock()
        return trigger

    def dm_channel(self, user_id: str) -> str:
        if user_id not in self.dms:
            self.dms[user_id] = self.new_id("D")
        return self.dms[user_id]

    def resolve_channel(self, channel: Any) -> str:
        """A channel id, a user id (Slack posts to the app's DM with that user) or #name."""
        if not isinstance(channel, str) or not channel:
            raise SlackError("channel_not_found")
        if channel[0] in "UW":
            return self.dm_channel(channel)
        if channel[0] == "#":
            for ch in self.channels.values():
                if ch["name"] == channel[1:]:
                    return ch["id"]
            raise SlackError("channel_not_found")
        return channel

    def _check_content(self, args: dict) -> None:
        text, blocks = args.get("text"), args.get("blocks")
        if not text and not blocks and not args.get("attachments"):
            raise SlackError("no_text")
        if isinstance(text, str) and len(text) > MAX_TEXT:
            raise SlackError("msg_too_long")
        if blocks is not None:
            problems = block_problems(blocks, "/blocks", MAX_MESSAGE_BLOCKS)
            if problems:
                raise SlackError("invalid_blocks", *problems)

    def _trigger(self, args: dict) -> None:
        trigger = args.get("trigger_id") or args.get("interactivity_pointer")
        if not trigger:
            raise SlackError("invalid_arguments", "[ERROR] missing required field: trigger_id")
        if not isinstance(trigger, str) or trigger.count(".") != 2:
            raise SlackError("invalid_trigger_id")
        issued = self.triggers.get(trigger)
        if issued is None or self.clock() - issued > self.trigger_ttl_seconds:
            raise SlackError("expired_trigger_id")
        if self.single_use_triggers:
            if trigger in self.used_triggers:
                raise SlackError("exchanged_trigger_id")
            self.used_triggers.add(trigger)

    # -- auth -----------------------------------------------------------------------------
    def auth_test(self, args: dict) -> dict:
        return {"ok": True, "url": f"https://{self.team_name.lower().replace(' ', '-')}.slack.com/",
                "team": self.team_name, "user": "xgov", "team_id": self.team_id,
                "user_id": self.bot_user_id, "bot_id": self.bot_id, "is_enterprise_install": False}

    def apps_connections_open(self, args: dict) -> dict:
        """The Socket Mode WebSocket URL (FakeSlackApi has already checked the app-level token)."""
        url = self.socket_mode_url() if callable(self.socket_mode_url) else self.socket_mode_url
        if not url:  # not a Slack error: the test forgot to point the fake at a FakeSocketMode
            raise SlackError("fake_socket_mode_not_configured", "set FakeSlackApi.socket_mode_url first")
        return {"ok": True, "url": url}

    # -- chat -----------------------------------------------------------------------------
    def chat_post_message(self, args: dict) -> dict:
        channel = self.resolve_channel(args.get("channel"))
        self._check_content(args)
        ts = self.next_ts()
        message = {"type": "message", "user": self.bot_user_id, "bot_id": self.bot_id, "app_id": self.app_id,
                   "team": self.team_id, "text": args.get("text") or "", "ts": ts}
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if args.get(key):
                message[key] = args[key]
        in_channel = self.messages.setdefault(channel, [])
        self.message_order.append((channel, len(in_channel)))
        in_channel.append(message)
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def chat_update(self, args: dict) -> dict:
        channel = self.resolve_channel(args.get("channel"))
        ts = args.get("ts")
        in_channel = self.messages.get(channel, [])
        index = next((i for i in range(len(in_channel) - 1, -1, -1) if in_channel[i]["ts"] == ts), None)
        if index is None:
            raise SlackError("message_not_found")
        self._check_content(args)
        message = dict(in_channel[index])
        if "text" in args:
            message["text"] = args["text"] or ""
        for key in ("blocks", "attachments"):
            if key in args:
                if args[key]:
                    message[key] = args[key]
                else:
                    message.pop(key, None)
        message["edited"] = {"user": self.bot_user_id, "ts": self.next_ts()}
        in_channel[index] = message
        return {"ok": True, "channel": channel, "ts": ts, "text": message["text"], "message": message}

    def chat_post_ephemeral(self, args: dict) -> dict:
        channel = self.resolve_channel(args.get("channel"))
        if not args.get("user"):
            raise SlackError("user_not_in_channel")
        self._check_content(args)
        ts = self.next_ts()
        self.ephemeral.append({"channel": channel, "user": args["user"], "text": args.get("text") or "",
                               "blocks": args.get("blocks"), "ts": ts})
        return {"ok": True, "message_ts": ts}

    # -- conversations --------------------------------------------------------------------
    def conversations_open(self, args: dict) -> dict:
        users = [u for u in str(args.get("users") or "").split(",") if u]
        if not users:
            if args.get("channel") in self.dms.values():
                return {"ok": True, "no_op": True, "already_open": True, "channel": {"id": args["channel"]}}
            raise SlackError("users_list_not_supplied" if not args.get("channel") else "channel_not_found")
        if len(users) > 8:
            raise SlackError("too_many_users")
        if any(u[0] not in "UW" for u in users):
            raise SlackError("user_not_found")
        key = users[0] if len(users) == 1 else ",".join(sorted(users))
        already = key in self.dms
        channel_id = self.dm_channel(key) if len(users) == 1 else self.dms.setdefault(key, self.new_id("G"))
        channel: dict[str, Any] = {"id": channel_id}
        if flag(args.get("return_im")):
            channel.update({"created": 1_700_000_000, "is_im": len(users) == 1, "is_org_shared": False,
                            "user": users[0], "last_read": "0000000000.000000", "latest": None,
                            "unread_count": 0, "unread_count_display": 0, "is_open": True, "priority": 0})
        body: dict[str, Any] = {"ok": True, "channel": channel}
        if already:
            body.update({"no_op": True, "already_open": True})
        return body

    def _public(self, channel: dict) -> dict:
        return {k: v for k, v in channel.items() if not k.startswith("_")}

    def conversations_list(self, args: dict) -> dict:
        limit = int(args.get("limit") or 100)
        channels = [self._public(c) for c in self.channels.values()][:limit]
        return {"ok": True, "channels": channels, "response_metadata": {"next_cursor": ""}}

    def conversations_history(self, args: dict) -> dict:
        """Newest first; `oldest`/`latest` bound the ts; metadata only with include_all_metadata."""
        channel = self.resolve_channel(args.get("channel"))
        if channel not in self.messages and channel not in self.channels and channel not in self.dms.values():
            raise SlackError("channel_not_found")
        oldest, latest = float(args.get("oldest") or 0), float(args.get("latest") or "inf")
        limit = min(int(args.get("limit") or 100), 999)
        found = [m for m in reversed(self.messages.get(channel, [])) if oldest <= float(m["ts"]) <= latest]
        start = int(args.get("cursor") or 0)
        page = found[start:start + limit]
        if not flag(args.get("include_all_metadata")):
            page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
        more = start + limit < len(found)
        return {"ok": True, "messages": page, "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def conversations_join(self, args: dict) -> dict:
        channel = self.channels.get(args.get("channel"))
        if channel is None:
            raise SlackError("channel_not_found")
        body: dict[str, Any] = {"ok": True}
        if channel["is_member"]:
            body.update({"warning": "already_in_channel",
                         "response_metadata": {"warnings": ["already_in_channel"]}})
        channel["is_member"] = True
        body["channel"] = self._public(channel)
        return body

    # -- users ----------------------------------------------------------------------------
    def users_lookup_by_email(self, args: dict) -> dict:
        email = str(args.get("email") or "").lower()
        if not email:
            raise SlackError("invalid_arguments", "[ERROR] missing required field: email")
        user = next((u for u in self.users.values() if u.email.lower() == email), None)
        if user is None:
            raise SlackError("users_not_found")
        return {"ok": True, "user": user.as_slack(self.team_id, include_locale=False)}

    def users_list(self, args: dict) -> dict:
        """Everyone, in the order added, a page at a time (limit at most 1000; none: all at once);
        the cursor is opaque, as Slack's."""
        limit = int(args.get("limit") or 0) or len(self.users) or 1
        if limit > 1000:
            raise SlackError("invalid_limit")
        cursor = args.get("cursor") or ""
        try:
            start = int(base64.b64decode(cursor).decode().removeprefix("user:")) if cursor else 0
        except ValueError:
            raise SlackError("invalid_cursor") from None
        users = list(self.users.values())
        page = [u.as_slack(self.team_id, include_locale=flag(args.get("include_locale")))
                for u in users[start:start + limit]]
        more = start + limit < len(users)
        next_cursor = base64.b64encode(f"user:{start + limit}".encode()).decode() if more else ""
        return {"ok": True, "members": page, "cache_ts": int(self.clock()),
                "response_metadata": {"next_cursor": next_cursor}}

    def users_info(self, args: dict) -> dict:
        user = self.users.get(args.get("user"))
        if user is None:
            raise SlackError("user_not_found")
        return {"ok": True, "user": user.as_slack(self.team_id, include_locale=flag(args.get("include_locale")))}

    # -- views (modals and App Home) ------------------------------------------------------
    def _check_view(self, view: Any, kind: str, replacing: str | None = None) -> dict:
        if not isinstance(view, dict):
            raise SlackError("invalid_arguments", "[ERROR] failed to match all allowed schemas [json-pointer:/view]")
        problems = []
        if view.get("type") != kind:
            problems.append(f"[ERROR] must be '{kind}' [json-pointer:/view/type]")
        if kind == "modal" and not _text_of(view.get("title")):
            problems.append("[ERROR] missing required field: title [json-pointer:/view/title]")
        for part in ("title", "submit", "close"):
            if len(_text_of(view.get(part))) > MAX_VIEW_TITLE:
                problems.append(f"[ERROR] must be less than 25 characters [json-pointer:/view/{part}/text]")
        problems += block_problems(view.get("blocks"), "/view/blocks", MAX_VIEW_BLOCKS)
        if len(str(view.get("private_metadata") or "")) > 3000:
            problems.append("[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]")
        if problems:
            raise SlackError("invalid_arguments", *problems)
        external_id = view.get("external_id")
        if external_id and any(v.get("external_id") == external_id and v["id"] != replacing
                               for v in self.views.values()):
            raise SlackError("duplicate_external_id")
        return view

    def _store_view(self, view: dict, view_id: str | None = None, root: str | None = None) -> dict:
        view_id = view_id or self.new_id("V")
        stored = {"id": view_id, "team_id": self.team_id, **view,
                  "private_metadata": view.get("private_metadata", ""), "callback_id": view.get("callback_id", ""),
                  "external_id": view.get("external_id", ""), "state": {"values": {}},
                  "hash": f"{1_700_000_000 + next(self._ids)}.{view_id}", "clear_on_close": False,
                  "notify_on_close": False, "root_view_id": root or view_id, "previous_view_id": None,
                  "app_id": self.app_id, "app_installed_team_id": self.team_id, "bot_id": self.bot_id}
        self.views[view_id] = stored
        return {"ok": True, "view": stored}

    def views_open(self, args: dict) -> dict:
        self._trigger(args)
        return self._store_view(self._check_view(args.get("view"), "modal"))

    def views_push(self, args: dict) -> dict:
        self._trigger(args)
        return self._store_view(self._check_view(args.get("view"), "modal"))

    def _find_view(self, args: dict) -> dict:
        view = self.views.get(args.get("view_id"))
        if view is None and args.get("external_id"):
            view = next((v for v in self.views.values() if v.get("external_id") == args["external_id"]), None)
        if view is None:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != view["hash"]:
            raise SlackError("hash_conflict")
        return view

    def views_update(self, args: dict) -> dict:
        old = self._find_view(args)
        view = self._check_view(args.get("view"), "modal", replacing=old["id"])
        return self._store_view(view, view_id=old["id"], root=old["root_view_id"])

    def views_publish(self, args: dict) -> dict:
        user_id = args.get("user_id")
        if not isinstance(user_id, str) or not user_id or user_id[0] not in "UW":
            raise SlackError("invalid_arguments", "[ERROR] missing required field: user_id")
        old_id = self.home_views.get(user_id)
        if old_id and args.get("hash") and args["hash"] != self.views[old_id]["hash"]:
            raise SlackError("hash_conflict")
        body = self._store_view(self._check_view(args.get("view"), "home", replacing=old_id), view_id=old_id)
        self.home_views[user_id] = body["view"]["id"]
        return body

    # -- files (the external upload flow; files.upload is retired) ------------------------
    def files_get_upload_url_external(self, args: dict) -> dict:
        if not args.get("filename"):
            raise SlackError("invalid_arguments", "[ERROR] missing required field: filename")
        try:
            length = int(args.get("length") or 0)
        except (TypeError, ValueError):
            raise SlackError("invalid_arguments", "[ERROR] length must be an integer") from None
        if length <= 0:
            raise SlackError("missing_argument")
        file = FakeFile(id=self.new_id("F"), filename=args["filename"], length=length, alt_txt=args.get("alt_txt"))
        self.files[file.id] = file
        return {"ok": True, "upload_url": f"{self.upload_url_prefix}{file.id}", "file_id": file.id}

    def receive_upload(self, file_id: str, content: bytes) -> bool:
        file = self.files.get(file_id)
        if file is None or file.completed:
            return False
        file.content = content
        return True

    def files_complete_upload_external(self, args: dict) -> dict:
        wanted = args.get("files")
        if not isinstance(wanted, list) or not wanted or not all(isinstance(f, dict) for f in wanted):
            raise SlackError("invalid_arguments", "[ERROR] files must be a non-empty array [json-pointer:/files]")
        found = [self.files.get(f.get("id")) for f in wanted]
        if any(f is None or f.content is None for f in found):
            raise SlackError("file_not_found")
        channels = [c for c in str(args.get("channels") or "").split(",") if c]
        if args.get("channel_id"):
            channels.insert(0, args["channel_id"])
        channels = [self.resolve_channel(c) for c in channels]
        answer = []
        for spec, file in zip(wanted, found):
            file.title = spec.get("title") or file.filename
            file.completed = True
            file.channels += channels
            file.initial_comment = args.get("initial_comment")
            file.thread_ts = args.get("thread_ts")
            answer.append({"id": file.id, "title": file.title})
        return {"ok": True, "files": answer}

    def files_upload(self, args: dict) -> dict:
        raise SlackError("method_deprecated")

    # -- dispatch -------------------------------------------------------------------------
    def handle(self, method: str, args: dict) -> dict:
        try:
            return self.methods[method](args)
        except SlackError as error:
            return error.body()
