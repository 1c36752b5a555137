"""Governance channels: each receives the weekly digest in its own language, on its own day and hour."""
from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import SUPPORTED_LOCALES, Settings
from bot.errors import N_, UserError
from storage.models import GovernanceChannel

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class ChannelView:
    name: str
    locale: str
    digest_weekday: int = 0
    digest_hour: int = 9
    timezone: str = "Europe/Warsaw"


def governance_channels(*, session: Session, settings: Settings) -> list[ChannelView]:
    """The configured channels; without any, the settings' governance channel in the workspace language."""
    rows = session.scalars(select(GovernanceChannel).order_by(GovernanceChannel.name)).all()
    if not rows:
        return [ChannelView(settings.governance_channel, settings.default_locale)]
    return [ChannelView(r.name, r.locale, r.digest_weekday, r.digest_hour, r.timezone) for r in rows]


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


def set_channel(*, session: Session, name: str, locale: str, weekday: str = "mon", hour: int = 9,
                timezone: str = "Europe/Warsaw") -> ChannelView:
    name = name.strip().lstrip("#")
    if not name:
        raise UserError(N_("Give the channel's name."))
    if locale not in SUPPORTED_LOCALES:
        raise UserError(N_("The language must be pl or en, not {locale}."), locale=locale)
    check_weekly_time(weekday, hour, timezone)
    row = session.scalar(select(GovernanceChannel).where(GovernanceChannel.name == name))
    if row is None:
        row = GovernanceChannel(name=name)
        session.add(row)
    row.locale, row.digest_weekday, row.digest_hour, row.timezone = locale, WEEKDAYS.index(weekday), hour, timezone
    session.flush()
    return ChannelView(name, locale, row.digest_weekday, hour, timezone)


def remove_channel(*, session: Session, name: str) -> None:
    row = session.scalar(select(GovernanceChannel).where(GovernanceChannel.name == name.strip().lstrip("#")))
    if row is None:
        raise UserError(N_("There is no governance channel {name}."), name=name)
    session.delete(row)
