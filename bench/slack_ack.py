"""How fast xgov acknowledges Slack (`/friction`, a button click) under 50 concurrent clients, beside bare bolt.

    .venv/bin/python bench/slack_ack.py [--requests 2000] [--clients 50] [--people 300] [--rounds 2]
                                        [--warmup 300] [--quick] [--ack-on-pool] [--work-in-threads]
                                        [--listener-threads N] [--api-latency SECONDS] [--dispatch-threads N]

Slack gives an app 3 s to answer; the answer (the ack) is what people wait for. This measures, in one
run, the time from sending a signed request to its answer for

* xgov, exactly as `xgov run --platform slack` serves it: app.web.build_web_app plus
  adapters.slack.http.add_slack_routes with adapters.slack.bolt_app.slack_platform (the work
  after acks in its worker process, adapters/slack/worker.py; INFO logging to a file, the access
  log and the worker's records included), on a fresh, migrated SQLite file
  with --people people (bot.services.directory) who are also users of the fake Slack Web API
  (fakes/slack_api.py) with a Slack locale;
* a bare slack-bolt App whose listeners only ack (`app.command("/friction")(lambda ack: ack())`,
  the same for any action), with bolt's defaults for such an app (process_before_response=False,
  its pool of 5 listener threads), signature checks and the same WebClient against the same fake,
  served the same way (aiohttp + add_slack_routes), so that the difference is xgov's own work.
  bolt's built-in HTTP server is not measured: that is not how xgov is served.

Scenarios: (a) `/friction <text>`, each of which files a real report after the ack (the bot's
work after the ack then competes with the acks, which is the realistic case); (b) a click on the
"Manual workaround" choice of a report's acknowledgement (a message the bot sent to that person in
the fake), which tags the report and updates the message. Each server first gets a warm-up (one
report per person on xgov: it fills the Slack user and DM caches and gives everyone a message to
click), then --rounds rounds of --requests/--rounds requests per scenario and server, alternating
which server goes first. After each xgov round the benchmark waits until xgov's work after acks
is done (SlackPlatform.idle; the "drain": work still queued or running after the last ack). At
the end it checks that every /friction became exactly one report (rows in the database), that
every report sent its two messages and every click its message update, and that neither server
logged an error.

Processes (the machine has 2 cores; nothing else may take the server's GIL): this process is the
load generator (bench/slack_ack_clients.py: asyncio clients, keep-alive); xgov, the bare bolt app
and the fake Slack Web API each run in a process of their own (multiprocessing, spawn), talked to
over a pipe; xgov's process starts its worker process (so the server processes are not daemonic,
and they stop when this process is gone). In production Slack's Web API is elsewhere, so the fake
must not count as the server's work; the bare server idles while xgov is measured and the other
way round. A GET /healthz row under the same load is the floor of the measurement itself (client
+ aiohttp). xgov's CPU per request is its web process's and its worker process's together.

Targets (issue): p99 within 1.5x of bare bolt and under 300 ms. The VM is shared and noisy: compare
the ratios within one run, and repeat a run before believing it. Experiments, made by building the
app in this file (adapters/slack is never changed): --ack-on-pool serves xgov as before the
ack-first change (below); --work-in-threads serves it as before the worker process
(XGOV_SLACK_WORK_PROCESS=false: the work on threads of the web process); --listener-threads N gives
that pool (bolt's listener pool with --ack-on-pool, and the bare app's) N threads; --api-latency S
makes every call to the fake Web API take S seconds, as calls to slack.com do (the fake answers at
once otherwise, which makes the work CPU-bound: a worst case for the GIL).

Reading the figures. The clients form a closed loop: each sends its next request when the previous
one is answered, so p50 is about clients / answers per second (Little's law), and 50 clients offer
far more reports a second than the bot can file (~20 ms of CPU each here): the work after the
acks piles up. Before the change (--ack-on-pool: process_before_response=False) bolt ran the whole
listener, ack() included, on its pool of 5 threads, and each request's dispatching thread polled
every 10 ms until ack() had been called; the pool's threads were always busy with earlier
requests' work, so a request waited for a free thread before it could even acknowledge: acks came
only as fast as the work was done (p50 ~1 s, the drain after the last ack ~0) and the polling cost
~5 ms of CPU per request. With Web API calls of 150 ms the wait passed bolt's 3 s ack timeout:
bolt answered 404 "unhandled request" (Slack shows the person an error) and still filed the
report. With process_before_response=True each listener acknowledges in the dispatching thread
and submits the work: acks do not wait for the work, which drains after the load (the drain
times). On threads of the web process (--work-in-threads) the work still took the GIL from the
aiohttp loop and the dispatching threads (SQLAlchemy, Block Kit text measuring, Web API calls),
more with more work threads when the work is CPU-bound, and acks were 2-3x slower than bare bolt's
at p99 (a smaller sys.setswitchinterval or fewer threads did not close the gap). Now the work runs
in the worker process at the lowest priority (nice 19), and the web process has frozen its
start-up objects (gc.freeze), whose full garbage collections (50-170 ms, every ack in flight
waiting) had set xgov's p99. What remains between xgov and bare bolt is handing each body over
(pickled in the dispatching thread, written by a queue's feeder thread) and the CPU the worker
still takes whenever the clients and the web process leave one of the 2 cores idle.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.children import Child, answer_commands  # noqa: E402
from bench.slack_ack_clients import (  # noqa: E402
    SECRET, TOKEN, LoadResult, SlackRequest, block_actions, friction_command, health_check, kind_action, percentile,
    run_load)

TARGET_RATIO = 1.5
TARGET_P99_MS = 300.0
DRAIN_TIMEOUT = 900.0
GOVERNANCE = "governance"
FULL = {"requests": 2000, "people": 300, "rounds": 2, "warmup": 300}
QUICK = {"requests": 200, "people": 60, "rounds": 1, "warmup": 60}


def fake_slack_process(conn, latency: float = 0.0) -> None:
    """The fake Slack Web API, alone in its process; each request is read `latency` seconds late."""
    import asyncio

    from fakes import slack_api
    from fakes.slack_api import FakeSlackApi

    if latency:  # like a Web API call across the internet: the caller's thread waits, its CPU is free
        received = slack_api._HttpConnection.data_received

        def late(connection, data: bytes) -> None:
            asyncio.get_running_loop().call_later(latency, received, connection, data)

        slack_api._HttpConnection.data_received = late
    fake = FakeSlackApi(token=TOKEN).start()
    conn.send(("ready", fake.base_url))

    def add_users(users: list[tuple[str, str, str]]) -> int:
        for user_id, email, locale in users:
            fake.add_user(user_id, email, locale=locale)
        return len(users)

    def first_dms(user_ids: list[str]) -> dict[str, dict | None]:
        found = {}
        for user_id in user_ids:
            channel = fake.workspace.dms.get(user_id, "")
            messages = fake.messages_in(user_id)
            found[user_id] = {**messages[0], "channel": channel} if messages else None
        return found

    answer_commands(conn, {
        "add_users": add_users,
        "add_channel": lambda name: fake.add_channel(name, is_member=True),
        "first_dms": first_dms,
        "stats": fake.stats,
        "messages_in": lambda channel: len(fake.messages_in(channel)),
        "bugs": lambda: [repr(problem) for problem in fake.server_errors],
        "stop": fake.stop,
    })


class _Pending:
    """Counts what an executor still has to do (bolt's listener pool: the work after each ack)."""

    def __init__(self, executor) -> None:
        self.count = 0
        self.lock = threading.Lock()
        original = executor.submit

        def submit(fn, /, *args, **kwargs):
            with self.lock:
                self.count += 1
            future = original(fn, *args, **kwargs)
            future.add_done_callback(self._done)
            return future

        executor.submit = submit

    def _done(self, _future) -> None:
        with self.lock:
            self.count -= 1

    def wait_idle(self, timeout: float) -> float | None:
        """Seconds until nothing is pending (None after `timeout`)."""
        began = time.perf_counter()
        while time.perf_counter() - began < timeout:
            with self.lock:
                if self.count == 0:
                    return time.perf_counter() - began
            time.sleep(0.002)
        return None


class _ErrorLog:
    """A logging handler keeping the number and the first few of the records at ERROR or above."""

    def __init__(self) -> None:
        import logging

        class Handler(logging.Handler):
            def emit(handler, record) -> None:  # noqa: N805
                self.count += 1
                if len(self.first) < 3:
                    self.first.append(handler.format(record)[:600])

        self.count = 0
        self.first: list[str] = []
        self.handler = Handler(level=logging.ERROR)


class _WorkAfterAcks:
    """xgov's work after the acks, as the platform tracks it: its wait, its description and its CPU."""

    def __init__(self, platform) -> None:
        from adapters.slack.worker import WorkerProcess

        self.platform = platform
        self.worker = platform.after_ack if isinstance(platform.after_ack, WorkerProcess) else None
        executor = platform.after_ack.executor if self.worker is None else None
        self.description = (f"a worker process of {self.worker.spec.threads} threads" if self.worker
                            else f"{getattr(executor, '_max_workers', '?')} threads")

    def wait_idle(self, timeout: float) -> float | None:
        began = time.perf_counter()
        return time.perf_counter() - began if self.platform.idle(timeout) else None

    def cpu(self) -> float:
        """The worker process's CPU seconds (0 without one), from /proc."""
        if self.worker is None:
            return 0.0
        fields = Path(f"/proc/{self.worker.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def server_process(conn, kind: str, db_url: str, api_url: str, listener_threads: int | None,
                   dispatch_threads: int, log_path: str, xgov_work: str) -> None:
    """xgov (kind "xgov") or the bare bolt app (kind "bare") on 127.0.0.1, served as `xgov run` serves.

    xgov_work: "worker process" (as served), "threads" (--work-in-threads) or "ack on pool" (--ack-on-pool)."""
    try:
        import asyncio
        import logging
        import socket
        from concurrent.futures import ThreadPoolExecutor

        from aiohttp import web

        from adapters.slack.http import add_slack_routes

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                            filename=log_path)  # what `xgov run` sets up, into a file instead of the terminal
        errors = _ErrorLog()
        logging.getLogger().addHandler(errors.handler)
        executor = ThreadPoolExecutor(max_workers=listener_threads, thread_name_prefix="slack-listener") \
            if listener_threads else None  # None: bolt's own (the bare app), xgov's own
        if kind == "xgov":
            web_app, platform = _xgov_app(db_url, api_url, executor, xgov_work)
            bolt_app = platform.app
        else:
            (web_app, bolt_app), platform = _bare_app(api_url, executor), None
        add_slack_routes(web_app, bolt_app, threads=dispatch_threads)
        if platform is None or xgov_work == "ack on pool":  # the work (if any) runs on bolt's listener pool
            pool = bolt_app._listener_runner.listener_executor
            pending = _Pending(pool)
            wait_idle, work_cpu = pending.wait_idle, lambda: 0.0
            work = f"bolt's pool of {pool._max_workers} threads"
        else:
            after_acks = _WorkAfterAcks(platform)
            wait_idle, work_cpu, work = after_acks.wait_idle, after_acks.cpu, after_acks.description
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        runner = web.AppRunner(web_app)
        loop.run_until_complete(runner.setup())
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        loop.run_until_complete(web.SockSite(runner, sock, backlog=1024).start())
    except Exception:  # noqa: BLE001 - reported to the parent
        conn.send(("error", traceback.format_exc()))
        return

    def stats() -> dict:
        times = os.times()
        worker_cpu = work_cpu()
        return {"errors": errors.count, "first_errors": errors.first, "work": work,
                "cpu": times.user + times.system + worker_cpu, "worker_cpu": worker_cpu}

    def stop() -> None:
        loop.call_soon_threadsafe(loop.stop)

    handlers = {"idle": wait_idle, "stats": stats, "stop": stop}
    threading.Thread(target=answer_commands, args=(conn, handlers), daemon=True).start()
    conn.send(("ready", f"http://127.0.0.1:{sock.getsockname()[1]}"))
    loop.run_forever()
    loop.run_until_complete(runner.cleanup())
    if platform is not None:
        platform.stop()


