"""Governance channels: each receives the weekly digest in its own language, on its own day and hour.

A channel is bound by the platform's id: by a governance admin inside it (`/xgov channel here`) or
on the command line (`xgov channel set NAME --id ID --platform slack|teams`); nothing is ever learnt
from an install. On a platform with a channel bound by id, only those channels are used (notices and
the digest); without any, the older rows that name a channel (resolved by name inside a Slack
workspace) and, for notices, the settings' channel name.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.calendar_text import WEEKDAYS
from bot.config import SUPPORTED_LOCALES, Settings
from bot.errors import N_, UserError
from storage.models import GovernanceChannel



@dataclass(frozen=True)
class ChannelView:
    name: str
    locale: str
    digest_weekday: int = 0
    digest_hour: int = 9
    timezone: str = "Europe/Warsaw"
    platform: str | None = None
    channel_id: str | None = None
    created_at: datetime | None = None  # None: the settings' channel, or one set up before this was recorded

    @property
    def target(self) -> str:
        """What the port posts to: the bound id, else the name."""
        return self.channel_id or self.name


def _view(row: GovernanceChannel) -> ChannelView:
    return ChannelView(row.name, row.locale, row.digest_weekday, row.digest_hour, row.timezone, row.platform,
                       row.channel_id, row.created_at)


def _rows(session: Session, platform: str | None) -> list[GovernanceChannel]:
    """The rows bound by id on `platform` if there are any, else the rows that name a channel (every row
    without a platform: the scheduler lists them all)."""
    rows = session.scalars(select(GovernanceChannel).order_by(GovernanceChannel.name)).all()
    if platform is None:
        return list(rows)
    bound = [r for r in rows if r.channel_id and r.platform == platform]
    return bound or [r for r in rows if not r.channel_id]


def governance_channels(*, session: Session, settings: Settings, platform: str | None = None) -> list[ChannelView]:
    """The configured channels (see the module's note); without any, the settings' governance channel in
    the workspace language."""
    rows = _rows(session, platform)
    if not rows:
        return [ChannelView(settings.governance_channel, settings.default_locale)]
    return [_view(r) for r in rows]


def notice_channels(*, session: Session, settings: Settings, platform: str) -> list[ChannelView]:
    """Where assignments, declines and "cannot reach" notices go: the channels bound by id on `platform`,
    else the settings' governance channel by name."""
    bound = session.scalars(select(GovernanceChannel).where(
        GovernanceChannel.platform == platform, GovernanceChannel.channel_id.isnot(None))
        .order_by(GovernanceChannel.name)).all()
    if bound:
        return [_view(r) for r in bound]
    name = settings.governance_channel
    return [ChannelView(name, channel_locale(session=session, name=name, default=settings.default_locale))]


def bind_channel(*, session: Session, platform: str, channel_id: str, name: str, locale: str,
                 now: datetime) -> ChannelView:
    """Bind the channel with this platform id as a governance channel (or change its language)."""
    channel_id = channel_id.strip()
    if not channel_id:
        raise UserError(N_("Run this inside the channel that should become a governance channel."))
    if locale not in SUPPORTED_LOCALES:
        raise UserError(N_("The language must be pl or en, not {locale}."), locale=locale)
    row = session.scalar(select(GovernanceChannel).where(GovernanceChannel.platform == platform,
                                                         GovernanceChannel.channel_id == channel_id))
    if row is None:
        label = (name.strip().lstrip("#") or channel_id)[:150]
        taken = session.scalar(select(GovernanceChannel.id).where(GovernanceChannel.name == label))
        row = GovernanceChannel(name=f"{label} ({channel_id})"[:200] if taken else label, platform=platform,
                                channel_id=channel_id, digest_weekday=0, digest_hour=9, timezone="Europe/Warsaw",
                                created_at=now)
        session.add(row)
    row.locale = locale
    session.flush()
    return _view(row)


def channel_locale(*, session: Session, name: str, default: str) -> str:
    """The language set for a channel (`xgov channel set NAME --channel-lang`), else the workspace's."""
    locale = session.scalar(select(GovernanceChannel.locale).where(GovernanceChannel.name == name.strip().lstrip("#")))
    return locale or default


def check_weekly_time(weekday: str, hour: int, timezone: str) -> None:
    """A day of the week, an hour and a time zone as a person gives them; a refusal says which is wrong."""
    if weekday not in WEEKDAYS:
        raise UserError(N_("The day must be one of {days}, not {day}."), days=", ".join(WEEKDAYS), day=weekday)
    if not 0 <= hour <= 23:
        raise UserError(N_("The hour must be 0 to 23, not {hour}."), hour=hour)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as problem:
        raise UserError(N_("{zone} is not a time zone such as Europe/Warsaw."), zone=timezone) from problem


def set_channel(*, session: Session, name: str, locale: str, now: datetime, weekday: str = "mon", hour: int = 9,
                timezone: str = "Europe/Warsaw", platform: str | None = None,
                channel_id: str | None = None) -> ChannelView:
    """Add or change a governance channel; with `channel_id` (and its `platform`) it is bound by that id."""
    name = name.strip().lstrip("#")
    if not name:
        raise UserError(N_("Give the channel's name."))
    if bool(channel_id) != bool(platform):
        raise UserError(N_("Give both the channel's id and its platform (slack or teams)."))
    if locale not in SUPPORTED_LOCALES:
        raise UserError(N_("The language must be pl or en, not {locale}."), locale=locale)
    check_weekly_time(weekday, hour, timezone)
    row = session.scalar(select(GovernanceChannel).where(GovernanceChannel.name == name))
    if row is None:
        row = GovernanceChannel(name=name, created_at=now)
        session.add(row)
    row.locale, row.digest_weekday, row.digest_hour, row.timezone = locale, WEEKDAYS.index(weekday), hour, timezone
    if channel_id:
        row.platform, row.channel_id = platform, channel_id.strip()
    session.flush()
    return _view(row)


def remove_channel(*, session: Session, name: str) -> None:
    row = session.scalar(select(GovernanceChannel).where(GovernanceChannel.name == name.strip().lstrip("#")))
    if row is None:
        raise UserError(N_("There is no governance channel {name}."), name=name)
    session.delete(row)
