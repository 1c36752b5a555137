"""The weekly digest: computed once, posted to every governance channel in its language with its
charts, and one grouped "pending on you" message to every owner with open assignments."""
from __future__ import annotations

from functools import partial

from sqlalchemy import select

from bot.digest import charts
from bot.digest.compute import compute_digest
from bot.digest.message import digest_message, weekly_pending_message
from bot.digest.model import Digest, Period
from bot.i18n import translator
from bot.messages import Image
from bot.services.channels import governance_channels
from bot.services.friction_queries import assignments_of
from bot.turn import Turn
from bot.services.frictions import OPEN_ASSIGNMENT_STATUSES
from storage.models import Friction, Person

TREND_CHART = "trends.png"


def digest_for(turn: Turn, period: Period) -> Digest:
    return compute_digest(turn.session, period, now=turn.now)


def post_digest(turn: Turn, period: Period, *, only_channel: str | None = None) -> Digest:
    """Post to every governance channel, or to `only_channel` (its own scheduled job)."""
    digest = digest_for(turn, period)
    images_by_locale: dict[str, dict[str, bytes]] = {}
    for channel in governance_channels(session=turn.session, settings=turn.settings, platform=turn.platform):
        if only_channel is not None and channel.name != only_channel:
            continue
        if channel.locale not in images_by_locale:  # charts take a while: once per language
            images_by_locale[channel.locale] = charts.all_charts(digest, channel.locale)
        images = images_by_locale[channel.locale]
        turn.post(channel.target, channel.locale, partial(digest_message, digest, chart=images.get(TREND_CHART)))
        _ = translator(channel.locale)
        for name, data in images.items():
            if name != TREND_CHART:
                turn.upload(channel.target, Image(filename=f"xgov-{digest.period.label}-{name}", data=data,
                                                alt_text=chart_title(name, _)), chart_title(name, _))
    return digest


def chart_title(name: str, _) -> str:
    titles = {"frictions.png": _("Friction reports by kind, week by week"),
              "maturity.png": _("CX governance maturity by dimension"),
              TREND_CHART: _("EX, CX and KPI trends on one time axis")}
    return titles.get(name, name)


def send_pending_reminders(turn: Turn) -> int:
    """One grouped message to each owner with open assignments; returns how many owners were told."""
    query = (select(Person.email).join(Friction, Friction.owner_id == Person.id)
             .where(Friction.status.in_(OPEN_ASSIGNMENT_STATUSES)).distinct().order_by(Person.email))
    owners = list(turn.session.scalars(query))
    for email in owners:
        items = assignments_of(session=turn.session, owner_email=email)
        turn.tell(email, partial(weekly_pending_message, items, turn.now))
    return len(owners)
