"""text: a written answer of at most TEXT_ANSWER_MAX_LENGTH characters; shown as comments, never as figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from surveys.answers import AnswerError
from surveys.question_types.base import N_, NumberText, QuestionType, Translate

TEXT_ANSWER_MAX_LENGTH = 2000
COMMENTS = N_("comments: {n}")


@dataclass(frozen=True)
class TextResult:
    n: int  # number of comments given


class TextType(QuestionType):
    name: ClassVar[str] = "text"
    written: ClassVar[bool] = True

    def validate(self, question_id: str, raw: str | int) -> str:
        text = str(raw).strip()
        if len(text) > TEXT_ANSWER_MAX_LENGTH:
            raise AnswerError("too_long", question_id, max=TEXT_ANSWER_MAX_LENGTH, length=len(text))
        return text

    def read(self, value: Any) -> str:
        return str(value).strip()

    def score(self, values: list[Any]) -> TextResult:
        return TextResult(len(values))

    def figures(self, result: TextResult) -> dict[str, Any]:
        return {"comments": result.n}

    def figure_text(self, result: TextResult, n: int, _: Translate) -> str:
        return _(COMMENTS, n=n)

    def table_text(self, result: TextResult, _: Translate, number: NumberText, *, full: bool = True) -> str:
        return _(COMMENTS, n=result.n)


TEXT = TextType()
