"""`xgov demo`: a simulated organisation lives W weeks with xgov, through the core and a ChatPort.

Everything after the directory is set up happens as chat events (commands, buttons,
forms) handled by :class:`bot.app.XgovBot`; nothing writes rows directly.
"""
from __future__ import annotations

import random
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from adapters.console.port import ConsolePort
from app.demo_kpis import demo_kpi_csv
from app.kpi_import import import_kpis
from app.demo_data import DECLINE_REASONS, NO_CHANGE_REASONS, POLICIES
from app.demo_org import DemoOrg, build_org
from app.demo_story import write_story
from app.demo_surveys import DemoSurveys
from bot.services.channels import set_channel
from app.transcript import write_transcripts
from bot.app import XgovBot
from bot.clock import SimulatedClock
from bot.config import Settings
from bot.digest import charts
from bot.digest.html import render_dashboard
from bot.digest.markdown import digest_markdown
from bot.digest.period import last_complete_week
from bot.flows.digest import post_digest, send_pending_reminders
from bot.i18n import translator
from bot.events import Actor, ButtonAnswer, CommandEvent, FormSubmission
from bot.services import friction_queries
from bot.services.frictions import reporter_emails
from storage.db import Database
from storage.migrate import upgrade

DEMO_START = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)  # a Monday


@dataclass(frozen=True)
class DemoOptions:
    out: Path
    employees: int = 200
    weeks: int = 12
    seed: int = 7
    lang: str = "en"


@dataclass
class Tally:
    reports: int = 0
    assigned: int = 0
    declined: int = 0
    accepted: int = 0
    resolved: int = 0
    reporters_told: int = 0


