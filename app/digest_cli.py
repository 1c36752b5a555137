"""`xgov kpi import`, `xgov channel add|list|remove`, `xgov digest` and `xgov dashboard`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.wiring import run_cli_job, settings_from
from bot.digest.formats import render_digest
from bot.errors import NP_
from bot.i18n import translator


def _run(args: argparse.Namespace, job):
    return run_cli_job(settings_from(args), args.lang, job)


def cmd_kpi_import(args) -> int:
    from app.kpi_import import KpiImportError, import_kpis, read_kpi_file

    _ = translator(args.lang)
    try:
        text = read_kpi_file(Path(args.file))
        counts = _run(args, lambda turn: import_kpis(turn.session, text, turn.now))
    except KpiImportError as problem:
        print(_("Nothing was imported from {file}:", file=args.file), file=sys.stderr)
        for msgid, params in problem.problems[:20]:
            print("  " + _(msgid, **params), file=sys.stderr)
        if len(problem.problems) > 20:
            print("  " + _(NP_("… and {n} more problem.", "… and {n} more problems."), n=len(problem.problems) - 20), file=sys.stderr)
        return 2
    print(_("KPI readings added: {added}; changed: {changed}; already there: {unchanged}.", added=counts.added,
            changed=counts.changed, unchanged=counts.unchanged))
    return 0


def cmd_channel_set(args) -> int:
    from bot.services.channels import set_channel

    view = _run(args, lambda turn: set_channel(session=turn.session, name=args.name, locale=args.channel_lang,
                                               now=turn.now, weekday=args.day, hour=args.hour, timezone=args.tz,
                                               platform=args.platform, channel_id=args.id))
    bound = f" (bound to {view.platform} channel {view.channel_id})" if view.channel_id else ""
    print(f"#{view.name}{bound}: digest in {view.locale}, {args.day} {view.digest_hour:02d}:00 {view.timezone}")
    return 0


def cmd_channel_list(args) -> int:
    from bot.services.channels import WEEKDAYS, governance_channels

    for view in _run(args, lambda turn: governance_channels(session=turn.session, settings=turn.settings)):
        bound = f"  {view.platform}:{view.channel_id}" if view.channel_id else "  (by name)"
        print(f"#{view.name:24} {view.locale}  {WEEKDAYS[view.digest_weekday]} {view.digest_hour:02d}:00 "
              f"{view.timezone}{bound}")
    return 0


def cmd_channel_remove(args) -> int:
    from bot.services.channels import remove_channel

    _run(args, lambda turn: remove_channel(session=turn.session, name=args.name))
    print(f"#{args.name.lstrip('#')} no longer receives the digest.")
    return 0


def cmd_digest(args) -> int:
    from bot.digest.period import parse_period
    from bot.flows.digest import digest_for, post_digest, send_pending_reminders

    def job(turn):
        period = parse_period(args.period, turn.now)
        if args.dry_run:
            return digest_for(turn, period), 0
        return post_digest(turn, period), send_pending_reminders(turn)

    digest, owners = _run(args, job)
    _write(args.out, render_digest(digest, args.format, args.lang))
    if not args.dry_run:
        _ = translator(args.lang)
        print(_(NP_("Digest {period} posted to the governance channels; weekly lists sent to {n} owner.",
                    "Digest {period} posted to the governance channels; weekly lists sent to {n} owners."),
                period=digest.period.label, n=owners), file=sys.stderr)
    return 0


def cmd_dashboard(args) -> int:
    from bot.digest.period import parse_period
    from bot.flows.digest import digest_for

    if args.link_for:
        from bot.services.dashboard_links import dashboard_url, make_token

        token = _run(args, lambda turn: make_token(session=turn.session, secret=turn.settings.web_secret,
                                                   email=args.link_for))
        print(dashboard_url(settings_from(args).public_url, token))
        return 0

    digest = _run(args, lambda turn: digest_for(turn, parse_period(args.period, turn.now)))
    _write(args.out, render_digest(digest, "html", args.lang))
    print(translator(args.lang)("Dashboard {period} written to {file}.", period=digest.period.label, file=args.out),
          file=sys.stderr)
    return 0


def _write(out: str | None, text: str) -> None:
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _language(parser) -> None:
    parser.add_argument("--lang", choices=("pl", "en"), default="en", help="language of printed texts")


def register(commands) -> None:
    kpi = commands.add_parser("kpi", help="customer and business KPIs")
    _language(kpi)
    kpi_import = kpi.add_subparsers(dest="kpi_command", required=True).add_parser(
        "import", help="import a CSV in long format: date,kpi,value[,unit][,n]")
    kpi_import.add_argument("file")
    kpi_import.set_defaults(func=cmd_kpi_import)

    channel = commands.add_parser("channel", help="governance channels that receive the weekly digest")
    _language(channel)
    sub = channel.add_subparsers(dest="channel_command", required=True)
    add = sub.add_parser("set", help="add a channel or change its language, day, hour or time zone")
    add.add_argument("name")
    add.add_argument("--channel-lang", choices=("pl", "en"), default="pl", help="the digest's language there")
    add.add_argument("--day", default="mon", help="mon..sun")
    add.add_argument("--hour", type=int, default=9)
    add.add_argument("--tz", default="Europe/Warsaw")
    add.add_argument("--id", help="bind by the platform's channel id (Slack C…/G…, Teams 19:…@thread.tacv2)")
    add.add_argument("--platform", choices=("slack", "teams"), help="the platform of --id")
    add.set_defaults(func=cmd_channel_set)
    sub.add_parser("list", help="the channels and when they get the digest").set_defaults(func=cmd_channel_list)
    remove = sub.add_parser("remove", help="stop sending the digest to a channel")
    remove.add_argument("name")
    remove.set_defaults(func=cmd_channel_remove)

    digest = commands.add_parser("digest", help="the weekly governance digest: post it, or print it with --dry-run")
    _language(digest)
    digest.add_argument("--period", help="a week like 2026-W03 or dates like 2026-01-05..2026-01-18 "
                                         "(default: the last complete week)")
    digest.add_argument("--dry-run", action="store_true", help="print only; post nothing")
    digest.add_argument("--format", choices=("md", "html", "json"), default="md")
    digest.add_argument("--out", help="write to this file instead of printing")
    digest.set_defaults(func=cmd_digest)

    dashboard = commands.add_parser("dashboard", help="write the read-only HTML dashboard")
    _language(dashboard)
    target = dashboard.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", help="write the dashboard to this HTML file")
    target.add_argument("--link-for", metavar="EMAIL", help="print a signed, expiring link for a governance admin")
    dashboard.add_argument("--period")
    dashboard.set_defaults(func=cmd_dashboard)
