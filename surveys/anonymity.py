"""The anonymity guard: nothing is computed for a group with fewer than k respondents.

k defaults to 5 and can never go below 3. Free-text comments need k_comments respondents
(surveys.scopes.DEFAULT_K_COMMENTS, never below k) in wave results. Which groups of a wave may
be shown at all, so that no difference of two shown groups isolates anybody, is decided by
surveys.scopes. A suppressed group is returned as
{"group": ..., "suppressed": True} with no figures and not even its n: "n = 2" tells a
team lead that two people answered, and with what they know that can be enough to tell
who. Readers that cannot show a result raise `GroupTooSmall`, which names the k needed,
never the n found.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from typing import Any

import pandas as pd

from surveys.stats import is_present

MIN_K = 3
DEFAULT_K = 5


class AnonymityError(Exception):
    """Base of every refusal made to keep answers anonymous."""


class ThresholdTooLow(AnonymityError, ValueError):
    def __init__(self, k: Any) -> None:
        self.k = k
        self.min_k = MIN_K
        super().__init__(f"the anonymity threshold must be a whole number of at least {MIN_K}, not {k!r}")


class GroupTooSmall(AnonymityError):
    def __init__(self, n_required: int) -> None:
        self.n_required = n_required
        super().__init__(f"fewer than {n_required} respondents: results are hidden to keep answers anonymous")


class ScopeDifferenceTooSmall(AnonymityError):
    """A filter whose group differs from a group shown around it (or inside it) by 1..k-1 people."""

    def __init__(self, n_required: int) -> None:
        self.n_required = n_required
        super().__init__(f"the filter differs from the results around it by fewer than {n_required} people")


def validate_k(k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or k < MIN_K:
        raise ThresholdTooLow(k)
    return k


def suppress_below_k(n: int, k: int = DEFAULT_K) -> bool:
    """True when a group of n respondents must not be shown."""
    return n < validate_k(k)


def check_filter_isolation(n_matching: int, k: int = DEFAULT_K) -> None:
    """Refuse a filter combination that matches fewer than k respondents.

    Zero is refused as well: if 0 were shown and 1..k-1 refused, the refusal itself
    would tell that somebody in the filtered group answered.
    """
    if suppress_below_k(n_matching, k):
        raise GroupTooSmall(n_required=k)


def aggregate_by_group(
    df: pd.DataFrame,
    group_cols: Sequence[str],
    value_col: str | Sequence[str],
    k: int,
    scorer: Callable[[Any], Any],
    *,
    respondent_col: str | None = None,
) -> list[dict[str, Any]]:
    """Score each group of `df`, suppressing groups with fewer than k respondents.

    A respondent counts when they gave a value (not null, not blank) in `value_col`, or in
    at least one of the columns when `value_col` is a list. Distinct `respondent_col`
    values are counted when given, rows otherwise. With one column the scorer gets that
    column's given values as a list (e.g. `nps`, `likert`, `collect_comments`); with a
    list it gets {column: values} (e.g. `functools.partial(score_maturity, definition)`).
    Returns one plain dict per group, sorted by group: {"group": {col: value},
    "suppressed": False, **fields of the scorer's dataclass} or the suppressed form.
    """
    validate_k(k)
    value_cols = [value_col] if isinstance(value_col, str) else list(value_col)
    rows = []
    for key, group in df.groupby(list(group_cols), dropna=False, sort=True):
        label = {col: _plain(value) for col, value in zip(group_cols, key)}
        answered = group[_answered_mask(group, value_cols)]
        if _respondent_count(answered, respondent_col) < k:
            rows.append({"group": label, "suppressed": True})
            continue
        scorer_input = _given_values(answered[value_col]) if isinstance(value_col, str) else {
            col: _given_values(answered[col]) for col in value_cols
        }
        rows.append({"group": label, "suppressed": False, **_as_dict(scorer(scorer_input))})
    return rows


def _answered_mask(group: pd.DataFrame, value_cols: list[str]) -> pd.Series:
    return group[value_cols].map(is_present).any(axis=1)


def _respondent_count(answered: pd.DataFrame, respondent_col: str | None) -> int:
    if respondent_col is None:
        return len(answered)
    return int(answered[respondent_col].nunique(dropna=True))


def _given_values(column: pd.Series) -> list[Any]:
    return [_plain(value) for value in column.dropna().tolist()]


def _plain(value: Any) -> Any:
    """A Python value for a pandas / numpy one; None for a missing group key."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _as_dict(result: Any) -> dict[str, Any]:
    return asdict(result) if is_dataclass(result) else dict(result)

