"""`xgov survey list | add | send | close | remind | results | anonymity`."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.wiring import run_cli_job, settings_from
from bot.flows import surveying
from bot.services import survey_waves


def _run(args: argparse.Namespace, job):
    def with_builtins(turn):
        survey_waves.ensure_builtin_surveys(session=turn.session, now=turn.now)
        return job(turn)

    return run_cli_job(settings_from(args), args.lang, with_builtins)


def cmd_list(args):
    rows = _run(args, lambda turn: survey_waves.list_surveys(session=turn.session))
    for definition, anonymity, waves in rows:
        title = definition.title.for_locale(args.lang)
        shown = ", ".join(f"{wave_id}" + ("" if closed else " (open)") for wave_id, closed in waves) or "-"
        print(f"{definition.id:24} {definition.kind:11} {anonymity:11} {title}\n{'':24} waves: {shown}")
    return 0


def cmd_add(args):
    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as problem:
        print(f"Cannot read {path}: {problem.strerror}", file=sys.stderr)
        return 2
    definition = _run(args, lambda turn: survey_waves.add_survey(session=turn.session, toml_text=text,
                                                                 source=path.name, now=turn.now))
    print(f"Added survey {definition.id} ({len(definition.questions)} questions).")
    return 0


def cmd_send(args):
    audience, _sep, unit = args.audience.partition(":")

    def job(turn):
        wave_id, emails = survey_waves.send_wave(session=turn.session, key=args.survey, audience=audience, unit=unit or None,
                                                 now=turn.now, days=args.days, k=args.k, max_reminders=args.reminders)
        surveying.invite(turn, wave_id, emails)
        return wave_id, len(emails)

    wave_id, count = _run(args, job)
    print(f"Wave {wave_id} of {args.survey} sent to {count} people; open for {args.days} days.")
    return 0


def cmd_remind(args):
    def job(turn):
        emails = survey_waves.due_reminders(session=turn.session, wave_id=args.wave, now=turn.now)
        surveying.invite(turn, args.wave, emails, reminder=True)
        return len(emails)

    print(f"Reminded {_run(args, job)} people who have not answered.")
    return 0


def cmd_close(args):
    _run(args, lambda turn: surveying.close_and_report(turn, args.wave))
    print(f"Wave {args.wave} closed; results posted to the governance channel.")
    return 0


def cmd_results(args):
    results, definition = _run(args, lambda turn: surveying.wave_results(turn, args.wave, unit=args.unit))
    from bot.i18n import translator
    from bot.survey_results_table import results_to_table
    from surveys.results import results_to_dict

    if args.format == "json":
        print(json.dumps(results_to_dict(results), ensure_ascii=False, indent=2))
    else:
        print(results_to_table(results, definition, translator(args.lang)))
    return 0


def cmd_anonymity(args):
    _run(args, lambda turn: survey_waves.set_anonymity(session=turn.session, key=args.survey, mode=args.mode))
    print(f"{args.survey} is now {args.mode}.")
    return 0


def cmd_schedule(args):
    from bot.services.survey_schedules import add_schedule

    audience, _sep, unit = args.audience.partition(":")
    view = _run(args, lambda turn: add_schedule(session=turn.session, key=args.survey, cadence=args.cadence,
                                                weekday=args.day, hour=args.hour, timezone=args.tz,
                                                audience=audience, unit=unit or None, window_days=args.days,
                                                k=args.k, max_reminders=args.reminders, now=turn.now))
    print(f"Schedule {view.id}: {view.survey_key} {view.cadence}, {view.weekday} {view.hour:02d}:00 {view.timezone}, "
          f"to {view.audience}, open {view.window_days} days. xgov run sends it; xgov jobs shows when.")
    return 0


def cmd_schedules(args):
    from bot.services.survey_schedules import list_schedules

    for view in _run(args, lambda turn: list_schedules(session=turn.session)):
        print(f"{view.id:4}  {view.survey_key:20} {view.cadence:10} {view.weekday} {view.hour:02d}:00 "
              f"{view.timezone:16} {view.audience:16} {view.window_days} days, k={view.k}, "
              f"reminders {view.max_reminders}")
    return 0


def cmd_unschedule(args):
    from bot.services.survey_schedules import remove_schedule

    _run(args, lambda turn: remove_schedule(session=turn.session, schedule_id=args.id))
    print(f"Schedule {args.id} removed; waves already open stay open.")
    return 0


def register(commands) -> None:
    survey = commands.add_parser("survey", help="pulses, the maturity survey, the diagnostic")
    survey.add_argument("--lang", choices=("pl", "en"), default="en", help="language of printed texts")
    sub = survey.add_subparsers(dest="survey_command", required=True)
    sub.add_parser("list", help="the surveys and their waves").set_defaults(func=cmd_list)
    add = sub.add_parser("add", help="add a survey definition (TOML, Polish and English texts)")
    add.add_argument("file")
    add.set_defaults(func=cmd_add)
    send = sub.add_parser("send", help="send a wave to an audience")
    send.add_argument("survey")
    send.add_argument("--audience", default="everyone", help="everyone, managers or unit:NAME (with its sub-units)")
    send.add_argument("--days", type=int, default=7, help="answer window in days")
    send.add_argument("--k", type=int, default=5, help="anonymity threshold (at least 3)")
    send.add_argument("--reminders", type=int, default=2, help="at most this many reminders per person")
    send.set_defaults(func=cmd_send)
    for name, func, text in (("close", cmd_close, "close a wave and post its results"),
                             ("remind", cmd_remind, "remind those who have not answered")):
        parser = sub.add_parser(name, help=text)
        parser.add_argument("wave", type=int)
        parser.set_defaults(func=func)
    results = sub.add_parser("results", help="a wave's figures, each with its n, nothing below k")
    results.add_argument("wave", type=int)
    results.add_argument("--format", choices=("table", "json"), default="table")
    results.add_argument("--unit", help="only this org unit and its sub-units")
    results.set_defaults(func=cmd_results)
    schedule = sub.add_parser("schedule", help="send a survey on a cadence (xgov run does it)")
    schedule.add_argument("survey")
    schedule.add_argument("--cadence", choices=("weekly", "biweekly", "monthly", "quarterly"), required=True,
                          help="monthly and quarterly: the first --day of the month")
    schedule.add_argument("--day", default="mon", help="mon..sun")
    schedule.add_argument("--hour", type=int, default=10)
    schedule.add_argument("--tz", default="Europe/Warsaw")
    schedule.add_argument("--audience", default="everyone", help="everyone, managers or unit:NAME")
    schedule.add_argument("--days", type=int, default=7, help="answer window in days")
    schedule.add_argument("--k", type=int, default=5)
    schedule.add_argument("--reminders", type=int, default=2)
    schedule.set_defaults(func=cmd_schedule)
    sub.add_parser("schedules", help="the survey schedules").set_defaults(func=cmd_schedules)
    unschedule = sub.add_parser("unschedule", help="stop a survey schedule")
    unschedule.add_argument("id", type=int)
    unschedule.set_defaults(func=cmd_unschedule)
    anonymity = sub.add_parser("anonymity", help="anonymous or identified; cannot be weakened once answered")
    anonymity.add_argument("survey")
    anonymity.add_argument("mode", choices=("anonymous", "identified"))
    anonymity.set_defaults(func=cmd_anonymity)
    for parser in sub.choices.values():  # --lang after the sub-command too: `survey results 2 --lang pl`
        parser.add_argument("--lang", choices=("pl", "en"), default=argparse.SUPPRESS, help="language of printed texts")