class DemoWorld:
    def __init__(self, options: DemoOptions, bot: XgovBot, port: ConsolePort, clock: SimulatedClock,
                 org: DemoOrg, rng: random.Random) -> None:
        self.options, self.bot, self.port, self.clock, self.org, self.rng = options, bot, port, clock, org, rng
        self.lang = options.lang
        self.tally = Tally()
        self.true_policy: dict[int, int] = {}  # friction id -> the policy it really traces to
        self.accepted_at: dict[int, int] = {}  # friction id -> week accepted
        self.surveys = DemoSurveys(self)

    def actor(self, email: str) -> Actor:
        return Actor(email=email)

    def command(self, email: str, command: str, text: str = "") -> None:
        self.bot.handle(CommandEvent(actor=self.actor(email), command=command, text=text, trigger="demo"))

    def press(self, email: str, action_id: str, value: str) -> None:
        ref, _message = self.port.last_message(email)
        self.bot.handle(ButtonAnswer(actor=self.actor(email), action_id=action_id, value=value, message=ref, trigger="demo"))

    def submit(self, email: str, values: dict) -> None:
        form = self.port.last_form(email)
        self.bot.handle(FormSubmission(actor=self.actor(email), form_id=form.form_id, values=values, metadata=form.metadata))

    def at(self, week: int, day: int, hour: int) -> None:
        self.clock.set(DEMO_START + timedelta(weeks=week, days=day, hours=hour))

    # --- set-up through chat -------------------------------------------------------
    def register_policies(self) -> None:
        admin = self.org.admins[0]
        for policy in POLICIES:
            owner = self.org.owners_by_unit[policy.owner_unit]
            self.command(admin, "/xgov", f"policy add {policy.kind} {owner} {policy.title[self.lang]}")

    # --- one week --------------------------------------------------------------------
    def live_week(self, week: int) -> None:
        self.surveys.send_due(week)
        self.at(week, 0, 1)
        for _ in range(self.rng.randint(3, 7)):
            self.report(week)
        self.at(week, 1, 2)
        self.triage_all()
        self.surveys.remind_and_answer(week)
        self.at(week, 2, 5)
        self.owners_work(week)

    def report(self, week: int) -> None:
        policy_index = self.rng.choices(range(len(POLICIES)), weights=[p.weight for p in POLICIES])[0]
        policy = POLICIES[policy_index]
        text = self.rng.choice(policy.reports[self.lang])
        reporter = self.rng.choice(self.org.employees)
        path = self.rng.random()
        if path < 0.3:
            self.command(reporter, "/friction")
            anonymity = "nobody" if self.rng.random() < 0.15 else "governance"
            self.submit(reporter, {"text": text, "kind": policy.report_kind, "experience": policy.experience,
                                   "flags": ("emotions",) if self.rng.random() < 0.3 else (), "anonymity": anonymity})
        else:
            self.command(reporter, "/friction", text)
            if path < 0.8:
                self.tag_by_buttons(reporter, policy)
        friction_id = max(item.id for item in self._my_reports(reporter))
        self.true_policy[friction_id] = policy_index + 1
        self.tally.reports += 1

    def tag_by_buttons(self, reporter: str, policy) -> None:
        friction_id = self.port.last_message(reporter)[1].buttons[0].value
        self.press(reporter, "friction.kind", f"{friction_id}:{policy.report_kind}")
        self.press(reporter, "friction.experience", f"{friction_id}:{policy.experience}")
        if self.rng.random() < 0.4:
            self.press(reporter, "friction.flag", f"{friction_id}:procedure_gap")
        if self.rng.random() < 0.1:
            self.press(reporter, "friction.hide", friction_id)
        else:
            self.press(reporter, "friction.done", friction_id)

    def _my_reports(self, email: str):
        with self.bot.db.unit_of_work() as session:
            return friction_queries.reports_of(session=session, reporter_email=email, limit=1)

    def triage_all(self) -> None:
        admin = self.org.admins[self.rng.randint(0, 1)]
        self.command(admin, "/xgov", "triage")
        _ref, queue = self.port.last_message(admin)
        for button in queue.buttons:
            friction_id = int(button.value)
            policy_id = self.true_policy[friction_id]
            misroute = self.rng.random() < 0.12 or self.tally.assigned == 3  # at least one, whatever the seed
            if misroute:  # the wrong owner will decline it
                policy_id = policy_id % len(POLICIES) + 1
            self.press(admin, "triage.open", button.value)
            self.submit(admin, {"policy": str(policy_id), "owner": "", "kind": "", "experience": ""})
            self.tally.assigned += 1

    def owners_work(self, week: int) -> None:
        for owner in sorted(set(self.org.owners_by_unit.values())):
            self.command(owner, "/xgov", "assignments")
            _ref, pending = self.port.last_message(owner)
            for button in pending.buttons:
                self.handle_assignment(owner, int(button.value), week)

    def handle_assignment(self, owner: str, friction_id: int, week: int) -> None:
        with self.bot.db.unit_of_work() as session:
            view = friction_queries.owner_view(session=session, friction_id=friction_id)
        if view.policy_id != self.true_policy[friction_id]:
            self.press(owner, "assignment.decline", str(friction_id))
            self.submit(owner, {"reason": self.rng.choice(DECLINE_REASONS[self.lang])})
            self.tally.declined += 1
        elif view.status == "assigned":
            self.command(owner, "/xgov", f"accept F-{friction_id}")
            self.accepted_at[friction_id] = week
            self.tally.accepted += 1
        elif week - self.accepted_at.get(friction_id, week) >= self.rng.randint(1, 4):
            self.resolve(owner, friction_id, POLICIES[view.policy_id - 1])

    def resolve(self, owner: str, friction_id: int, policy) -> None:
        self.press(owner, "assignment.resolve", str(friction_id))
        if policy.fix[self.lang]:
            outcome = {"policy": "policy_changed", "decision": "decision_made", "process": "procedure_updated"}[policy.kind]
            values = {"outcome": outcome, "note": policy.fix[self.lang]}
        else:
            values = {"outcome": "no_change", "note": NO_CHANGE_REASONS[self.lang]}
        self.submit(owner, values)
        self.tally.resolved += 1
        with self.bot.db.unit_of_work() as session:
            self.tally.reporters_told += len(reporter_emails(session=session, friction_id=friction_id))


