"""The load side of bench/slack_ack.py: Slack requests as Slack signs them, sent by N concurrent clients.

Bodies are built as Slack sends them (tests/slack/app_world.py does the same): a slash command is a
form-encoded body, a click is `payload=<block_actions JSON>`; each is signed with slack_sdk's
SignatureVerifier when it is sent (the timestamp must be fresh), outside the timed interval.

The clients are asyncio tasks sharing one aiohttp ClientSession (keep-alive, one connection per
client): each takes the next body, POSTs it and waits for the answer before taking another (a closed
loop, so at most `clients` requests are in flight). One request costs the client ~0.2-0.4 ms of CPU,
a fraction of what the server spends, and the client runs in its own process; the floor row of the
report (GET /healthz under the same load) shows what the client and aiohttp add by themselves.
"""
from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field

from slack_sdk.signature import SignatureVerifier

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-fake-token"
TEAM = "T0XGOV"
FORM = "application/x-www-form-urlencoded"
REQUEST_TIMEOUT = 60.0


@dataclass(frozen=True)
class SlackRequest:
    body: str  # "" with method GET
    method: str = "POST"
    path: str = "/slack/events"


def friction_command(user_id: str, user_name: str, text: str, trigger_id: str) -> SlackRequest:
    """`/friction <text>` typed by `user_id` (Slack escapes &, < and > in the text)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return SlackRequest(urllib.parse.urlencode({
        "token": "legacy", "team_id": TEAM, "team_domain": "xgov", "channel_id": "C0RANDOM",
        "channel_name": "random", "user_id": user_id, "user_name": user_name, "command": "/friction",
        "text": escaped, "api_app_id": "A0XGOV", "response_url": "https://hooks.slack.invalid/commands/1",
        "trigger_id": trigger_id,
    }))


def kind_action(blocks: list[dict], kind: str) -> tuple[dict, dict, dict | None]:
    """(block, element, chosen option) of the friction.kind choice `kind` in a report's acknowledgement:
    a button when the choices are shown as buttons, else an option of a menu."""
    for block in blocks:
        elements = block.get("elements", []) if block.get("type") == "actions" else [block.get("accessory") or {}]
        for element in elements:
            if not str(element.get("action_id", "")).startswith("friction.kind"):
                continue
            if element.get("type") == "button" and str(element.get("value", "")).endswith(":" + kind):
                return block, element, None
            options = [o for group in element.get("option_groups", []) for o in group["options"]]
            for option in options + element.get("options", []):
                if option["value"].endswith(":" + kind):
                    return block, element, option
    raise LookupError(f"no friction.kind choice {kind!r} in the message")


def block_actions(user_id: str, user_name: str, message: dict, block: dict, element: dict, chosen: dict | None,
                  trigger_id: str) -> SlackRequest:
    """A click on `element` of `message` (a dict from the fake, with its "channel") by `user_id`."""
    action = {"type": element["type"], "action_id": element["action_id"], "block_id": block.get("block_id", "b"),
              "action_ts": f"{time.time():.6f}"}
    if element["type"] == "button":
        action |= {"text": element["text"], "value": element.get("value", "")}
    else:
        action["selected_option"] = chosen
    payload = {"type": "block_actions", "user": {"id": user_id, "username": user_name, "team_id": TEAM},
               "api_app_id": "A0XGOV", "team": {"id": TEAM}, "trigger_id": trigger_id, "actions": [action],
               "container": {"type": "message", "channel_id": message["channel"], "message_ts": message["ts"]},
               "channel": {"id": message["channel"]}, "message": message}
    return SlackRequest(urllib.parse.urlencode({"payload": json.dumps(payload)}))


def health_check() -> SlackRequest:
    return SlackRequest("", method="GET", path="/healthz")


@dataclass
class LoadResult:
    seconds: list[float] = field(default_factory=list)  # send to answer, one per request, in sending order
    statuses: Counter = field(default_factory=Counter)  # HTTP status (0: no answer) -> count
    failures: list[str] = field(default_factory=list)  # the first few non-200 answers or exceptions
    wall_seconds: float = 0.0

    @property
    def errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status != 200)


def run_load(base_url: str, requests: list[SlackRequest], clients: int, secret: str = SECRET) -> LoadResult:
    """Send `requests` with `clients` concurrent clients; the latency of each and the answers' statuses."""
    return asyncio.run(_load(base_url, requests, clients, SignatureVerifier(secret)))


async def _load(base_url: str, requests: list[SlackRequest], clients: int, verifier: SignatureVerifier) -> LoadResult:
    import aiohttp

    result = LoadResult(seconds=[0.0] * len(requests))
    position = iter(range(len(requests)))
    connector = aiohttp.TCPConnector(limit=clients, limit_per_host=clients, ttl_dns_cache=None)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)

    async def client(session: aiohttp.ClientSession) -> None:
        for index in position:
            request = requests[index]
            headers = None
            if request.method == "POST":
                timestamp = str(int(time.time()))
                headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": timestamp,
                           "X-Slack-Signature": verifier.generate_signature(timestamp=timestamp, body=request.body)}
            data = request.body.encode("utf-8") if request.method == "POST" else None
            began = time.perf_counter()
            try:
                async with session.request(request.method, base_url + request.path, data=data,
                                           headers=headers) as response:
                    text = await response.read()
                    status = response.status
            except Exception as problem:  # noqa: BLE001 - any failure is an error of this request
                status, text = 0, repr(problem).encode()
            result.seconds[index] = time.perf_counter() - began
            result.statuses[status] += 1
            if status != 200 and len(result.failures) < 5:
                result.failures.append(f"{status}: {text[:200].decode('utf-8', 'replace')}")

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        began = time.perf_counter()
        await asyncio.gather(*(client(session) for _ in range(clients)))
        result.wall_seconds = time.perf_counter() - began
    return result


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1) of `values`."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), int(-(-share * len(ordered) // 1))))
    return ordered[rank - 1]