def _slack_settings(api_url: str, **more):
    from adapters.slack.settings import SlackSettings

    return SlackSettings(bot_token=TOKEN, signing_secret=SECRET, api_url=api_url, app_token="", **more)


def _xgov_settings(db_url: str):
    from bot.config import Settings

    return Settings(database_url=db_url, default_locale="pl", governance_channel=GOVERNANCE, web_secret="")


def _xgov_app(db_url: str, api_url: str, executor, xgov_work: str):
    """(the web app, the Slack platform) on one Database, as `xgov run --platform slack` builds them;
    --work-in-threads: XGOV_SLACK_WORK_PROCESS=false (on `executor` if given)."""
    from adapters.slack.bolt_app import freeze_start_up, slack_platform
    from app.web import build_web_app
    from storage.db import Database

    db, settings = Database(db_url), _xgov_settings(db_url)
    web_app = build_web_app(db=db, settings=settings)
    if xgov_work == "ack on pool":
        return web_app, _ack_on_pool_platform(db, settings, _slack_settings(api_url), executor)
    in_threads = xgov_work == "threads"
    slack = _slack_settings(api_url, work_process=not in_threads)
    platform = slack_platform(db=db, settings=settings, slack=slack, listener_executor=executor if in_threads else None)
    freeze_start_up(platform)  # as `xgov run` does once it has started
    return web_app, platform


