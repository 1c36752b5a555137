"""One job for one slot: recorded and done in one unit of work, so that the slot runs once and its
messages are in the outbox exactly when the record is. A refusal (an audience under k, a survey
removed) is recorded too and told to the governance channel instead of being tried again and again."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from functools import partial

from bot import schedule_messages
from bot.app import XgovBot
from bot.errors import UserError
from bot.i18n import translator
from bot.scheduling import runs
from bot.scheduling.jobs import JobSpec

log = logging.getLogger("xgov.scheduler")


def slot_batch(spec: JobSpec, slot: datetime) -> str:
    return f"{spec.id}@{slot.astimezone(timezone.utc):%Y-%m-%dT%H:%MZ}"


def run_slot(bot: XgovBot, spec: JobSpec, slot: datetime, *, process_id: str) -> bool:
    """True when this call ran the slot; False when it had run already (or was refused)."""
    def job(turn) -> bool:
        if not runs.claim(session=turn.session, job=spec.id, slot=slot, now=turn.now, by=process_id):
            return False
        spec.work(turn, slot)
        return True

    try:
        ran = bot.run_job(job, batch=slot_batch(spec, slot), scheduled=True)
    except UserError as refusal:
        _record_refusal(bot, spec, slot, refusal, process_id)
        return False
    if ran:
        log.info("ran %s for %s", title_in(spec, "en"), slot.isoformat())
    return ran


def _record_refusal(bot: XgovBot, spec: JobSpec, slot: datetime, refusal: UserError, process_id: str) -> None:
    english = translator("en")(refusal.msgid, **refusal.params)
    log.warning("%s for %s could not run: %s", title_in(spec, "en"), slot.isoformat(), english)

    def job(turn) -> None:
        if runs.claim(session=turn.session, job=spec.id, slot=slot, now=turn.now, by=process_id):
            _ = translator(turn.settings.default_locale)
            turn.post_to_governance(partial(schedule_messages.job_refused, title_in(spec, _.locale),
                                            _(refusal.msgid, **refusal.params)))

    bot.run_job(job, batch=slot_batch(spec, slot) + ":refused")


def title_in(spec: JobSpec, locale: str) -> str:
    msgid, params = spec.title
    return translator(locale)(msgid, **params)
