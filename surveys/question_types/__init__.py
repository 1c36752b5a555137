"""One object per question type: how its answers are checked, offered, scored, compared and written.

A new type is one module here (a `QuestionType` subclass, see base.py), its entry in TYPES, and the
catalog entries of the msgids it marks with N_ (tools/update_catalogs.py finds them).
"""

from __future__ import annotations

from surveys.question_types.base import QuestionType
from surveys.question_types.likert import LIKERT
from surveys.question_types.nps import NPS
from surveys.question_types.text import TEXT
from surveys.question_types.yes_no import YES_NO

TYPES: dict[str, QuestionType] = {kind.name: kind for kind in (NPS, LIKERT, YES_NO, TEXT)}
TYPE_NAMES = tuple(TYPES)


def question_type(name: str) -> QuestionType:
    """The type object of a type name; KeyError for a name that is not a type."""
    return TYPES[name]


__all__ = ["LIKERT", "NPS", "TEXT", "TYPES", "TYPE_NAMES", "YES_NO", "QuestionType", "question_type"]
