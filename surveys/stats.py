"""Small helpers shared by the scorers: reading answers and means (intervals and tests: surveys/inference.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from numbers import Integral
from typing import Any


def is_present(value: Any) -> bool:
    """False for a skipped answer: None, NaN or pandas.NA (as pandas stores gaps), or a blank string."""
    if value is None:
        return False
    try:
        if value != value:  # NaN is the only value unequal to itself
            return False
    except TypeError:  # pandas.NA refuses to be used as a truth value
        return False
    return not (isinstance(value, str) and not value.strip())


def present(values: Iterable[Any]) -> list[Any]:
    return [value for value in values if is_present(value)]


def whole_number_in(value: Any, low: int, high: int) -> int:
    """`value` as an int in [low, high]; numpy ints and integral floats (9.0) are accepted."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, Integral) or not low <= value <= high:
        raise ValueError(f"{value!r} is not a whole number from {low} to {high}")
    return int(value)


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None
