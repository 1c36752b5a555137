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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from surveys.model import Question

Answer = int | bool | str | None

_WHOLE_NUMBER = re.compile(r"^[+-]?[0-9]+$")


class AnswerError(ValueError):
    def __init__(self, code: str, question_id: str, **params: Any) -> None:
        self.code = code
        self.question_id = question_id
        self.params = params
        details = ", ".join(f"{key}={value!r}" for key, value in params.items())
        super().__init__(f"question {question_id!r}: {code}" + (f" ({details})" if details else ""))


def validate_answer(question: Question, raw: str | int | None) -> Answer:
    """The clean value (int for nps/likert, bool for yes_no, str for text: the question's type decides,
    surveys/question_types). A blank answer (None, "" or only spaces) to an optional question returns None.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if question.optional:
            return None
        raise AnswerError("required", question.id)
    return question.kind.validate(question.id, raw)


def whole_number(raw: Any) -> int | None:
    """An int from an int, an integral float or a string of digits; None for anything else."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else None
    if isinstance(raw, str) and _WHOLE_NUMBER.match(raw.strip()):
        return int(raw.strip())
    return None
