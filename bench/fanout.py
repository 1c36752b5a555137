"""A pulse to N people through the outbox and a platform's port, against a fake platform enforcing its
rate limit: how close the fan-out comes to the floor N / rate, and whether everyone got exactly one
invitation.

    .venv/bin/python bench/fanout.py [--people 10000] [--rate 200] [--burst 5] [--teams-rate 30]
                                     [--threads 16] [--platform slack|teams|both] [--quick] [--inline]
                                     [--database-url postgresql+psycopg://user:pw@host/postgres]

For each platform, on a fresh database (a SQLite file; with --database-url a new PostgreSQL
database on that server, dropped afterwards) with N people (inserted in bulk) and the built-in
surveys:

1. queue: XgovBot(port=None).run_job(send_wave + invite) with the employee-pulse survey to everyone,
   as `xgov survey send` does: one unit of work stores the wave and N outbox rows ("queue s");
2. send: an OutboxSender(threads=--threads) with the platform's port, as `xgov run` wires it
   (app/background.py), started once the rows are claimable (a process takes rows another made only
   store.FRESH_FOR after they were made), timed until every row of the pulse is settled ("time s").

With --inline the pulse goes as a scheduled job in `xgov run` sends it (bot/scheduling/running.py:
the scheduling bot has the port and the process's sender): run_job's turn hands all N rows to
OutboxSender.deliver, which claims them at once and, a fan-out being larger than the sending
threads, gives them to the sender's lanes; "time s" runs from that hand-over until every row is
settled. The sender's drain runs meanwhile, as in `xgov run`; a claim is conditional on what it
read, so the two never both take a row (a person with two invitations counts as a duplicate).

Slack: SlackPort(slack_client(token, fake), send_rate=R) against fakes/slack_api.py with
chat.postMessage limited to R a second (token bucket, --burst), users.list to 20 a minute (Tier 2)
and users.lookupByEmail to 100 a minute (Tier 4), each with a minute's worth as its burst. The port
starts with an empty cache, as a fresh process: it reads the directory (users.list, 1,000 people a
page) at the first person it does not know, and posts to user ids (no conversations.open).

Teams: TeamsPort (its Pacer: 7/s, 8/2 s, 60/30 s per conversation and --teams-rate a second for the
app) against fakes/bot_connector.py with the same limits enforced (Teams' per-thread windows
and an app-wide one; 30/s is both the port's and the fake's default), every person with a stored
personal-chat reference (as after they opened xgov). Floor: N / app-wide rate.

Each fake runs in a process of its own (as slack.com is elsewhere): the bot's process, with its
sending threads, the adapter's loop and the database, shares neither its GIL nor its core with the
fake. The VM is shared: the load average is printed; above ~2 other work took CPU from the run.

Printed per platform: floor = N / rate; time = from the sender's start until every row is settled;
ratio = time / floor (target <= 1.1); end to end = from the job's start (the wave and its N rows
made in one transaction; without --inline also the store.FRESH_FOR hand-over to the server's sender)
until every row is settled, and its ratio to the floor; duplicates = people with more than one invitation in the fake;
losses = people with none (target 0 both); 429s answered by the fake; rows failed / unreachable;
messages a second; the bot process's CPU per message; pauses (> PAUSE s without an accepted send,
Slack only: mostly 429 holds, SlackPort holds every thread for Retry-After, at least 1 s). Exit
status 1 when anyone got no invitation or more than one, or the pulse did not finish.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.children import SPAWN, Child  # noqa: E402
from bench.fanout_world import (  # noqa: E402
    GOVERNANCE, GOVERNANCE_CONVERSATION, TOKEN, FreshDatabase, add_people, add_surveys, add_teams_references,
    fake_connector_process, fake_slack_process, make_people)

TARGET_RATIO = 1.1
SURVEY = "employee-pulse"
FULL = {"people": 10_000, "rate": 200.0, "teams_rate": 30.0}
QUICK = {"people": 300, "rate": 1000.0, "teams_rate": 100.0}
POLL_SECONDS = 0.1
DIRECTORY_LIMITS = {"users.list": 20, "users.lookupByEmail": 100}  # a minute: Slack's Tier 2 and Tier 4
PAUSE = 0.5  # a gap between accepted sends at least this long is reported as a pause


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, help=f"people in the pulse (default {FULL['people']}; "
                                                   f"--quick {QUICK['people']})")
    parser.add_argument("--rate", type=float, help=f"Slack: chat.postMessage a second, the port's send_rate and the "
                                                   f"fake's limit (default {FULL['rate']:.0f}; --quick "
                                                   f"{QUICK['rate']:.0f})")
    parser.add_argument("--burst", type=float, default=5.0, help="Slack: the fake's bucket size (default 5)")
    parser.add_argument("--teams-rate", type=float, help=f"Teams: requests a second for the app, the Pacer's and the "
                                                         f"fake's (default {FULL['teams_rate']:.0f}, Teams' limits "
                                                         f"as adapters/teams/pacing.py keeps them; --quick "
                                                         f"{QUICK['teams_rate']:.0f})")
    parser.add_argument("--threads", type=int, default=16, help="the OutboxSender's sending threads (default 16)")
    parser.add_argument("--platform", choices=("slack", "teams", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="a small, fast run (correctness, not the figures)")
    parser.add_argument("--database-url", help="a PostgreSQL URL (any database on the server, e.g. .../postgres): "
                                               "a fresh database is created there per platform and dropped")
    parser.add_argument("--inline", action="store_true",
                        help="send as a scheduled job in `xgov run` does: the job's bot has the port and the "
                             "process's sender, and run_job claims its rows at once (OutboxSender.deliver) "
                             "instead of leaving them to the drain")
    parser.add_argument("--timeout", type=float, help="give up sending after this many seconds "
                                                      "(default: 10 x the floor, at least 120)")
    args = parser.parse_args(argv)
    defaults = QUICK if args.quick else FULL
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.people < 5:
        parser.error("--people must be at least 5 (a survey's smallest audience)")
    return args


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


# --- one platform ---------------------------------------------------------------------------------------

def run_platform(platform: str, args: argparse.Namespace, workdir: str, log=print) -> dict:
    from storage.db import Database

    people = make_people(args.people)
    began = time.perf_counter()
    database = FreshDatabase(workdir, platform, args.database_url)
    db = Database(database.url)
    fake = None
    try:
        add_people(db, people)
        add_surveys(db)
        if platform == "slack":
            fake = Child(SPAWN, fake_slack_process).ready()
            fake.call("add_users", [(p.slack_id, p.email) for p in people])
            fake.call("limit", "chat.postMessage", args.rate, args.burst)
            for method, per_minute in DIRECTORY_LIMITS.items():  # Slack's tiers, a minute's worth as burst
                fake.call("limit", method, per_minute / 60, per_minute)
            rate = args.rate
        else:
            fake = Child(SPAWN, fake_connector_process).ready()
            fake.call("add_people", [(p.teams_id, p.email, p.teams_conversation) for p in people])
            fake.call("add_channel", GOVERNANCE_CONVERSATION)
            add_teams_references(db, people, fake.info)
            from fakes.bot_connector import THREAD_LIMITS

            rate = args.teams_rate
            fake.call("limit_rate", THREAD_LIMITS, ((1, int(rate)),))
        setup_s = time.perf_counter() - began
        log(f"{platform}: {len(people)} people set up in {setup_s:.1f} s ({database.url.split('@')[-1]})")
        return _pulse(platform, args, db, fake, people, rate, setup_s, log)
    finally:
        if fake is not None:
            fake.stop()
        db.dispose()
        database.drop()


def _pulse(platform: str, args, db, fake: Child, people, rate: float, setup_s: float, log) -> dict:
    from bot.app import XgovBot
    from bot.config import Settings
    from bot.flows import surveying
    from bot.outbox import store
    from bot.outbox.processes import new_process_id
    from bot.outbox.sender import OutboxSender
    from bot.services import survey_waves
    from sqlalchemy import func, select
    from storage.models import OutboxMessage

    class Sender(OutboxSender):
        """OutboxSender noting when the job's own delivery (--inline) began."""

        delivering_since: float | None = None

        def deliver(self, ids: list[int]) -> None:
            if ids and self.delivering_since is None:
                self.delivering_since = time.perf_counter()
            super().deliver(ids)

    settings = Settings(database_url=db.url, default_locale="pl", governance_channel=GOVERNANCE, platform=platform)
    batch = f"fanout-{platform}"
    floor = len(people) / rate
    timeout = args.timeout or max(120.0, 10 * floor)

    def job(turn):
        wave_id, emails = survey_waves.send_wave(session=turn.session, key=SURVEY, audience="everyone",
                                                 now=turn.now, days=7)
        surveying.invite(turn, wave_id, emails)
        return turn.now, len(emails)

    port, close = _port(platform, args, db, fake.info, rate)
    sender = Sender(db, {platform: port}, process_id=new_process_id(), threads=args.threads)
    try:
        if args.inline:
            # As a scheduled job in `xgov run`: the bot has the port and the process's (running) sender,
            # so run_job hands its rows to sender.deliver, which claims them and gives them to its lanes.
            bot = XgovBot(db=db, port=port, settings=settings, platform=platform, sender=sender)
            sender.start()
            fake_cpu, cpu, began = fake.call("cpu"), _cpu(), time.perf_counter()
            made_at, invited = bot.run_job(job, batch=batch)
            started = sender.delivering_since or time.perf_counter()
            started_at = datetime.now(timezone.utc) - timedelta(seconds=time.perf_counter() - started)
            queue_s = started - began
        else:
            # As `xgov survey send` and then `xgov run`: the rows are queued, the server's sender drains them.
            bot = XgovBot(db=db, port=None, settings=settings, platform=platform)
            began = time.perf_counter()
            made_at, invited = bot.run_job(job, batch=batch)
            queue_s = time.perf_counter() - began
            # `xgov run` takes rows another process made only store.FRESH_FOR after they were made: not our time.
            fresh_left = (made_at + store.FRESH_FOR - datetime.now(timezone.utc)).total_seconds()
            if fresh_left > 0:
                time.sleep(fresh_left + 0.01)
            fake_cpu, cpu = fake.call("cpu"), _cpu()
            started, started_at = time.perf_counter(), datetime.now(timezone.utc)
            sender.start()
        log(f"{platform}: {invited} invitations queued in {queue_s:.1f} s")
        last_report, finished = time.perf_counter(), False
        while time.perf_counter() - started < timeout:
            with db.unit_of_work() as session:  # the unsettled rows, on the drain's index: cheap
                left = store.waiting(session=session, platforms=(platform,))
            if not left:
                finished = True
                break
            if time.perf_counter() - last_report >= 10:
                last_report = time.perf_counter()
                log(f"{platform}: {len(people) - left} / {len(people)} settled after {last_report - started:.0f} s")
            time.sleep(POLL_SECONDS)
        send_s = time.perf_counter() - started
        whole_s = time.perf_counter() - began
        cpu, fake_cpu = _cpu() - cpu, fake.call("cpu") - fake_cpu
    finally:
        sender.stop()
        close()
    with db.unit_of_work() as session:
        counts = store.batch_counts(session=session, batch=batch)
        last_sent = session.scalar(select(func.max(OutboxMessage.sent_at)).where(OutboxMessage.batch == batch))
    if finished and counts.get(store.SENT, 0) == sum(counts.values()) and last_sent is not None:
        send_s = (last_sent - started_at).total_seconds()  # the last settle itself, not the poll that saw it
        whole_s = send_s + (started - began)

    if platform == "slack":
        seen = fake.call("received", [p.slack_id for p in people])
        stats = fake.call("stats")
        throttled = sum(s.get("rejected", 0) for s in stats.values())
    else:
        seen = fake.call("received", [p.teams_conversation for p in people])
        stats = fake.call("stats")
        throttled = stats.pop("429")["count"]
    # Pauses mean lost time only under Slack's token bucket: Teams' sliding windows (the Pacer's and the
    # fake's) let 30 requests through at once and then nothing until the window moves on, by design.
    pauses = _pauses([at for at, status in fake.call("timeline", "chat.postMessage") if status < 300]) \
        if platform == "slack" else None
    invitations = list(seen["invitations"].values())
    sent = counts.get(store.SENT, 0)
    result = {
        "platform": platform, "people": len(people), "rate": rate, "floor_s": floor, "time_s": send_s,
        "ratio": send_s / floor, "whole_s": whole_s, "whole_ratio": whole_s / floor,
        "duplicates": sum(1 for n in invitations if n > 1),
        "losses": sum(1 for n in invitations if n == 0), "invitations": sum(invitations),
        "other_messages": seen["other"], "throttled": throttled, "rows": dict(counts), "rows_sent": sent,
        "rows_failed": counts.get(store.FAILED, 0), "rows_unreachable": counts.get(store.UNREACHABLE, 0),
        "rows_unsettled": counts.get(store.PENDING, 0) + counts.get(store.SENDING, 0),
        "finished": finished, "per_second": sent / send_s if send_s else 0.0, "queue_s": queue_s,
        "setup_s": setup_s, "cpu_ms_per_message": 1000 * cpu / max(sent, 1),
        "fake_cpu_ms_per_message": 1000 * fake_cpu / max(sent, 1), "calls": stats, "fake_bugs": fake.call("bugs"),
        "threads": args.threads, "inline": args.inline, "pauses": None if pauses is None else len(pauses),
        "paused_s": None if pauses is None else sum(pauses),
    }
    log(f"{platform}: {sent} sent in {send_s:.1f} s (floor {floor:.1f} s, ratio {result['ratio']:.2f}; end to end "
        f"{whole_s:.1f} s, ratio {result['whole_ratio']:.2f}), "
        f"{result['duplicates']} duplicates, {result['losses']} losses, {throttled} answered 429")
    return result