def run_demo(options: DemoOptions) -> str:
    started = time.perf_counter()
    out = options.out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    url = f"sqlite:///{out / 'xgov.db'}"
    upgrade(url)
    db = Database(url)
    clock = SimulatedClock(DEMO_START)
    port = ConsolePort(stamp=lambda: clock().strftime("%Y-%m-%d %H:%M"))
    settings = Settings(database_url=url, default_locale=options.lang)
    bot = XgovBot(db=db, port=port, settings=settings, clock=clock)
    rng = random.Random(options.seed)
    with db.unit_of_work() as session:
        org = build_org(session, rng, options.employees, options.lang)
        # The governance channel speaks the demo's language, also to a console session started later.
        set_channel(session=session, name=settings.governance_channel, locale=options.lang, now=clock())
    world = DemoWorld(options, bot, port, clock, org, rng)
    world.register_policies()
    for week in range(options.weeks):
        world.live_week(week)
    world.at(options.weeks, 0, 0)
    world.surveys.close_open_waves()
    world.at(options.weeks, 0, 9)
    write_digest(world, out)
    with db.unit_of_work() as session:
        barriers = friction_queries.recurring_barriers(session=session, limit=3)
    write_transcripts(port, out, translator(options.lang))
    write_story(port.mailbox.all(), out, translator(options.lang))
    db.dispose()
    seconds = time.perf_counter() - started
    return _summary(options, world.tally, world.surveys.tally, barriers) + f"\n  finished in {seconds:.1f} s"


def write_digest(world: DemoWorld, out: Path) -> None:
    """Import the quarter's KPIs, post the last week's digest and the owners' weekly lists through the bot,
    and write digest.md, digest.html and the charts."""
    kpis = out / "kpis.csv"
    kpis.write_text(demo_kpi_csv(DEMO_START.date(), world.options.weeks, world.org.units, world.options.seed),
                    encoding="utf-8")
    lang = world.lang

    def job(turn):
        import_kpis(turn.session, kpis.read_text(encoding="utf-8"), turn.now)
        digest = post_digest(turn, last_complete_week(turn.now))
        send_pending_reminders(turn)
        return digest

    digest = world.bot.run_job(job)
    images = charts.all_charts(digest, lang)
    (out / "charts").mkdir(exist_ok=True)
    for name, data in images.items():
        (out / "charts" / name).write_bytes(data)
    files = {charts.chart_title(name, translator(lang)): f"charts/{name}" for name in images}
    (out / "digest.md").write_text(digest_markdown(digest, translator(lang), files), encoding="utf-8")
    (out / "digest.html").write_text(render_dashboard(digest, lang, images), encoding="utf-8")


def _summary(options: DemoOptions, tally: Tally, surveys, barriers) -> str:
    lines = [
        f"xgov demo: {options.employees} people, {options.weeks} weeks, seed {options.seed}, language {options.lang}",
        f"  reports {tally.reports}, assignments {tally.assigned}, declined {tally.declined}, "
        f"accepted {tally.accepted}, resolved {tally.resolved}, reporters told {tally.reporters_told}",
        f"  survey waves {surveys.waves}, completed answers {surveys.answers}, reminders {surveys.reminders}; "
        "results posted to the governance channel",
        "  top recurring barriers: " + "; ".join(f"P-{b.policy_id} {b.policy_title} ({b.reports})" for b in barriers),
        f"  weekly digest: {options.out / 'digest.md'}, {options.out / 'digest.html'}, charts in "
        f"{options.out / 'charts'}",
        f"  story: {options.out / 'story.md'} (one report and one survey, a few pages)",
        f"  transcript: {options.out / 'transcript.md'} (per channel and person in {options.out / 'channels'}, "
        f"{options.out / 'people'})",
    ]
    return "\n".join(lines)
