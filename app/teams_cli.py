"""`xgov teams package`: the Teams app (a zip) to upload in Teams, built from the settings."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_package(args: argparse.Namespace) -> int:
    from adapters.teams.package import MANIFEST_VERSION, PackageError, build_package

    try:
        app_id = args.app_id if args.app_id is not None else _settings_app_id()
        url = args.url if args.url is not None else _settings_public_url()
        data = build_package(app_id=app_id, public_url=url, version=args.version)
    except PackageError as problem:
        print(problem, file=sys.stderr)
        return 2
    out = Path(args.out)
    try:
        out.write_bytes(data)
    except OSError as problem:
        print(f"Cannot write the package to {out}: {problem.strerror or problem}", file=sys.stderr)
        return 2
    print(f"Wrote {out} (Teams app {args.version}, manifest {MANIFEST_VERSION}, bot {app_id.strip().lower()}).\n"
          "Upload it in Teams: Apps, Manage your apps, Upload an app (or in the Teams admin center for "
          "everyone); see docs/teams.md.")
    return 0


def _settings_app_id() -> str:
    from adapters.teams.settings import TeamsSettings

    return TeamsSettings().app_id


def _settings_public_url() -> str:
    from bot.config import Settings

    return Settings().public_url


def register(commands) -> None:
    from adapters.teams.package import DEFAULT_VERSION

    teams = commands.add_parser("teams", help="the Microsoft Teams app").add_subparsers(dest="teams_command",
                                                                                          required=True)
    package = teams.add_parser("package", help="build the Teams app package (a zip) to upload in Teams")
    package.add_argument("--out", required=True, metavar="FILE.zip", help="where to write the zip")
    package.add_argument("--app-id", help="the bot's Microsoft App ID (default: MICROSOFT_APP_ID)")
    package.add_argument("--url", help="the bot's public https address (default: XGOV_PUBLIC_URL)")
    package.add_argument("--version", default=DEFAULT_VERSION,
                         help="the app's version, MAJOR.MINOR.PATCH; raise it for every new upload "
                              f"(default: {DEFAULT_VERSION})")
    package.set_defaults(func=cmd_package)


def attach_teams(web_app, *, db, settings, log):
    """Serve Teams at /api/messages beside the dashboard: its TeamsPlatform (whose bot exists once the
    server started), or None (after saying why) without credentials, unless XGOV_TEAMS_DEVELOPMENT
    allows it, which is said loudly."""
    from adapters.teams.app import MESSAGES_PATH, add_teams_routes
    from adapters.teams.settings import TeamsSettings

    teams = TeamsSettings()
    if teams.problems():
        for problem in teams.problems():
            log.error("Teams: %s", problem)
        log.error("Teams: see docs/teams.md; XGOV_TEAMS_DEVELOPMENT=1 runs without credentials for local tests only")
        return None
    if teams.development and not teams.has_credentials:
        log.warning("=" * 72)
        log.warning("Teams: DEVELOPMENT MODE, no credentials: requests to %s are NOT authenticated.", MESSAGES_PATH)
        log.warning("Teams: anyone who can reach this port can act as anyone. Never use this in production.")
        log.warning("=" * 72)
    platform = add_teams_routes(web_app, db=db, settings=settings, teams=teams)
    log.info("Teams: messaging endpoint %s%s", settings.public_url.rstrip("/"), MESSAGES_PATH)
    return platform
