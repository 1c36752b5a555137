"""The survey definition model: frozen dataclasses and the fixed vocabularies."""

from __future__ import annotations

from dataclasses import dataclass

from surveys.localized import LANGUAGES, LocalizedText, Scale
from surveys.question_types import QuestionType, question_type

SURVEY_KINDS = ("pulse", "maturity", "diagnostic", "custom")
AUDIENCE_HINTS = ("everyone", "managers")

__all__ = ["AUDIENCE_HINTS", "LANGUAGES", "SURVEY_KINDS", "LocalizedText", "Question", "Scale",
           "SurveyDefinition"]


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: LocalizedText
    optional: bool = False
    dimension: str | None = None

    @property
    def kind(self) -> QuestionType:
        """The type's object (surveys/question_types): how this question is asked, scored and written."""
        return question_type(self.type)

    @property
    def scale(self) -> Scale | None:
        """The answer scale of an nps or likert question; None for yes_no and text."""
        return self.kind.scale


@dataclass(frozen=True)
class SurveyDefinition:
    id: str
    kind: str
    audience_hint: str
    title: LocalizedText
    intro: LocalizedText | None
    questions: tuple[Question, ...]
    source: str = "<text>"

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(f"survey {self.id!r} has no question {question_id!r}")

    def questions_in(self, dimension_id: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.dimension == dimension_id)
