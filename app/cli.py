"""The `xgov` command line."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.wiring import settings_from
from bot.config import Settings


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from storage.migrate import upgrade

    settings = settings_from(args)
    upgrade(settings.database_url)
    print(f"Database at {settings.database_url} is up to date.")
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from adapters.console.chat import ConsoleChat
    from app.wiring import console_bot

    bot, port = console_bot(settings_from(args), args.mailbox)
    chat = ConsoleChat(bot, port, args.as_email, watch=tuple(args.watch or ()))
    chat.start()
    while True:
        try:
            line = input("> ")
        except EOFError:
            return 0
        if not chat.handle_line(line):
            return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from app.demo import DemoOptions, run_demo

    options = DemoOptions(out=Path(args.out), employees=args.employees, weeks=args.weeks, seed=args.seed, lang=args.lang)
    summary = run_demo(options)
    print(summary)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    import logging

    from app.background import Background
    from bot.logs import configure as configure_logging
    from app.web import build_web_app, serve
    from app.wiring import console_bot
    from storage.db import Database
    from storage.migrate import upgrade

    settings = settings_from(args)
    configure_logging(log_format=settings.log_format, secrets=known_secrets(settings))
    upgrade(settings.database_url)
    port = args.port or settings.http_port
    log = logging.getLogger("xgov")
    db = Database(settings.database_url)
    web_app = build_web_app(db=db, settings=settings)
    background = Background(db, settings)
    chosen = args.platform or settings.platform
    from adapters.scim.web import attach_scim

    if not attach_scim(web_app, db=db, settings=settings, platform=chosen if chosen != "all" else settings.platform):
        log.info("SCIM provisioning switched off: set XGOV_SCIM_TOKEN to serve /scim/v2")
    if chosen == "console":
        bot, _console = console_bot(settings)
        background.serve(lambda: bot)
    if chosen in ("slack", "all"):
        from app.slack_cli import attach_slack

        slack = attach_slack(web_app, db=db, settings=settings, log=log)
        if slack is None:
            return 2
        background.serve(lambda: slack.bot)
    if chosen in ("teams", "all"):
        from app.teams_cli import attach_teams

        teams = attach_teams(web_app, db=db, settings=settings, log=log)
        if teams is None:
            return 2
        background.serve(lambda: teams.bot)
    web_app.on_startup.append(background.on_startup)
    web_app.on_cleanup.append(background.on_cleanup)
    log.info("xgov web server on port %s; platform: %s", port, chosen)
    if settings.web_secret:
        log.info("Dashboard at %s/dashboard: governance admins get a link with /xgov dashboard", settings.public_url)
    else:
        log.warning("Dashboard switched off: set XGOV_WEB_SECRET to a long random value")
    serve(web_app, port)
    return 0


def known_secrets(settings: Settings) -> list[str]:
    """Values no log line may show (bot/logs.py masks them): tokens, passwords, the signing keys."""
    import os

    from sqlalchemy.engine import make_url

    names = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "MICROSOFT_APP_PASSWORD")
    return [settings.web_secret, make_url(settings.database_url).password or "",
            *(os.environ.get(name, "") for name in names)]


def cmd_jobs(args: argparse.Namespace) -> int:
    from app.scheduler import Scheduler
    from app.wiring import cli_bot

    bot = cli_bot(settings_from(args))
    scheduler = Scheduler(bot, process_id="xgov-jobs")
    for when, title in scheduler.upcoming(limit=args.limit):
        print(f"{when:%Y-%m-%d %H:%M} UTC  {title}")
    _print_retention(bot)
    return 0


def _print_retention(bot) -> None:
    """The housekeeping job's retention, as a dry run: what it would erase if it ran now."""
    from bot.services import retention

    due = bot.run_job(lambda turn: retention.due(session=turn.session, now=turn.now,
                                                 days=turn.settings.retention_days))
    if not due.days:
        print("Retention: off (XGOV_RETENTION_DAYS=0); free text is kept until erased by xgov forget.")
        return
    print(f"Retention ({due.days} days), dry run: the next housekeeping erases the text of {due.reports} resolved "
          f"reports and the payloads of {due.messages} settled messages.")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xgov", description="xgov: Experience Governance bot.")
    parser.add_argument("--database-url", help="overrides XGOV_DATABASE_URL")
    commands = parser.add_subparsers(dest="command", required=True)

    db = commands.add_parser("db", help="database migrations").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="migrate the database to the newest schema").set_defaults(func=cmd_db_upgrade)

    org = commands.add_parser("org", help="the organisation directory").add_subparsers(dest="org_command", required=True)
    from app import org_cli

    org_cli.register(commands, org)

    chat = commands.add_parser("chat", help="chat with the bot in this terminal as a person")
    chat.add_argument("--as", dest="as_email", required=True, metavar="EMAIL")
    chat.add_argument("--watch", action="append", metavar="CHANNEL", help="also show posts to this channel")
    chat.add_argument("--mailbox", help="console message file (default: beside the SQLite file)")
    chat.set_defaults(func=cmd_chat)

    demo = commands.add_parser("demo", help="simulate an organisation for some weeks and write a transcript")
    demo.add_argument("--out", default="demo-out")
    demo.add_argument("--employees", type=int, default=200)
    demo.add_argument("--weeks", type=int, default=12)
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--lang", choices=("pl", "en"), default="en")
    demo.set_defaults(func=cmd_demo)

    run = commands.add_parser("run", help="serve the bot: its web server with the dashboard")
    run.add_argument("--platform", choices=("console", "slack", "teams", "all"), default=None,
                     help="console: messages go to the console mailbox (xgov chat reads them); "
                          "slack: /slack/events, or Socket Mode when SLACK_APP_TOKEN is set (docs/slack.md); "
                          "teams: /api/messages (docs/teams.md); all: Slack and Teams from one process "
                          "(default: XGOV_PLATFORM, console)")
    run.add_argument("--port", type=int, help="overrides XGOV_HTTP_PORT")
    run.set_defaults(func=cmd_run)

    jobs = commands.add_parser("jobs", help="the next scheduled jobs (digests, surveys, reminders, nudges)")
    jobs.add_argument("--limit", type=int, default=20)
    jobs.set_defaults(func=cmd_jobs)

    from app import digest_cli, privacy_cli, slack_cli, survey_cli, teams_cli

    survey_cli.register(commands)
    digest_cli.register(commands)
    slack_cli.register(commands)
    teams_cli.register(commands)
    privacy_cli.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