def _bare_app(api_url: str, executor):
    """A bolt App whose listeners only acknowledge, with bolt's defaults (process_before_response=False)."""
    import re

    from aiohttp import web
    from slack_bolt import App

    from adapters.slack.port import slack_client

    slack = _slack_settings(api_url)
    app = App(client=slack_client(slack.bot_token, slack.base_url()), signing_secret=slack.signing_secret,
              request_verification_enabled=True, token_verification_enabled=False, process_before_response=False,
              ignoring_self_events_enabled=True, listener_executor=executor)
    app.command("/friction")(lambda ack: ack())
    app.action(re.compile(".+"))(lambda ack: ack())
    return web.Application(), app


def _ack_on_pool_platform(db, settings, slack, executor):
    """xgov's Slack platform as it was before acks moved to the dispatching thread (--ack-on-pool).

    bolt with process_before_response=False runs each listener, ack() included, on its listener
    pool (bolt's own of 5 threads unless --listener-threads is given), and the request's dispatching
    thread polls every 10 ms until ack() has been called; the work after the ack runs on in the same
    listener thread. The listeners are today's SlackListeners with work that runs at once, in the
    listener's thread, which is what the listeners did then.
    """
    from concurrent.futures import Executor, Future

    from slack_bolt import App

    from adapters.slack.bolt_app import SlackPlatform
    from adapters.slack.listeners import SlackListeners
    from adapters.slack.work import WorkInThreads, slack_work

    class RightHere(Executor):
        def submit(self, fn, /, *args, **kwargs) -> Future:
            future: Future = Future()
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as problem:  # noqa: BLE001 - kept in the future, as a pool would
                future.set_exception(problem)
            return future

    work = slack_work(db=db, settings=settings, slack=slack)
    after_ack = WorkInThreads(work, RightHere())
    listeners = SlackListeners(work.bot, work.actors, after_ack, RightHere())
    app = App(client=work.client, signing_secret=slack.signing_secret or None, request_verification_enabled=True,
              token_verification_enabled=False, process_before_response=False, ignoring_self_events_enabled=True,
              listener_executor=executor)
    listeners.register(app)
    return SlackPlatform(app=app, bot=work.bot, port=work.bot.port, listeners=listeners, after_ack=after_ack)


