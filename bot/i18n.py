"""Message catalogs (gettext .po files read with Babel) and the per-person language.

English msgids live in the code as ``_("...")``; ``locale/pl/LC_MESSAGES/xgov.po``
translates them. The .po files are read directly, so no compile step is needed.
"""
from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Callable

from babel.messages.mofile import write_mo
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


def translator(locale: str) -> Translate:
    """Return ``_(msgid, **params)`` for a locale: translated, then formatted."""
    catalog = _catalog(locale)

    def _(msgid: str, **params: object) -> str:
        text = catalog.gettext(msgid)
        return text.format(**params) if params else text

    _.locale = locale  # builders use it to pick a definition's PL or EN text
    return _


def catalog_messages(locale: str) -> dict[str, str]:
    """msgid -> translation for one locale (used by tests and tools)."""
    po_path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    return {message.id: message.string for message in catalog if message.id}
