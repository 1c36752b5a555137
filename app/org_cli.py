"""`xgov org sync|import FILE.csv` and `xgov people list|show|grant|revoke|move|deactivate|reactivate`.

Texts are printed in --lang (pl or en); every problem names its line and column; exit status 2 when
anything was refused (and then nothing was changed)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.org_csv import CsvRefused, Problem, read_people
from app.org_sync import SyncPlan, apply_sync, plan_sync
from app.wiring import run_cli_job, settings_from
from bot.i18n import Translate, translator
from bot.people_messages import roles_text
from bot.services import people

CLI = people.ChangedBy("cli", "cli")


def _settings(args):
    return settings_from(args)


def print_problems(path: Path, problems: list[Problem], _: Translate) -> None:
    print(_("Nothing was changed: {file} has problems (problems: {count}).", file=path, count=len(problems)), file=sys.stderr)
    for problem in sorted(problems, key=lambda p: (p.line, p.column)):
        where = (_("{file}, line {line}, column {column}:", file=path, line=problem.line, column=problem.column)
                 if problem.column else _("{file}, line {line}:", file=path, line=problem.line))
        if problem.line == 0:
            where = f"{path}:"
        print(f"{where} {_(problem.msgid, **problem.params)}", file=sys.stderr)


def format_plan(plan: SyncPlan, _: Translate) -> str:
    lines = []
    for unit, parent in plan.units_added:
        lines.append(_("New unit: {unit} (under {parent})", unit=unit, parent=parent) if parent
                     else _("New unit: {unit}", unit=unit))
    for unit, old, new in plan.units_moved:
        lines.append(_("Unit moved: {unit} from {old} to {new}", unit=unit, old=old or "-", new=new))
    sections = ((_("Added"), "+", plan.added), (_("Changed"), "~", plan.changed),
                (_("Deactivated"), "-", plan.deactivated))
    for title, mark, items in sections:
        lines.append(f"{title}: {len(items)}")
        for item in items:
            fields = "; ".join(f"{d.field}: {d.old or '-'} → {d.new or '-'}" if mark == "~" else f"{d.field}: {d.new}"
                               for d in item.differences)
            lines.append(f"  {mark} {item.email} ({item.name})" + (f": {fields}" if fields else ""))
    lines.append(_("Unchanged: {count}", count=len(plan.unchanged)))
    return "\n".join(lines)


def _sync(args, *, deactivate_missing: bool, only_additions: bool) -> tuple[int, SyncPlan | None]:
    _ = translator(args.lang)
    path = Path(args.file)

    def job(turn):
        rows = read_people(path)
        plan = plan_sync(turn.session, rows, deactivate_missing=deactivate_missing)
        if not args.dry_run:
            apply_sync(turn, rows, plan, CLI, only_additions=only_additions)
        return plan

    try:
        plan = run_cli_job(_settings(args), args.lang, job)
    except CsvRefused as refused:
        print_problems(path, refused.problems, _)
        return 2, None
    return 0, plan


def cmd_sync(args: argparse.Namespace) -> int:
    _ = translator(args.lang)
    status, plan = _sync(args, deactivate_missing=args.deactivate_missing, only_additions=False)
    if plan is not None:
        print(format_plan(plan, _))
        print(_("Dry run: nothing was changed.") if args.dry_run else _("Done: the directory follows the file."))
    return status


def cmd_import(args: argparse.Namespace) -> int:
    _ = translator(args.lang)
    status, plan = _sync(args, deactivate_missing=False, only_additions=True)
    if plan is not None:
        print(_("Imported people: {count}.", count=len(plan.added)))
        if plan.changed:
            print(_("People listed who differ from the directory: {count}; xgov org sync updates them.",
                    count=len(plan.changed)))
    return status


def _people_job(args, job):
    return run_cli_job(_settings(args), args.lang, job)


def cmd_people(args: argparse.Namespace) -> int:
    from bot.flows import people as people_flow

    _ = translator(args.lang)
    action = args.people_command
    if action == "list":
        found = _people_job(args, lambda turn: people.list_people(session=turn.session, unit=args.unit,
                                                                  include_inactive=args.all))
        for person in found:
            state = "" if person.active else "  [" + _("deactivated") + "]"
            print(f"{person.email:36} {person.name:28} {person.org_unit or '-':24} {roles_text(person.roles, _)}{state}")
        return 0
    if action == "show":
        detail = _people_job(args, lambda turn: people.person_detail(session=turn.session, email=args.email))
        from bot.people_messages import person_card

        card = person_card(detail, _)
        print(card.header)
        for item in card.fields:
            print(f"  {item.label}: {item.value}")
        if card.context:
            print(card.context)
        return 0
    jobs = {
        "grant": lambda turn: people.grant(session=turn.session, email=args.email, role=args.role, by=CLI, now=turn.now),
        "revoke": lambda turn: people.revoke(session=turn.session, email=args.email, role=args.role, by=CLI, now=turn.now),
        "move": lambda turn: people.move(session=turn.session, email=args.email, unit=args.unit, by=CLI, now=turn.now),
        "deactivate": lambda turn: len(people_flow.deactivate(turn, args.email, CLI)),
        "reactivate": lambda turn: people.reactivate(session=turn.session, email=args.email, by=CLI, now=turn.now),
    }
    result = _people_job(args, jobs[action])
    done = {"grant": _("Granted."), "revoke": _("Revoked."), "move": _("Moved."), "reactivate": _("Reactivated.")}
    if action == "deactivate":
        print(_("Deactivated; assignments back in triage: {count}.", count=result))
    elif result is False:
        print(_("Nothing to change."))
    else:
        print(done[action])
    return 0


def register(commands, org) -> None:
    for name, func, text in (("sync", cmd_sync, "make the directory follow a CSV file (adds, updates, deactivates)"),
                             ("import", cmd_import, "add the people of a CSV file who are not in the directory yet")):
        parser = org.add_parser(name, help=text)
        parser.add_argument("file")
        parser.add_argument("--lang", choices=("pl", "en"), default="en", help="language of printed texts")
        parser.add_argument("--dry-run", action="store_true", help="print the plan and change nothing")
        if name == "sync":
            parser.add_argument("--deactivate-missing", action="store_true",
                                help="deactivate active people who are not in the file")
        parser.set_defaults(func=func)

    people_parser = commands.add_parser("people", help="people in the directory: list, show, roles, moves, leavers")
    people_parser.add_argument("--lang", choices=("pl", "en"), default="en", help="language of printed texts")
    sub = people_parser.add_subparsers(dest="people_command", required=True)
    listing = sub.add_parser("list", help="people (active ones; --all for everyone)")
    listing.add_argument("--unit", help="only this org unit and its sub-units")
    listing.add_argument("--all", action="store_true", help="deactivated people too")
    for name, extra in (("show", None), ("grant", "role"), ("revoke", "role"), ("move", "unit"),
                        ("deactivate", None), ("reactivate", None)):
        parser = sub.add_parser(name)
        parser.add_argument("email")
        if extra:
            parser.add_argument(extra)
    for parser in sub.choices.values():
        parser.set_defaults(func=cmd_people)