# --- The organisation --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    user_id: str
    email: str
    name: str
    slack_locale: str


def make_people(url: str, count: int) -> list[Person]:
    from bot.services import directory
    from storage.db import Database

    people = [Person(user_id=f"U0B{index:05d}", email=f"person{index:04d}@example.pl", name=f"Person {index}",
                     slack_locale="pl-PL" if index % 3 else "en-GB") for index in range(count)]
    db = Database(url)
    with db.unit_of_work() as session:
        directory.add_org_unit(session=session, name="Spółka")
        for unit in range(8):
            directory.add_org_unit(session=session, name=f"Dział {unit}", parent="Spółka")
        for index, person in enumerate(people):
            roles = ("employee", "manager") if index % 25 == 0 else ("employee",)
            directory.add_person(session=session, email=person.email, name=person.name, org_unit=f"Dział {index % 8}",
                                 roles=roles, locale=None if index % 2 else person.slack_locale[:2])
    db.dispose()
    return people


def count_reports(url: str) -> dict[str, int]:
    """Report text -> number of reports with it."""
    from sqlalchemy import func, select

    from storage.db import Database
    from storage.models import Friction

    db = Database(url)
    with db.unit_of_work() as session:
        found = dict(session.execute(select(Friction.text, func.count()).group_by(Friction.text)).all())
    db.dispose()
    return found


