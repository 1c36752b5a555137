"""The scheduler of the leading process: APScheduler 3 (the only module that imports it) runs the
jobs of bot/scheduling/jobs.py at their times; the job list is read again from the database every
minute (a new channel, survey schedule or wave joins without a restart).

A job fires, works out the slot it is for and runs it through bot/scheduling/running.py, which
records the slot in the same transaction as the job's messages: a slot runs once, even if two
processes believe they lead for a moment. When the scheduler starts, each job's latest slot that was
missed while nobody led (within the job's catch-up window) runs once: a digest missed over a weekend
of downtime is posted once, not once per missed slot. A slot from before the job existed (before this
installation first scheduled, a channel was set up, a schedule created, a round opened) never runs: a new
installation does not post "last week's" digest; the start-up log says which slots it skipped and why.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.app import XgovBot
from bot.calendar_text import WEEKDAYS
from bot.clock import Clock, system_clock
from bot.scheduling.installation import scheduling_since
from bot.scheduling.jobs import JobSpec, Origin, job_specs
from bot.scheduling.rules import At, Daily, Every, MonthlyFirst, Rule, Weekly
from bot.scheduling.running import run_slot, title_in

log = logging.getLogger("xgov.scheduler")
SYNC_JOB = "xgov:read-jobs"
FIRE_LATENESS = timedelta(hours=1)  # a job that fires late still finds the slot it was for


def trigger_of(rule: Rule):
    if isinstance(rule, Weekly):
        return CronTrigger(day_of_week=WEEKDAYS[rule.weekday], hour=rule.hour, minute=0, timezone=rule.timezone)
    if isinstance(rule, MonthlyFirst):
        return CronTrigger(month=",".join(map(str, rule.months)), day=f"1st {WEEKDAYS[rule.weekday]}",
                           hour=rule.hour, minute=0, timezone=rule.timezone)
    if isinstance(rule, Daily):
        return CronTrigger(hour=rule.hour, minute=0, timezone=rule.timezone)
    if isinstance(rule, At):
        return DateTrigger(run_date=rule.moment)
    if isinstance(rule, Every):
        return IntervalTrigger(minutes=rule.minutes)
    raise TypeError(f"no trigger for {rule!r}")


def latest_slot(rule: Rule, now: datetime, lookback: timedelta) -> datetime | None:
    """The last time at or before `now`, and after `now - lookback`, the rule fires."""
    if isinstance(rule, At):
        return rule.moment if now - lookback <= rule.moment <= now else None
    if isinstance(rule, Every):
        minutes = int(now.timestamp() // 60) // rule.minutes * rule.minutes
        return datetime.fromtimestamp(minutes * 60, timezone.utc)
    trigger, latest = trigger_of(rule), None
    moment = trigger.get_next_fire_time(None, now - lookback)
    while moment is not None and moment <= now:
        if rule.keeps(moment):
            latest = moment
        moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
    return latest.astimezone(timezone.utc) if latest else None


def next_slot(rule: Rule, now: datetime) -> datetime | None:
    if isinstance(rule, At):
        return rule.moment if rule.moment > now else None
    trigger = trigger_of(rule)
    moment = trigger.get_next_fire_time(None, now)
    for _tries in range(60):
        if moment is None or rule.keeps(moment):
            break
        moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
    return moment.astimezone(timezone.utc) if moment else None


class Scheduler:
    def __init__(self, bot: XgovBot, *, process_id: str, clock: Clock = system_clock, read_every_seconds: int = 60):
        self.bot, self.process_id, self.clock = bot, process_id, clock
        self.read_every_seconds = read_every_seconds
        self.specs: dict[str, JobSpec] = {}
        self._aps: BackgroundScheduler | None = None
        self._looked_until: datetime | None = None  # the clock of the last look at the jobs (catch-up, refresh)

    # -- the jobs, from the database -----------------------------------------------------------------
    def read_jobs(self) -> dict[str, JobSpec]:
        with self.bot.db.unit_of_work() as session:
            specs = job_specs(session=session, settings=self.bot.settings, now=self.clock())
        return {spec.id: spec for spec in specs}

    def began(self) -> datetime:
        """When this installation began to schedule (the first call, on the first leader, records it)."""
        with self.bot.db.unit_of_work() as session:
            return scheduling_since(session=session, now=self.clock())

    def catch_up(self) -> int:
        """Run each job's latest missed slot within its catch-up window, once; returns how many ran."""
        now, ran, began = self.clock(), 0, self.began()
        self._looked_until = now
        for spec in self.read_jobs().values():
            if spec.catch_up is None:
                continue
            slot = latest_slot(spec.rule, now, spec.catch_up)
            if slot is not None and self._existed_at(spec, slot, began) and \
                    run_slot(self.bot, spec, slot, process_id=self.process_id):
                ran += 1
        return ran

    def fire(self, job_id: str) -> bool:
        """What APScheduler calls at a job's time: run the slot that is due now."""
        spec = self.specs.get(job_id)
        if spec is None:
            return False
        slot = latest_slot(spec.rule, self.clock(), FIRE_LATENESS)
        return (slot is not None and self._existed_at(spec, slot, self.began())
                and run_slot(self.bot, spec, slot, process_id=self.process_id))

    @staticmethod
    def _existed_at(spec: JobSpec, slot: datetime, began: datetime) -> bool:
        """False, and said in the log, for a slot from before the job existed."""
        origin = Origin("xgov first scheduled", began)
        if spec.origin is not None and spec.origin.at > began:
            origin = spec.origin
        if slot >= origin.at:
            return True
        log.info("skipped %s for %s: it falls before %s (%s)", title_in(spec, "en"),
                 slot.strftime("%Y-%m-%d %H:%M UTC"), origin.what, origin.at.strftime("%Y-%m-%d %H:%M UTC"))
        return False

    def upcoming(self, limit: int = 10) -> list[tuple[datetime, str]]:
        now = self.clock()
        found = [(when, title_in(spec, "en")) for spec in self.read_jobs().values()
                 if not isinstance(spec.rule, Every) and (when := next_slot(spec.rule, now)) is not None]
        return sorted(found)[:limit]

    # -- running (the leader only) --------------------------------------------------------------------
    def start(self) -> None:
        self._aps = BackgroundScheduler(timezone=timezone.utc, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": int(FIRE_LATENESS.total_seconds())})
        self._aps.start()
        ran = self.catch_up()
        self.refresh()
        self._aps.add_job(self.refresh, IntervalTrigger(seconds=self.read_every_seconds), id=SYNC_JOB, name=SYNC_JOB)
        log.info("scheduler started; %d missed slots caught up", ran)
        for when, title in self.upcoming():
            log.info("next: %s  %s", when.strftime("%Y-%m-%d %H:%M UTC"), title)

    def stop(self) -> None:
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None

    def refresh(self) -> None:
        """Bring APScheduler's jobs in line with the database's, then run the slots that came due since the
        last look: APScheduler is told only of what lies ahead, so a wave closing while the leader starts (after
        the catch-up, before this) or closing before the next read would otherwise never close."""
        specs, now = self.read_jobs(), self.clock()
        since = self._looked_until
        for job_id in set(self.specs) - set(specs):
            if self._aps.get_job(job_id):
                self._aps.remove_job(job_id)
        for job_id, spec in specs.items():
            known = self.specs.get(job_id)
            if known is not None and known.rule == spec.rule and self._aps.get_job(job_id):
                continue
            if isinstance(spec.rule, At) and spec.rule.moment <= now:
                continue  # past: caught up at start, or run already
            self._aps.add_job(self.fire, trigger_of(spec.rule), args=[job_id], id=job_id, name=job_id,
                              replace_existing=True)
        self.specs, self._looked_until = specs, now
        if since is not None:
            self.run_due_between(since, now)

    def run_due_between(self, since: datetime, now: datetime) -> int:
        """Run each catch-up job's slot that fell after `since` and by `now` (once: a slot APScheduler fired
        meanwhile is claimed already); returns how many ran."""
        ran = 0
        for spec in self.specs.values():
            slot = None if spec.catch_up is None else latest_slot(spec.rule, now, now - since)
            if slot is not None and slot > since and self._existed_at(spec, slot, self.began()) and \
                    run_slot(self.bot, spec, slot, process_id=self.process_id):
                ran += 1
        return ran
