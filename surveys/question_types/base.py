"""What every question type answers: how an answer is checked, offered, scored, compared and written.

Texts are msgids marked with N_ (the catalogs in bot/locale translate them); the methods that write
a text take the reader's translator `_` (bot.i18n.translator) as an argument, so that this package
stays free of the bot.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from surveys.answers import AnswerError, whole_number
from surveys.localized import Scale
from surveys.scoring import Change
from surveys.stats import whole_number_in

Translate = Callable[..., str]
NumberText = Callable[..., str]  # (value, digits, sign=False) -> the number as the reader writes it
Answer = int | bool | str


def N_(msgid: str) -> str:
    """Marks a msgid for tools/update_catalogs.py; the translator turns it into the reader's language."""
    return msgid


class QuestionType(ABC):
    """One question type. Subclasses set the class attributes, implement the abstract methods and override
    the others their type has (a change test, a headline)."""

    name: ClassVar[str]
    scale: ClassVar[Scale | None] = None  # the 0-10 / 1-5 scale with its end labels; None otherwise
    written: ClassVar[bool] = False  # answered by writing (no options to choose; comments, not figures)
    scored: ClassVar[bool] = False  # has a headline figure (a score or a mean) with a 95% interval
    delta_digits: ClassVar[int] = 2  # decimals of a change between waves in the JSON and the table
    headline_digits: ClassVar[int] = 2  # decimals of the headline figure (a mean: 3.48; a score: +12)
    headline_signed: ClassVar[bool] = False  # the headline is written with its sign (+12, -5)
    headline_range: ClassVar[str | None] = None  # msgid naming the headline's range ("scale 1 to 5")

    @abstractmethod
    def validate(self, question_id: str, raw: str | int) -> Answer:
        """The clean value of a non-blank answer; raises surveys.answers.AnswerError."""

    @abstractmethod
    def read(self, value: Any) -> int | str:
        """A stored value back (the int column, or the text column for a written type); ValueError if
        it is outside the type's values."""

    def options(self) -> tuple[int, ...]:
        """The values offered to choose from, in the order shown."""
        return ()

    def option_label(self, value: int, _: Translate) -> str:
        return str(value)

    @abstractmethod
    def score(self, values: list[Any]) -> Any:
        """The figures of the given answers (values as `read` returns them)."""

    def score_counts(self, counts: Mapping[int, int]) -> Any:
        """The figures from {value: number of answers} (the digest's aggregates)."""
        return self.score([value for value, count in sorted(counts.items()) for _ in range(count)])

    def headline(self, result: Any) -> float | None:
        """The one number a trend shows (scored types)."""
        return None

    def interval(self, result: Any) -> tuple[float, float] | None:
        return None

    def agree_share(self, result: Any) -> float | None:
        """The percent agreeing (4 or 5), for the types that have it."""
        return None

    def change(self, previous: Any, current: Any) -> Change | None:
        """The change from the previous wave's figures, with its test; None for a type without one."""
        return None

    @abstractmethod
    def figures(self, result: Any) -> dict[str, Any]:
        """The figures as a JSON-ready dict (no words)."""

    @abstractmethod
    def figure_text(self, result: Any, n: int, _: Translate) -> str:
        """The figures in one line of a chat message."""

    @abstractmethod
    def table_text(self, result: Any, _: Translate, number: NumberText, *, full: bool = True) -> str:
        """The figures in a terminal table's cell; `full=False` is the shorter by-unit form."""


def rounded(value: float | None, digits: int) -> float | None:
    """A figure for the JSON: rounded, None for a missing, infinite or undefined value, never -0.0."""
    if value is None or value != value or value in (float("inf"), float("-inf")):
        return None
    return round(value, digits) + 0.0


class ScaledType(QuestionType):
    """A question answered with a whole number on a fixed scale (0-10, 1-5)."""

    scored: ClassVar[bool] = True

    def validate(self, question_id: str, raw: str | int) -> int:
        value = whole_number(raw)
        if value is None:
            raise AnswerError("not_a_number", question_id)
        if not self.scale.low <= value <= self.scale.high:
            raise AnswerError("out_of_range", question_id, min=self.scale.low, max=self.scale.high)
        return value

    def read(self, value: Any) -> int:
        return whole_number_in(value, self.scale.low, self.scale.high)

    def options(self) -> tuple[int, ...]:
        return tuple(self.scale.values())

    def interval(self, result: Any) -> tuple[float, float] | None:
        return None if result.ci_low is None else (result.ci_low, result.ci_high)