def workaround_count(url: str, texts: set[str]) -> int:
    from sqlalchemy import func, select

    from storage.db import Database
    from storage.models import Friction

    db = Database(url)
    with db.unit_of_work() as session:
        found = session.scalar(select(func.count()).select_from(Friction).where(
            Friction.text.in_(sorted(texts)), Friction.kind == "workaround"))
    db.dispose()
    return found


# --- The run --------------------------------------------------------------------------------------------

@dataclass
class Measured:
    scenario: str
    server: str
    seconds: list[float] = field(default_factory=list)
    errors: int = 0
    failures: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0
    cpu_seconds: float = 0.0
    drains: list[float] = field(default_factory=list)

    def add(self, result: LoadResult, cpu: float, drain: float | None) -> None:
        self.seconds += result.seconds
        self.errors += result.errors
        self.failures += result.failures[: max(0, 5 - len(self.failures))]
        self.wall_seconds += result.wall_seconds
        self.cpu_seconds += cpu
        if drain is not None:
            self.drains.append(drain)

    def figures(self) -> dict:
        ms = [s * 1000 for s in self.seconds]
        return {"scenario": self.scenario, "server": self.server, "requests": len(ms),
                "p50_ms": percentile(ms, 0.50), "p99_ms": percentile(ms, 0.99), "max_ms": max(ms) if ms else 0.0,
                "errors": self.errors, "failures": self.failures,
                "per_second": len(ms) / self.wall_seconds if self.wall_seconds else 0.0,
                "cpu_ms_per_request": 1000 * self.cpu_seconds / len(ms) if ms else 0.0,
                "drain_seconds": sum(self.drains), "drains": self.drains}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, help="measured requests per scenario and server (default 2000)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--people", type=int, help="people in the directory and the fake Slack (default 300)")
    parser.add_argument("--rounds", type=int,
                        help="rounds per scenario, alternating which server goes first (default 2)")
    parser.add_argument("--warmup", type=int, help="warm-up requests per scenario on the bare app (default 300)")
    parser.add_argument("--listener-threads", type=int, default=None,
                        help="listener pool of both apps (default: bolt's own, 5 threads in slack_bolt 1.30)")
    parser.add_argument("--dispatch-threads", type=int, default=None, help="add_slack_routes' pool (default: its own)")
    parser.add_argument("--ack-on-pool", action="store_true",
                        help="xgov as before the ack-first change: ack() on bolt's listener pool")
    parser.add_argument("--work-in-threads", action="store_true",
                        help="xgov's work after acks on threads of the web process (XGOV_SLACK_WORK_PROCESS=false), "
                             "--listener-threads of them if given")
    parser.add_argument("--api-latency", type=float, default=0.0,
                        help="seconds the fake Slack Web API takes per call (default 0: answers at once)")
    parser.add_argument("--quick", action="store_true",
                        help="a small run: by default 200 requests, 60 people, 1 round, 60 warm-up requests")
    args = parser.parse_args(argv)
    for name, value in (QUICK if args.quick else FULL).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.people = max(args.people, args.clients)  # no one clicks twice at the same time
    return args


def benchmark(args: argparse.Namespace, log=print) -> dict:
    from adapters.slack.http import DISPATCH_THREADS
    from storage.migrate import upgrade

    dispatch_threads = args.dispatch_threads or DISPATCH_THREADS
    xgov_work = "ack on pool" if args.ack_on_pool else "threads" if args.work_in_threads else "worker process"
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="xgov-slack-ack-") as folder:
        url = f"sqlite:///{Path(folder) / 'xgov.db'}"
        children: list[Child] = []
        try:
            fake = Child(context, fake_slack_process, args.api_latency)
            children.append(fake)
            upgrade(url)
            people = make_people(url, args.people)
            fake.ready()
            fake.call("add_users", [(p.user_id, p.email, p.slack_locale) for p in people])
            governance = fake.call("add_channel", GOVERNANCE)
            servers = {}
            for kind in ("bare", "xgov"):
                servers[kind] = Child(context, server_process, kind, url, fake.info, args.listener_threads,
                                      dispatch_threads, str(Path(folder) / f"{kind}.log"), xgov_work, daemon=False)
                children.append(servers[kind])
            for server in servers.values():
                server.ready()
            return _run(args, url, people, fake, servers, governance, log)
        finally:
            for child in reversed(children):
                child.stop()


