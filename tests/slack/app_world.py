"""The bot served for Slack over real HTTP on 127.0.0.1, against the fake Slack Web API.

Requests are built as Slack sends them (form-encoded commands and interactivity, JSON events),
signed with slack_sdk's SignatureVerifier, and POSTed to /slack/events. The work after each ack
runs on a tracked executor, so `settle()` waits until everything the requests started is done;
with worker_process=True it runs as served, in the worker process (on the system clock), and
`settle()` waits for the platform to be idle.
"""
from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import Future, ThreadPoolExecutor

from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from adapters.slack.bolt_app import slack_platform
from adapters.slack.http import EVENTS_PATH, add_slack_routes
from adapters.slack.settings import SlackSettings
from fakes.slack_api import FakeSlackApi
from tests.web_server import RunningApp
from tests.world import ADMIN, EMPLOYEE, EMPLOYEE_EN, OTHER_OWNER, OWNER, World

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-fake-token"
SLACK_IDS = {ADMIN: "U0GOSIA", OWNER: "U0OLEK", OTHER_OWNER: "U0IGA", EMPLOYEE: "U0EWA", EMPLOYEE_EN: "U0JOHN"}
SLACK_LOCALES = {ADMIN: "pl-PL", OWNER: "en-GB", OTHER_OWNER: "pl-PL", EMPLOYEE: "pl-PL", EMPLOYEE_EN: "en-US"}


class TrackingExecutor(ThreadPoolExecutor):
    """bolt's listener pool, counting what it still has to do."""

    def __init__(self) -> None:
        super().__init__(max_workers=16, thread_name_prefix="slack-listener")
        self._pending: set[Future] = set()
        self._lock = threading.Lock()
        self.errors: list[BaseException] = []

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)
        return future

    def _done(self, future: Future) -> None:
        with self._lock:
            self._pending.discard(future)

    def idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._pending:
                    return True
            time.sleep(0.005)
        return False


