"""yes_no: a yes or a no (stored as 1 / 0); the counts and the share of yes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from surveys.answers import AnswerError
from surveys.question_types.base import N_, NumberText, QuestionType, Translate, rounded
from surveys.stats import whole_number_in

YES_WORDS = ("yes", "tak", "true", "1")
NO_WORDS = ("no", "nie", "false", "0")
FIGURE = N_("yes {yes} · no {no} · n = {n}")
TABLE = N_("yes {share}% ({yes} yes, {no} no)")


@dataclass(frozen=True)
class YesNoResult:
    yes: int
    no: int
    n: int
    yes_share: float | None  # percent of yes answers, 0-100


class YesNoType(QuestionType):
    name: ClassVar[str] = "yes_no"

    def validate(self, question_id: str, raw: str | int) -> bool:
        word = str(raw).strip().lower()
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
        raise AnswerError("not_yes_no", question_id, accepted=YES_WORDS + NO_WORDS)

    def read(self, value: Any) -> int:
        return whole_number_in(value, 0, 1)

    def options(self) -> tuple[int, ...]:
        return (1, 0)

    def option_label(self, value: int, _: Translate) -> str:
        return _(N_("Yes")) if value else _(N_("No"))

    def score(self, values: list[Any]) -> YesNoResult:
        yes = sum(1 for value in values if value == 1)
        n = len(values)
        return YesNoResult(yes, n - yes, n, yes / n * 100 if n else None)

    def figures(self, result: YesNoResult) -> dict[str, Any]:
        return {"yes": result.yes, "no": result.no, "yes_share": rounded(result.yes_share, 1)}

    def figure_text(self, result: YesNoResult, n: int, _: Translate) -> str:
        return _(FIGURE, yes=result.yes, no=result.no, n=n)

    def table_text(self, result: YesNoResult, _: Translate, number: NumberText, *, full: bool = True) -> str:
        return _(TABLE, share=number(result.yes_share, 1), yes=result.yes, no=result.no)


YES_NO = YesNoType()