def _run(args, url: str, people: list[Person], fake: Child, servers: dict[str, Child], governance: str, log) -> dict:
    began = time.perf_counter()
    xgov, bare = servers["xgov"], servers["bare"]
    reports: list[str] = []  # texts of every /friction sent to xgov
    clicks_sent = 0
    warm_problems: list[str] = []  # non-200 answers during the warm-up

    def frictions(prefix: str, count: int) -> list[SlackRequest]:
        requests = []
        for index in range(count):
            person = people[index % len(people)]
            text = f"{prefix} {index}: refunds above 500 need three signatures"
            requests.append(friction_command(person.user_id, person.email.split("@")[0], text, f"{prefix}.{index}"))
        return requests

    # Warm-up: one report per person on xgov (caches, and a message for everyone to click), then clicks.
    log(f"warm-up: {len(people)} reports on xgov, {args.warmup} requests per scenario on bare bolt")
    warm = frictions("warm-up", len(people))
    result = run_load(xgov.info, warm, args.clients)
    _check(result, "warm-up /friction on xgov", warm_problems)
    reports += [_text_of(r) for r in warm]
    warm_texts = {person.user_id: _text_of(request) for person, request in zip(people, warm)}
    drain = xgov.call("idle", DRAIN_TIMEOUT)
    log(f"  xgov warm-up /friction: {result.wall_seconds:.1f} s, drained {drain:.1f} s later")
    first = fake.call("first_dms", [p.user_id for p in people])
    targets = []
    for person in people:
        message = first[person.user_id]
        if message is None:
            raise SystemExit(f"{person.email} got no acknowledgement in the warm-up")
        targets.append((person, message, *kind_action(message["blocks"], "workaround")))

    clicked: set[str] = set()  # texts of the reports tagged by a click on xgov

    def clicks(prefix: str, count: int, record: bool = True) -> list[SlackRequest]:
        requests = []
        for index in range(count):
            person, message, block, element, chosen = targets[index % len(targets)]
            if record:
                clicked.add(warm_texts[person.user_id])
            requests.append(block_actions(person.user_id, person.email.split("@")[0], message, block, element, chosen,
                                          f"{prefix}.{index}"))
        return requests

    warm_clicks = clicks("warm-click", args.warmup)
    _check(run_load(xgov.info, warm_clicks, args.clients), "warm-up clicks on xgov", warm_problems)
    clicks_sent += len(warm_clicks)
    xgov.call("idle", DRAIN_TIMEOUT)
    for name, requests in (("/friction", frictions("bare-warm", args.warmup)), ("click", warm_clicks)):
        _check(run_load(bare.info, requests, args.clients), f"warm-up {name} on bare bolt", warm_problems)
    _check(run_load(xgov.info, [health_check()] * args.warmup, args.clients), "warm-up /healthz", warm_problems)
    bare.call("idle", DRAIN_TIMEOUT)

    # Measured rounds.
    measured = {(scenario, kind): Measured(scenario, "xgov" if kind == "xgov" else "bare bolt")
                for scenario in ("/friction", "click") for kind in ("bare", "xgov")}
    floor = Measured("GET /healthz", "floor")
    per_round = [args.requests // args.rounds + (1 if r < args.requests % args.rounds else 0)
                 for r in range(args.rounds)]
    for round_index, count in enumerate(per_round):
        order = ("bare", "xgov") if round_index % 2 == 0 else ("xgov", "bare")
        for scenario in ("/friction", "click"):
            for kind in order:
                server = servers[kind]
                if scenario == "/friction":
                    requests = frictions(f"r{round_index}-{kind}", count)
                else:
                    requests = clicks(f"r{round_index}-{kind}", count, record=kind == "xgov")
                before = server.call("stats")
                result = run_load(server.info, requests, args.clients)
                during = server.call("stats")
                drain = server.call("idle", DRAIN_TIMEOUT)
                if drain is None:
                    raise SystemExit(f"{kind} did not finish its work within {DRAIN_TIMEOUT:.0f} s")
                cpu = server.call("stats")["cpu"] - before["cpu"]
                web_cpu = (during["cpu"] - during["worker_cpu"]) - (before["cpu"] - before["worker_cpu"])
                worker_cpu = during["worker_cpu"] - before["worker_cpu"]
                measured[scenario, kind].add(result, cpu, drain if kind == "xgov" else None)
                if kind == "xgov":
                    if scenario == "/friction":
                        reports += [_text_of(r) for r in requests]
                    else:
                        clicks_sent += len(requests)
                f = measured[scenario, kind]
                log(f"  round {round_index + 1} {scenario:9} {f.server:9}: {len(requests)} in "
                    f"{result.wall_seconds:5.1f} s, p99 {percentile(result.seconds, 0.99) * 1000:7.1f} ms, "
                    f"errors {result.errors}, server CPU {1000 * cpu / len(requests):.1f} ms/request "
                    f"(during the load: web process {1000 * web_cpu / len(requests):.1f}"
                    + (f", worker {1000 * worker_cpu / len(requests):.1f}" if worker_cpu else "") + ")"
                    + (f", drained {drain:.2f} s later" if kind == "xgov" else ""))
        cpu_before = xgov.call("stats")["cpu"]
        result = run_load(xgov.info, [health_check()] * count, args.clients)
        floor.add(result, xgov.call("stats")["cpu"] - cpu_before, None)

    # Correctness.
    stored = count_reports(url)
    expected = set(reports)
    missing = sorted(expected - set(stored))
    duplicated = sorted(text for text, n in stored.items() if n > 1)
    unexpected = sorted(set(stored) - expected)
    stats = fake.call("stats")
    posted = stats.get("chat.postMessage", {}).get("accepted", 0)
    updated = stats.get("chat.update", {}).get("accepted", 0)
    server_logs = {kind: server.call("stats") for kind, server in servers.items()}
    checks = {
        "reports_expected": len(expected), "reports_sent": len(reports), "reports_stored": sum(stored.values()),
        "missing": missing[:5], "missing_count": len(missing), "duplicated": duplicated[:5],
        "duplicated_count": len(duplicated), "unexpected_count": len(unexpected),
        "governance_posts": fake.call("messages_in", governance), "messages_posted": posted,
        "governance_expected": len(reports),
        "messages_expected": 2 * len(reports), "clicks_sent": clicks_sent, "messages_updated": updated,
        "tagged_workaround": workaround_count(url, clicked), "tagged_expected": len(clicked),
        "fake_failures": {m: s for m, s in stats.items() if s.get("rejected") or s.get("failed")},
        "fake_bugs": fake.call("bugs")[:3],
        "server_errors": {kind: s["errors"] for kind, s in server_logs.items()},
        "first_server_errors": {kind: s["first_errors"] for kind, s in server_logs.items() if s["first_errors"]},
        "work": {kind: s["work"] for kind, s in server_logs.items()},
    }
    rows = [measured[key].figures() for key in measured] + [floor.figures()]
    answered = all(row["errors"] == 0 for row in rows)
    checks["warm_up_problems"] = warm_problems
    checks["ok"] = (answered and not warm_problems and not missing and not duplicated and not unexpected
                    and posted == 2 * len(reports) and clicks_sent <= updated <= 2 * clicks_sent
                    and checks["governance_posts"] == len(reports)
                    and checks["tagged_workaround"] == len(clicked) and not any(checks["server_errors"].values())
                    and not checks["fake_failures"] and not checks["fake_bugs"])
    return {"rows": rows, "checks": checks, "seconds": time.perf_counter() - began,
            "options": {"requests": args.requests, "clients": args.clients, "people": len(people),
                        "rounds": args.rounds, "listener_threads": args.listener_threads,
                        "dispatch_threads": args.dispatch_threads, "ack_on_pool": args.ack_on_pool,
                        "work_in_threads": args.work_in_threads,
                        "api_latency": args.api_latency}}


