"""The digest as JSON-ready data (``xgov digest --format json``): dates in ISO form, figures rounded."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

from bot.digest.model import Digest

DIGITS = 2


def digest_to_dict(digest: Digest) -> dict[str, Any]:
    return _plain(dataclasses.asdict(digest))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(_plain(key)): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, DIGITS)
    return value