def _pauses(accepted: list[float]) -> list[float]:
    """Gaps of more than PAUSE seconds between sends the fake accepted (a 429's Retry-After hold, a stall)."""
    return [later - earlier for earlier, later in zip(accepted, accepted[1:]) if later - earlier > PAUSE]


def _port(platform: str, args, db, url: str, rate: float):
    """The port as `xgov run` builds it, and what closes it."""
    if platform == "slack":
        from adapters.slack.port import SlackPort, slack_client

        return SlackPort(slack_client(TOKEN, url), send_rate=rate), lambda: None
    from adapters.teams.pacing import CONVERSATION_LIMITS, Pacer
    from adapters.teams.port import TeamsPort
    from adapters.teams.references import ReferenceStore
    from tests.teams.teams_fixtures import LoopThread, development_adapter

    loop = LoopThread().start()
    port = TeamsPort(development_adapter(), "", ReferenceStore(db), loop.loop, pacer=Pacer(CONVERSATION_LIMITS, ((1.0, int(rate)),)))
    return port, loop.stop


# --- all of it ------------------------------------------------------------------------------------------

def benchmark(args: argparse.Namespace, log=print) -> dict:
    platforms = ("slack", "teams") if args.platform == "both" else (args.platform,)
    began, load = time.perf_counter(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="xgov-fanout-") as workdir:
        rows = [run_platform(platform, args, workdir, log) for platform in platforms]
    ok = all(row["duplicates"] == 0 and row["losses"] == 0 and row["finished"] for row in rows)
    return {"rows": rows, "ok": ok, "seconds": time.perf_counter() - began,
            "options": {"threads": args.threads, "burst": args.burst, "quick": args.quick, "inline": args.inline,
                        "database": "postgresql" if args.database_url else "sqlite",
                        "load": (load, os.getloadavg()[0]), "cores": os.cpu_count()}}