def _text_of(request: SlackRequest) -> str:
    import urllib.parse

    return urllib.parse.parse_qs(request.body)["text"][0]


def _check(result: LoadResult, what: str, problems: list[str]) -> None:
    if result.errors:
        problems.append(f"{what}: {result.errors} errors, e.g. {result.failures[:2]}")


# --- Report ---------------------------------------------------------------------------------------------

def print_report(results: dict, out=print) -> None:
    options = results["options"]
    rows = results["rows"]
    work = results["checks"]["work"]
    out(f"\nAck latency under {options['clients']} concurrent clients ({options['people']} people, "
        f"{options['rounds']} rounds; the work after acks: xgov {work['xgov']}, bare {work['bare']}"
        + ("; xgov with --ack-on-pool" if options["ack_on_pool"] else "")
        + (f"; Web API calls take {options['api_latency'] * 1000:.0f} ms" if options["api_latency"] else "") + ")")
    header = (f"{'scenario':13} {'server':9} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>6} "
              f"{'req/s':>7} {'CPU ms/req':>10}")
    out(header)
    out("-" * len(header))
    for row in rows:
        out(f"{row['scenario']:13} {row['server']:9} {row['requests']:>8} {row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f} "
            f"{row['max_ms']:>8.1f} {row['errors']:>6} {row['per_second']:>7.0f} {row['cpu_ms_per_request']:>10.2f}")
    out("(CPU ms/req: the server's CPU time over the load and its drain, per request; xgov's includes its "
        "worker process)")
    by = {(r["scenario"], r["server"]): r for r in rows}
    out(f"\ntargets: xgov p99 <= {TARGET_RATIO}x bare bolt p99 and < {TARGET_P99_MS:.0f} ms")
    for scenario in ("/friction", "click"):
        ours, bare = by[scenario, "xgov"], by[scenario, "bare bolt"]
        ratio = ours["p99_ms"] / bare["p99_ms"] if bare["p99_ms"] else float("inf")
        out(f"  {scenario:9}: xgov p99 / bare p99 = {ours['p99_ms']:.1f} / {bare['p99_ms']:.1f} ms = {ratio:.2f}x "
            f"({'met' if round(ratio, 2) <= TARGET_RATIO else 'MISSED'}); xgov p99 {ours['p99_ms']:.1f} ms "
            f"({'met' if ours['p99_ms'] < TARGET_P99_MS else 'MISSED'}); p50 ratio "
            f"{ours['p50_ms'] / bare['p50_ms'] if bare['p50_ms'] else float('inf'):.2f}x")
    for scenario in ("/friction", "click"):
        drains = by[scenario, "xgov"]["drains"]
        out(f"  work after the last ack ({scenario}): drained in {' + '.join(f'{d:.2f}' for d in drains)} s")
    c = results["checks"]
    out(f"\ncorrectness: {c['reports_stored']} reports stored for {c['reports_sent']} /friction sent to xgov "
        f"({c['missing_count']} missing, {c['duplicated_count']} stored more than once, "
        f"{c['unexpected_count']} unexpected)")
    out(f"  Slack messages posted {c['messages_posted']} (expected {c['messages_expected']}: a DM and a "
        f"#{GOVERNANCE} post per report; {c['governance_posts']} in #{GOVERNANCE}), updated "
        f"{c['messages_updated']} (expected {c['clicks_sent']} clicks, each updating the person's message and, "
        f"once sent, the #{GOVERNANCE} report post that follows the tags); "
        f"reports tagged by the clicks {c['tagged_workaround']} of {c['tagged_expected']}")
    out(f"  errors logged: xgov {c['server_errors']['xgov']}, bare {c['server_errors']['bare']}; "
        f"fake Slack refusals: {c['fake_failures'] or 'none'}"
        + (f"; the fake's own bugs: {c['fake_bugs']}" if c["fake_bugs"] else ""))
    for problem in c["warm_up_problems"]:
        out(f"  warm-up: {problem}")
    for kind, first in c["first_server_errors"].items():
        out(f"  first {kind} errors: {first}")
    for row in rows:
        if row["failures"]:
            out(f"  {row['scenario']} {row['server']} failures: {row['failures']}")
    out(f"  {'all correct' if c['ok'] else 'PROBLEMS (see above)'}; the run took {results['seconds']:.0f} s")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results = benchmark(args)
    print_report(results)
    return 0 if results["checks"]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
