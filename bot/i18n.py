"""Message catalogs (gettext .po files read with Babel) and the per-person language.

English msgids live in the code as ``_("...")``; ``locale/pl/LC_MESSAGES/xgov.po``
translates them. The .po files are read directly, so no compile step is needed.
"""
from __future__ import annotations

import io
from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
import re
import string
from functools import lru_cache
from pathlib import Path
from typing import Callable

from babel.messages.mofile import write_mo
from babel.numbers import format_decimal
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from bot.config import SUPPORTED_LOCALES

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "xgov"

Translate = Callable[..., str]


def normalise_locale(raw: str | None) -> str | None:
    """'pl-PL', 'pl_PL', 'PL' -> 'pl'; unknown languages -> None."""
    if not raw:
        return None
    language = raw.replace("_", "-").split("-", 1)[0].strip().lower()
    return language if language in SUPPORTED_LOCALES else None


@lru_cache(maxsize=None)
def _catalog(locale: str) -> NullTranslations:
    po_path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def translator(locale: str, zone: str | None = None) -> Translate:
    """Return ``_(msgid, **params)`` for a locale: translated, then formatted. A msgid made with
    ``NP_(singular, plural)`` takes the count as ``n`` and picks the catalog's plural form for it.
    Whole numbers among the params are written the locale's way (Babel: 10 000 in Polish)."""
    catalog = _catalog(locale)

    def _(msgid: str | tuple[str, str], **params: object) -> str:
        if isinstance(msgid, tuple):
            text = catalog.ngettext(msgid[0], msgid[1], int(params["n"]))
        else:
            text = catalog.gettext(msgid)
        return _NumberFormatter(locale).format(text, **params) if params else text

    _.locale = locale  # builders use it to pick a definition's PL or EN text
    _.zone = zone  # the reader's time zone (a person's, a channel's): local_time() writes times in it
    return _


_NUMBER_SPEC = re.compile(r"(\+?)(?:\.(\d+))?([fd%]?)")


class _NumberFormatter(string.Formatter):
    """str.format, with numbers written the locale's way (Babel): `{mean:.2f}` is 3,48 in Polish.
    A whole number without a spec (an id, a year) stays as it is."""

    def __init__(self, locale: str) -> None:
        super().__init__()
        self.locale = locale

    def format_field(self, value: object, format_spec: str) -> str:
        spec = _NUMBER_SPEC.fullmatch(format_spec)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or spec is None:
            return super().format_field(value, format_spec)
        if isinstance(value, int) and not format_spec:
            return str(value)
        return format_number(value, self.locale, decimals=spec.group(2), sign=spec.group(1), percent=spec.group(3) == "%")


def format_number(value: float, locale: str, *, decimals: str | int | None = None, sign: str = "",
                  percent: bool = False) -> str:
    """A number for a person: the locale's decimal sign and grouping, `decimals` places (else Babel's
    default), a + before positive values when `sign` is "+", a % after a share given as a fraction."""
    if percent:
        value = value * 100
    if decimals is None and isinstance(value, float):
        text = format_decimal(value, locale=locale)
    else:
        places = int(decimals or 0)
        text = format_decimal(value, format="#,##0" + ("." + "0" * places if places else ""), locale=locale)
    if sign == "+" and value > 0 and not text.startswith("+"):
        text = "+" + text
    return text + ("%" if percent else "")


def local_time(moment: datetime, _: Translate, *, with_time: bool = True) -> str:
    """A moment as the reader reads it: in their time zone (UTC when the builder was given none)."""
    local = moment.astimezone(_zone(getattr(_, "zone", None)))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}" if with_time else f"{local:%Y-%m-%d}"


def _zone(name: str | None) -> tzinfo:
    try:
        return ZoneInfo(name) if name else timezone.utc
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def catalog_messages(locale: str) -> dict[str, str]:
    """msgid -> translation for one locale (used by tests and tools)."""
    po_path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    return {message.id: message.string for message in catalog if message.id}
