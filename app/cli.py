"""The `xgov` command line."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import Settings


def settings_from(args: argparse.Namespace) -> Settings:
    overrides = {}
    if getattr(args, "database_url", None):
        overrides["database_url"] = args.database_url
    return Settings(**overrides)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from storage.migrate import upgrade

    settings = settings_from(args)
    upgrade(settings.database_url)
    print(f"Database at {settings.database_url} is up to date.")
    return 0


def cmd_org_import(args: argparse.Namespace) -> int:
    from app.org_import import PeopleImportError, import_people
    from storage.db import Database
    from storage.migrate import upgrade

    settings = settings_from(args)
    upgrade(settings.database_url)
    db = Database(settings.database_url)
    try:
        with db.unit_of_work() as session:
            added = import_people(session, Path(args.file))
    except PeopleImportError as problem:
        print(f"Nothing imported: {problem}", file=sys.stderr)
        return 2
    print(f"Imported {added} people.")
    return 0


def cmd_org_role(args: argparse.Namespace) -> int:
    from bot.errors import UserError
    from bot.services.directory import set_role
    from storage.db import Database
    from storage.migrate import upgrade

    settings = settings_from(args)
    upgrade(settings.database_url)
    db = Database(settings.database_url)
    try:
        with db.unit_of_work() as session:
            person = set_role(session=session, email=args.email, role=args.role, granted=args.org_command == "grant")
    except UserError as problem:
        print(f"Nothing changed: {problem}", file=sys.stderr)
        return 2
    print(f"{person.email} now has the roles: {', '.join(sorted(person.roles))}.")
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
    from app.web import build_web_app, serve
    from app.wiring import console_bot
    from storage.db import Database
    from storage.migrate import upgrade

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = settings_from(args)
    upgrade(settings.database_url)
    port = args.port or settings.http_port
    log = logging.getLogger("xgov")
    db = Database(settings.database_url)
    web_app = build_web_app(db=db, settings=settings)
    background = Background(db, settings)
    chosen = args.platform or settings.platform
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


def cmd_jobs(args: argparse.Namespace) -> int:
    from app.scheduler import Scheduler
    from app.wiring import cli_bot

    scheduler = Scheduler(cli_bot(settings_from(args)), process_id="xgov-jobs")
    for when, title in scheduler.upcoming(limit=args.limit):
        print(f"{when:%Y-%m-%d %H:%M} UTC  {title}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xgov", description="xgov: Experience Governance bot.")
    parser.add_argument("--database-url", help="overrides XGOV_DATABASE_URL")
    commands = parser.add_subparsers(dest="command", required=True)

    db = commands.add_parser("db", help="database migrations").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="migrate the database to the newest schema").set_defaults(func=cmd_db_upgrade)

    org = commands.add_parser("org", help="the organisation directory").add_subparsers(dest="org_command", required=True)
    org_import = org.add_parser("import", help="import people from a CSV file")
    org_import.add_argument("file")
    org_import.set_defaults(func=cmd_org_import)
    for name, text in (("grant", "give a person a role, e.g. governance_admin"), ("revoke", "take a role away")):
        role = org.add_parser(name, help=text)
        role.add_argument("email")
        role.add_argument("role", help="employee, manager, owner or governance_admin")
        role.set_defaults(func=cmd_org_role)

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

    from app import digest_cli, slack_cli, survey_cli, teams_cli

    survey_cli.register(commands)
    digest_cli.register(commands)
    slack_cli.register(commands)
    teams_cli.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