def print_report(results: dict, out=print) -> None:
    options = results["options"]
    path = ("claimed by the job itself (--inline: OutboxSender.deliver), sent by "
            f"{options['threads']} sending threads" if options["inline"]
            else f"queued, then drained by {options['threads']} sending threads")
    out(f"\nA pulse through the outbox ({path}, {options['database']}; "
        f"floor = people / rate limit; target ratio <= {TARGET_RATIO})")
    header = (f"{'platform':8} | {'people':>6} | {'rate limit':>10} | {'floor s':>7} | {'time s':>7} | {'ratio':>5} | "
              f"{'end to end s':>12} | {'ratio':>5} | {'duplicates':>10} | {'losses':>6} | {'429s':>5}")
    out(header)
    out("-" * len(header))
    for row in results["rows"]:
        out(f"{row['platform']:8} | {row['people']:>6} | {row['rate']:>8.0f}/s | {row['floor_s']:>7.1f} | "
            f"{row['time_s']:>7.1f} | {row['ratio']:>5.2f} | {row['whole_s']:>12.1f} | {row['whole_ratio']:>5.2f} | "
            f"{row['duplicates']:>10} | {row['losses']:>6} | "
            f"{row['throttled']:>5}")
    out("")
    for row in results["rows"]:
        out(f"{row['platform']}: queued in {row['queue_s']:.1f} s (set-up {row['setup_s']:.1f} s); "
            f"{row['per_second']:.1f} messages/s; rows sent {row['rows_sent']}, failed {row['rows_failed']}, "
            f"unreachable {row['rows_unreachable']}, unsettled {row['rows_unsettled']}; invitations received "
            f"{row['invitations']}, other messages {row['other_messages']}; CPU per message: bot "
            f"{row['cpu_ms_per_message']:.2f} ms, fake {row['fake_cpu_ms_per_message']:.2f} ms"
            + ("" if row["pauses"] is None else
               f"; {row['pauses']} pauses (> {PAUSE} s without an accepted send: 429 holds, stalls) "
               f"{row['paused_s']:.1f} s in all, "
               f"{row['rows_sent'] / max(row['time_s'] - row['paused_s'], 1e-9):.1f} messages/s outside them")
            + ("" if row["finished"] else "; DID NOT FINISH")
            + (f"; the fake's own bugs: {row['fake_bugs'][:3]}" if row["fake_bugs"] else ""))
        calls = ", ".join(f"{method} {s.get('accepted', 0)}" + (f" (+{s['rejected']} refused)" if s.get("rejected")
                                                                 else "")
                          for method, s in sorted(row["calls"].items()))
        out(f"  calls the fake answered: {calls}")
    if any(row["platform"] == "slack" for row in results["rows"]):
        out("Slack's directory methods are limited as Slack does: "
            + ", ".join(f"{method} {n}/min" for method, n in DIRECTORY_LIMITS.items()))
    load = options["load"]
    out(f"{'all delivered exactly once' if results['ok'] else 'PROBLEMS (see above)'}; "
        f"the run took {results['seconds']:.0f} s; load average {load[0]:.1f} before, {load[1]:.1f} after "
        f"({options['cores']} cores: anything above ~2 besides this run means other work took CPU from it)")


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = parse_args(argv)
    results = benchmark(args)
    print_report(results)
    return 0 if results["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
