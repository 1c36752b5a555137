"""Validate one raw answer against its question.

Errors carry a `code` and `params` (never a finished sentence) so that the caller can
say what went wrong in the person's language. Codes:

- "required": a mandatory question was left blank
- "not_a_number": an nps or likert answer is not a whole number
- "out_of_range": params min, max
- "not_yes_no": params accepted (the words understood, in any letter case)
- "too_long": params max, length (text answers)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from surveys.model import TEXT_ANSWER_MAX_LENGTH, Question

Answer = int | bool | str | None

YES_WORDS = ("yes", "tak", "true", "1")
NO_WORDS = ("no", "nie", "false", "0")
_WHOLE_NUMBER = re.compile(r"^[+-]?[0-9]+$")


class AnswerError(ValueError):
    def __init__(self, code: str, question_id: str, **params: Any) -> None:
        self.code = code
        self.question_id = question_id
        self.params = params
        details = ", ".join(f"{key}={value!r}" for key, value in params.items())
        super().__init__(f"question {question_id!r}: {code}" + (f" ({details})" if details else ""))


def validate_answer(question: Question, raw: str | int | None) -> Answer:
    """The clean value (int for nps/likert, bool for yes_no, str for text).

    A blank answer (None, "" or only spaces) to an optional question returns None.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if question.optional:
            return None
        raise AnswerError("required", question.id)
    return _VALIDATORS[question.type](question, raw)


def _scored(question: Question, raw: str | int) -> int:
    value = _whole_number(raw)
    if value is None:
        raise AnswerError("not_a_number", question.id)
    scale = question.scale
    if not scale.low <= value <= scale.high:
        raise AnswerError("out_of_range", question.id, min=scale.low, max=scale.high)
    return value


def _whole_number(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else None
    if isinstance(raw, str) and _WHOLE_NUMBER.match(raw.strip()):
        return int(raw.strip())
    return None


def _yes_no(question: Question, raw: str | int) -> bool:
    word = str(raw).strip().lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise AnswerError("not_yes_no", question.id, accepted=YES_WORDS + NO_WORDS)


def _text(question: Question, raw: str | int) -> str:
    text = str(raw).strip()
    if len(text) > TEXT_ANSWER_MAX_LENGTH:
        raise AnswerError("too_long", question.id, max=TEXT_ANSWER_MAX_LENGTH, length=len(text))
    return text


_VALIDATORS: dict[str, Callable[[Question, Any], Answer]] = {
    "nps": _scored,
    "likert": _scored,
    "yes_no": _yes_no,
    "text": _text,
}
