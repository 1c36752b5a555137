"""The weekly digest: computed once, posted to every governance channel in its language with its
charts, and one grouped "pending on you" message to every owner with open assignments."""
from __future__ import annotations

from functools import partial

from bot.digest import charts
from bot.digest.compute import compute_digest
from bot.digest.message import digest_message, weekly_pending_message
from bot.digest.model import Digest, Period
from bot.i18n import translator
from bot.messages import Image
from bot.services.channels import governance_channels
from bot.services.friction_queries import assignments_of, owners_with_open_assignments
from bot.turn import Turn



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
        turn.post(channel.target, channel.locale, partial(digest_message, digest, chart=images.get(charts.TREND_CHART)))
        _ = translator(channel.locale)
        for name, data in images.items():
            if name != charts.TREND_CHART:
                turn.upload(channel.target, Image(filename=f"xgov-{digest.period.label}-{name}", data=data,
                                                alt_text=charts.chart_alt(name, _)), charts.chart_title(name, _))
    return digest


def send_pending_reminders(turn: Turn) -> int:
    """One grouped message to each owner with open assignments; returns how many owners were told."""
    owners = owners_with_open_assignments(session=turn.session)
    for email in owners:
        items = assignments_of(session=turn.session, owner_email=email)
        turn.tell(email, partial(weekly_pending_message, items, turn.now))
    return len(owners)
