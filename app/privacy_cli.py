"""`xgov audit [verify]`, `xgov export --user EMAIL` and `xgov forget --user EMAIL` (docs/privacy.md)."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, time, timezone
from pathlib import Path

from app.wiring import run_cli_job, settings_from
from bot.i18n import translator


def _run(args: argparse.Namespace, job):
    return run_cli_job(settings_from(args), args.lang, job)


def _since(text: str) -> datetime:
    """--since as argparse reads it: a bad date is refused with a message, not a traceback."""
    try:
        return datetime.combine(date.fromisoformat(text), time(0), tzinfo=timezone.utc)
    except ValueError as problem:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-12-01") from problem


def cmd_audit(args) -> int:
    from bot.services import audit_trail

    _ = translator(args.lang)
    if args.action == "verify":
        verdict = _run(args, lambda turn: audit_trail.verify(session=turn.session))
        if verdict.broken_at is not None:
            print(_("The audit trail is broken: {problem}. The entries before it hold (entries: {n}).", problem=verdict.problem,
                    n=verdict.entries), file=sys.stderr)
            return 1
        print(_("The audit trail holds. Entries: {n}; last hash {head}.", n=verdict.entries, head=verdict.head))
        return 0
    lines = _run(args, lambda turn: audit_trail.entries(session=turn.session, since=args.since,
                                                        actor_email=args.actor, limit=args.limit))
    for line in lines:
        print(f"{line.seq:6}  {line.at:%Y-%m-%d %H:%M:%S}  {line.actor:28} {line.action:22} {line.subject:28} "
              f"{line.details}")
    return 0


def cmd_export(args) -> int:
    from bot.services.personal_export import export_person

    if args.out and not Path(args.out).parent.is_dir():
        print(f"Cannot write {args.out}: its folder does not exist.", file=sys.stderr)
        return 2
    data = _run(args, lambda turn: export_person(session=turn.session, email=args.user, now=turn.now))
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if args.out:
        try:
            Path(args.out).write_text(text + "\n", encoding="utf-8")
        except OSError as problem:
            print(f"Cannot write {args.out}: {problem.strerror}. The export is printed instead.", file=sys.stderr)
            print(text)
            return 2
        print(translator(args.lang)("Everything held about {email} written to {file}.", email=args.user,
                                    file=args.out), file=sys.stderr)
    else:
        print(text)
    return 0


def cmd_forget(args) -> int:
    from bot.services.erasure import forget

    _ = translator(args.lang)
    plan = _run(args, lambda turn: forget(session=turn.session, email=args.user, dry_run=args.dry_run))
    print(_("Dry run: nothing changed. Erasing {email} would change:", email=args.user) if args.dry_run
          else _("{email} is erased. Changed:", email=args.user))
    for name, count in (("reports_text_erased", plan.reports_text_erased), ("reports_text_kept", plan.reports_text_kept),
                        ("assignments_to_triage", plan.assignments_to_triage),
                        ("identified_answers_unlinked", plan.identified_answers_unlinked),
                        ("conversation_refs", plan.conversation_refs), ("messages_to_them", plan.messages_to_them),
                        ("roles", plan.roles), *sorted(plan.mentions.items())):
        print(f"  {name:40} {count}")
    return 0


def register(commands) -> None:
    audit = commands.add_parser("audit", help="the audit trail of governance actions; 'verify' checks its chain")
    audit.add_argument("action", nargs="?", choices=("verify",), help="check that no entry was changed or removed")
    audit.add_argument("--since", type=_since, help="entries from this date (YYYY-MM-DD, UTC)")
    audit.add_argument("--actor", metavar="EMAIL", help="only what this person did")
    audit.add_argument("--limit", type=int, default=1000)
    audit.set_defaults(func=cmd_audit)
    export = commands.add_parser("export", help="everything xgov holds about a person, as JSON (docs/privacy.md)")
    export.add_argument("--user", required=True, metavar="EMAIL")
    export.add_argument("--out", metavar="FILE.json", help="write to this file instead of printing")
    export.set_defaults(func=cmd_export)
    forget = commands.add_parser("forget", help="erase a person; anonymous answers and aggregates stay")
    forget.add_argument("--user", required=True, metavar="EMAIL")
    forget.add_argument("--dry-run", action="store_true", help="count what would change; change nothing")
    forget.set_defaults(func=cmd_forget)
    for parser in (audit, export, forget):
        parser.add_argument("--lang", choices=("pl", "en"), default="en", help="language of printed texts")