class SlackWorld:
    def __init__(self, url: str, start, *, fake: FakeSlackApi | None = None, world: World | None = None,
                 worker_process: bool = False) -> None:
        self.world = world or World(url, start)
        self.fake = fake or FakeSlackApi(token=TOKEN).start()
        self._own_fake = fake is None
        if self._own_fake:
            for email, user_id in SLACK_IDS.items():
                self.fake.add_user(user_id, email, locale=SLACK_LOCALES[email])
            self.fake.add_user("U0STRANGER", "stranger@example.com", locale="pl-PL")
            self.governance = self.fake.add_channel("governance", is_member=True)
        else:
            self.governance = next(cid for cid, c in self.fake.workspace.channels.items() if c["name"] == "governance")
        self.executor = TrackingExecutor()
        slack = SlackSettings(bot_token=TOKEN, signing_secret=SECRET, api_url=self.fake.base_url)
        self.worker_process = worker_process
        if worker_process:
            self.platform = slack_platform(db=self.world.db, settings=self.world.settings, slack=slack)
        else:
            self.platform = slack_platform(db=self.world.db, settings=self.world.settings, slack=slack,
                                           clock=self.world.clock, listener_executor=self.executor)
        web_app = web.Application()
        add_slack_routes(web_app, self.platform.app)
        self.server = RunningApp(web_app)
        self.verifier = SignatureVerifier(SECRET)
        self.interactions: list[dict] = []  # every interactive payload sent, for coverage checks
        self.commands_sent: list[tuple[str, str]] = []

    def stop(self) -> None:
        self.server.stop()
        self.platform.stop()
        self.executor.shutdown(wait=True)
        if self._own_fake:
            self.fake.stop()

    # -- raw HTTP ---------------------------------------------------------------------------------
    def post_raw(self, body: str | bytes, headers: dict[str, str]) -> tuple[int, str, float]:
        """(status, body, seconds until the answer)."""
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        request = urllib.request.Request(self.server.base + EVENTS_PATH, data=data, headers=headers,
                                         method="POST")
        began = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode("utf-8"), time.perf_counter() - began
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8"), time.perf_counter() - began

    def signed_headers(self, body: str, content_type: str, *, age_seconds: int = 0) -> dict[str, str]:
        timestamp = str(int(time.time()) - age_seconds)
        return {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": self.verifier.generate_signature(timestamp=timestamp, body=body)}

    def post_form(self, fields: dict[str, str]) -> tuple[int, str, float]:
        body = urllib.parse.urlencode(fields)
        return self.post_raw(body, self.signed_headers(body, "application/x-www-form-urlencoded"))

    def post_json(self, payload: dict, extra: dict[str, str] | None = None) -> tuple[int, str, float]:
        body = json.dumps(payload)
        return self.post_raw(body, {**self.signed_headers(body, "application/json"), **(extra or {})})

    def settle(self, timeout: float = 20) -> None:
        assert self.platform.idle(timeout) and self.executor.idle(timeout), "the work after ack did not finish"

    # -- what Slack sends -------------------------------------------------------------------------
    def user(self, email: str) -> dict:
        return {"id": SLACK_IDS.get(email, email), "username": email.split("@")[0], "team_id": "T0XGOV"}

    def command(self, email: str, command: str, text: str = "", *, settle: bool = True) -> tuple[int, str, float]:
        self.commands_sent.append((command, text))
        answer = self.post_form({
            "token": "legacy", "team_id": "T0XGOV", "team_domain": "xgov", "channel_id": "C0RANDOM",
            "channel_name": "random", "user_id": SLACK_IDS.get(email, email), "user_name": email.split("@")[0],
            "command": command, "text": text, "api_app_id": "A0XGOV",
            "response_url": "https://hooks.slack.invalid/commands/1", "trigger_id": self.fake.issue_trigger_id(),
        })
        if settle:
            self.settle()
        return answer

    def interact(self, payload: dict, *, settle: bool = True) -> tuple[int, str, float]:
        self.interactions.append(payload)
        answer = self.post_form({"payload": json.dumps(payload)})
        if settle:
            self.settle()
        return answer

    def event(self, email: str, event: dict, *, event_id: str, retry: int = 0, settle: bool = True) -> tuple[int, str, float]:
        payload = {"token": "legacy", "team_id": "T0XGOV", "api_app_id": "A0XGOV", "type": "event_callback",
                   "event_id": event_id, "event_time": int(time.time()),
                   "event": {"user": SLACK_IDS.get(email, email), "event_ts": f"{time.time():.6f}", **event},
                   "authorizations": [{"team_id": "T0XGOV", "user_id": "U0BOT", "is_bot": True}]}
        extra = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        answer = self.post_json(payload, extra)
        if settle:
            self.settle()
        return answer

    def direct_message(self, email: str, text: str, *, event_id: str, retry: int = 0) -> tuple[int, str, float]:
        return self.event(email, {"type": "message", "channel": "D0BOT" + SLACK_IDS[email], "channel_type": "im",
                                  "text": text, "ts": f"{time.time():.6f}"}, event_id=event_id, retry=retry)

    def open_home(self, email: str) -> None:
        self.event(email, {"type": "app_home_opened", "tab": "home", "channel": "D0HOME"},
                   event_id=f"Ev-home-{time.monotonic_ns()}")

    # -- reading what the bot sent, and acting on it ---------------------------------------------------
    def dms(self, email: str) -> list[dict]:
        user_id = SLACK_IDS.get(email, email)
        channel = self.fake.workspace.dms.get(user_id, "")
        return [{**message, "channel": channel} for message in self.fake.messages_in(user_id)]

    def last_dm(self, email: str) -> dict:
        messages = self.dms(email)
        assert messages, f"{email} got no message"
        return messages[-1]

    def click(self, email: str, label: str, message: dict | None = None, *, view: dict | None = None,
              settle: bool = True) -> tuple[int, str, float]:
        """Press the button (or choose the select option) labelled `label` in a message or the home view."""
        source = view if view is not None else (message or self.last_dm(email))
        block, element, chosen = find_action(source["blocks"], label)
        action = {"type": element["type"], "action_id": element["action_id"], "block_id": block.get("block_id", "b"),
                  "action_ts": f"{time.time():.6f}"}
        if element["type"] == "button":
            action |= {"text": element["text"], "value": element.get("value", "")}
        else:
            action["selected_option"] = chosen
        payload = {"type": "block_actions", "user": self.user(email), "api_app_id": "A0XGOV",
                   "team": {"id": "T0XGOV"}, "trigger_id": self.fake.issue_trigger_id(), "actions": [action]}
        if view is not None:
            payload |= {"container": {"type": "view", "view_id": view["id"]}, "view": view}
        else:
            payload |= {"container": {"type": "message", "channel_id": source["channel"], "message_ts": source["ts"]},
                        "channel": {"id": source["channel"]}, "message": source}
        return self.interact(payload, settle=settle)

    def last_modal(self) -> dict:
        opened = [call for call in self.fake.calls_to("views.open") if call.ok]
        assert opened, "no modal was opened"
        return self.fake.view(opened[-1].response["view"]["id"])

    def submit(self, email: str, values: dict[str, str | tuple[str, ...]], view: dict | None = None,
               *, settle: bool = True) -> tuple[int, str, float]:
        """Submit the last opened modal with `values` by field name (option labels for selects)."""
        view = view or self.last_modal()
        state = {}
        for block in view["blocks"]:
            if block["type"] != "input":
                continue
            element = block["element"]
            name = element["action_id"]
            given = values.get(name, element.get("initial_value", ""))
            state[block["block_id"]] = {name: element_state(element, given)}
        payload = {"type": "view_submission", "user": self.user(email), "api_app_id": "A0XGOV",
                   "team": {"id": "T0XGOV"}, "trigger_id": self.fake.issue_trigger_id(),
                   "view": {**view, "state": {"values": state}}}
        return self.interact(payload, settle=settle)

    def governance_posts(self) -> list[dict]:
        return [{**message, "channel": self.governance} for message in self.fake.messages_in(self.governance)]


def _options(element: dict) -> list[dict]:
    if "option_groups" in element:
        return [option for group in element["option_groups"] for option in group["options"]]
    return element.get("options", [])


def find_action(blocks: list[dict], label: str) -> tuple[dict, dict, dict | None]:
    for block in blocks:
        elements = block.get("elements", []) if block["type"] == "actions" else [block.get("accessory") or {}]
        for element in elements:
            if element.get("type") == "button" and element["text"]["text"] == label:
                return block, element, None
            for option in _options(element):
                if option["text"]["text"] == label:
                    return block, element, option
    labels = [e["text"]["text"] for b in blocks if b["type"] == "actions" for e in b["elements"] if "text" in e]
    raise AssertionError(f"no button or option {label!r}; buttons: {labels}")


def element_state(element: dict, given) -> dict:
    kind = element["type"]
    if kind == "static_select":
        chosen = next((o for o in _options(element) if o["text"]["text"] == given or o["value"] == given), None)
        return {"type": kind, "selected_option": chosen}
    if kind == "multi_static_select":
        chosen = [o for o in _options(element) if o["text"]["text"] in given or o["value"] in given]
        return {"type": kind, "selected_options": chosen}
    return {"type": kind, "value": given or None}
